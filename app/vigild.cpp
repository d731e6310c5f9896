// vigild: the headless Vigil engine. Channels come from a config file (or the
// built-in demo); the origin serves them; SIGTERM/SIGINT stop it cleanly.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "control/config.h"
#include "control/engine.h"
#include "host_logging.h"

namespace {

constexpr const char* kUsage = R"(Usage: vigild [options]

Runs the Vigil live engine headless: channels from a config file (or the demo
channel) are transcoded, packaged as LL-HLS, HLS and DASH, and served by the
built-in HTTP origin.

Options:
  --config FILE       channels and settings (JSON; see --help-config)
  --demo              run the demo channel (built-in test source, small ladder)
  --http ADDR:PORT    origin listen address (default 127.0.0.1:8080)
  --srt ADDR:PORT     SRT listener shared by every channel's SRT inputs
  --rtmp ADDR:PORT    RTMP listener shared by every channel's RTMP inputs
  --data DIR          state directory: SQLite database (default ./data)
  --player-dir DIR    hls.min.js and dash.all.min.js for the viewer page at /
  --control-token T   bearer token of the control API (/api/v1/); without one
                      it answers loopback clients only (also VIGIL_CONTROL_TOKEN)
  --log-format F      text | json (JSON lines)
  --log-level L       trace | debug | info | warn | error
  --help-config       print every configuration key with type, default, range and help
  --help              this text
  --version           print the version
)";

bool takeValue(int& i, int argc, char** argv, std::string& out) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "vigild: %s needs a value\n", argv[i]);
    return false;
  }
  out = argv[++i];
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string configPath, http, srt, rtmp, dataDir, logFormat, logLevel, playerDir, controlToken;
  bool demo = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      std::printf("vigild %s\n", VIGIL_VERSION);
      return 0;
    } else if (a == "--help-config") {
      std::printf("%s\n", vigil::control::describeConfig().dump(2).c_str());
      return 0;
    } else if (a == "--demo") {
      demo = true;
    } else if (a == "--config") {
      if (!takeValue(i, argc, argv, configPath)) return 2;
    } else if (a == "--http") {
      if (!takeValue(i, argc, argv, http)) return 2;
    } else if (a == "--srt") {
      if (!takeValue(i, argc, argv, srt)) return 2;
    } else if (a == "--rtmp") {
      if (!takeValue(i, argc, argv, rtmp)) return 2;
    } else if (a == "--data") {
      if (!takeValue(i, argc, argv, dataDir)) return 2;
    } else if (a == "--player-dir") {
      if (!takeValue(i, argc, argv, playerDir)) return 2;
    } else if (a == "--control-token") {
      if (!takeValue(i, argc, argv, controlToken)) return 2;
    } else if (a == "--log-format") {
      if (!takeValue(i, argc, argv, logFormat)) return 2;
    } else if (a == "--log-level") {
      if (!takeValue(i, argc, argv, logLevel)) return 2;
    } else {
      std::fprintf(stderr, "vigild: unknown option '%s' (see --help)\n", a.c_str());
      return 2;
    }
  }

  vigil::control::EngineConfig config;
  if (!configPath.empty()) {
    auto loaded = vigil::control::loadConfigFile(configPath);
    if (!loaded) {
      std::fprintf(stderr, "vigild: %s\n", loaded.message().c_str());
      return 2;
    }
    config = std::move(*loaded);
  }
  if (!http.empty()) config.http.listen = http;
  if (!srt.empty()) config.srt.listen = srt;
  if (!rtmp.empty()) config.rtmp.listen = rtmp;
  if (!dataDir.empty()) config.dataDir = dataDir;
  if (!playerDir.empty()) config.http.playerDir = playerDir;
  // The environment keeps the secret out of the process list.
  if (const char* env = std::getenv("VIGIL_CONTROL_TOKEN"); env && *env && controlToken.empty()) controlToken = env;
  if (!controlToken.empty()) config.control.token = controlToken;
  if (!logFormat.empty()) config.log.format = logFormat;
  if (!logLevel.empty()) config.log.level = logLevel;
  if (config.log.format != "text" && config.log.format != "json") {
    std::fprintf(stderr, "vigild: --log-format must be text or json\n");
    return 2;
  }
  if (demo) {
    bool exists = false;
    for (const auto& c : config.channels) exists = exists || c.id == "demo";
    if (!exists) config.channels.push_back(vigil::control::demoChannel());
  }
  if (config.channels.empty()) {
    std::fprintf(stderr, "vigild: no channels: give --config FILE or --demo\n");
    return 2;
  }
  vigil::app::setupLogging(config.log.format, config.log.level);

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto engine = vigil::control::Engine::create(config);
  if (!engine) {
    spdlog::error("cannot start: {}", engine.message());
    return 1;
  }
  if (auto s = (*engine)->start(); !s) {
    spdlog::error("cannot start: {}", s.message());
    return 1;
  }
  spdlog::info("vigild {} serving on {} (data in {})", VIGIL_VERSION, (*engine)->publicBaseUrl(), config.dataDir);
  spdlog::info("viewer page: {}/", (*engine)->publicBaseUrl());
  spdlog::info("control API: http://{}:{}/api/v1/ ({})", (*engine)->publicHost(), (*engine)->httpPort(),
               config.control.token.empty() ? "loopback clients only" : "bearer token required");
  if (const uint16_t srtPort = (*engine)->srtPort()) spdlog::info("SRT listening on port {}", srtPort);
  if (const uint16_t rtmpPort = (*engine)->rtmpPort()) spdlog::info("RTMP listening on port {}", rtmpPort);
  for (const auto& c : (*engine)->channels()) {
    spdlog::info("channel {} ({}): HLS/LL-HLS {}", c.id, c.name, c.hlsUrl);
    spdlog::info("channel {} ({}): DASH {}", c.id, c.name, c.dashUrl);
    for (const auto& url : c.publishUrls) spdlog::info("channel {} ({}): publish to {}", c.id, c.name, url);
  }

  int sig = 0;
  sigwait(&stopSignals, &sig);
  spdlog::info("{} received: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*engine)->stop();
  engine.value().reset();
  spdlog::info("stopped cleanly");
  return 0;
}
