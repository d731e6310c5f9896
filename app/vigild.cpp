// vigild: the headless Vigil engine. Channels come from a config file (or the
// built-in demo); the origin serves them; SIGTERM/SIGINT stop it cleanly.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "control/config.h"
#include "engine_host.h"
#include "host_logging.h"

namespace {

constexpr const char* kUsageHead = R"(Usage: vigild [options]

Runs the Vigil live engine headless: channels from a config file (or the demo
channel) are transcoded, packaged as LL-HLS, HLS and DASH, and served by the
built-in HTTP origin.

Options:
)";
constexpr const char* kUsageTail =
    R"(  --help-config       print every configuration key with type, default, range and help
  --help              this text
  --version           print the version
)";

}  // namespace

int main(int argc, char** argv) {
  vigil::app::EngineOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s%s%s", kUsageHead, vigil::app::kEngineOptionsHelp, kUsageTail);
      return 0;
    } else if (a == "--version") {
      std::printf("vigild %s\n", VIGIL_VERSION);
      return 0;
    } else if (a == "--help-config") {
      std::printf("%s\n", vigil::control::describeConfig().dump(2).c_str());
      return 0;
    }
    switch (vigil::app::takeEngineOption(i, argc, argv, options, "vigild")) {
      case vigil::app::OptionResult::Taken:
        continue;
      case vigil::app::OptionResult::Error:
        return 2;
      case vigil::app::OptionResult::NotMine:
        std::fprintf(stderr, "vigild: unknown option '%s' (see --help)\n", a.c_str());
        return 2;
    }
  }

  auto config = vigil::app::makeConfig(options);
  if (!config) {
    std::fprintf(stderr, "vigild: %s\n", config.message().c_str());
    return 2;
  }
  if (config->channels.empty()) {
    std::fprintf(stderr, "vigild: no channels: give --config FILE or --demo\n");
    return 2;
  }
  vigil::app::setupLogging(config->log.format, config->log.level);
  return vigil::app::runHeadless(*config, "vigild");
}
