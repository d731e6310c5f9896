// What vigild and the console share to host an engine: the engine options of
// the command line, the configuration they make, the start-up log lines, and
// running headless until SIGTERM/SIGINT.
#pragma once

#include <string>

#include "control/config.h"

namespace vigil::control {
class Engine;
}

namespace vigil::app {

struct EngineOptions {
  std::string configPath, http, srt, rtmp, dataDir, logFormat, logLevel, playerDir, controlToken;
  int demoChannels = 0;  // --demo: 1; --demo-channels N
};

// The engine options' help lines (for a program's --help).
extern const char* const kEngineOptionsHelp;

enum class OptionResult { Taken, NotMine, Error };
// Takes argv[i] (and its value) when it is an engine option.
OptionResult takeEngineOption(int& i, int argc, char** argv, EngineOptions& options, const char* program);

// The configuration: the file, then the options over it. Errors name the problem.
Result<control::EngineConfig> makeConfig(const EngineOptions& options);

// Blocks SIGTERM and SIGINT in every thread to come (call before any thread
// starts) and ignores SIGPIPE.
void blockStopSignals();
// Waits for SIGTERM or SIGINT (blocked with blockStopSignals); returns its name.
const char* waitForStopSignal();

// Logs where the engine serves, and each channel's URLs.
void logEngineStart(control::Engine& engine, const control::EngineConfig& config, const char* program);

// Runs an engine headless until SIGTERM/SIGINT: vigild's whole life, and the
// console's without a display. Returns the process exit code.
int runHeadless(const control::EngineConfig& config, const char* program);

}  // namespace vigil::app
