#include "engine_host.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "control/engine.h"
#include "host_logging.h"

namespace vigil::app {

const char* const kEngineOptionsHelp = R"(  --config FILE       channels and settings (JSON; see --help-config)
  --demo              run the demo channel (built-in test source, small ladder)
  --demo-channels N   run N demo channels (demo, demo-2, ...)
  --http ADDR:PORT    origin listen address (default 127.0.0.1:8080)
  --srt ADDR:PORT     SRT listener shared by every channel's SRT inputs
  --rtmp ADDR:PORT    RTMP listener shared by every channel's RTMP inputs
  --data DIR          state directory: SQLite database (default ./data)
  --player-dir DIR    hls.min.js and dash.all.min.js for the viewer page at /
  --control-token T   bearer token of the control API (/api/v1/); without one
                      it answers loopback clients only (also VIGIL_CONTROL_TOKEN)
  --log-format F      text | json (JSON lines)
  --log-level L       trace | debug | info | warn | error
)";

namespace {

bool takeValue(int& i, int argc, char** argv, std::string& out, const char* program) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s: %s needs a value\n", program, argv[i]);
    return false;
  }
  out = argv[++i];
  return true;
}

}  // namespace

OptionResult takeEngineOption(int& i, int argc, char** argv, EngineOptions& o, const char* program) {
  const std::string a = argv[i];
  std::string* target = nullptr;
  if (a == "--demo") {
    o.demoChannels = std::max(o.demoChannels, 1);
    return OptionResult::Taken;
  }
  if (a == "--demo-channels") {
    std::string n;
    if (!takeValue(i, argc, argv, n, program)) return OptionResult::Error;
    char* end = nullptr;
    const long count = std::strtol(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || count < 1 || count > 64) {
      std::fprintf(stderr, "%s: --demo-channels must be between 1 and 64\n", program);
      return OptionResult::Error;
    }
    o.demoChannels = int(count);
    return OptionResult::Taken;
  }
  if (a == "--config") target = &o.configPath;
  if (a == "--http") target = &o.http;
  if (a == "--srt") target = &o.srt;
  if (a == "--rtmp") target = &o.rtmp;
  if (a == "--data") target = &o.dataDir;
  if (a == "--player-dir") target = &o.playerDir;
  if (a == "--control-token") target = &o.controlToken;
  if (a == "--log-format") target = &o.logFormat;
  if (a == "--log-level") target = &o.logLevel;
  if (!target) return OptionResult::NotMine;
  return takeValue(i, argc, argv, *target, program) ? OptionResult::Taken : OptionResult::Error;
}

Result<control::EngineConfig> makeConfig(const EngineOptions& o) {
  control::EngineConfig config;
  if (!o.configPath.empty()) {
    auto loaded = control::loadConfigFile(o.configPath);
    if (!loaded) return loaded.status();
    config = std::move(*loaded);
  }
  if (!o.http.empty()) config.http.listen = o.http;
  if (!o.srt.empty()) config.srt.listen = o.srt;
  if (!o.rtmp.empty()) config.rtmp.listen = o.rtmp;
  if (!o.dataDir.empty()) config.dataDir = o.dataDir;
  if (!o.playerDir.empty()) config.http.playerDir = o.playerDir;
  // The environment keeps the secret out of the process list.
  std::string token = o.controlToken;
  if (const char* env = std::getenv("VIGIL_CONTROL_TOKEN"); env && *env && token.empty()) token = env;
  if (!token.empty()) config.control.token = token;
  if (!o.logFormat.empty()) config.log.format = o.logFormat;
  if (!o.logLevel.empty()) config.log.level = o.logLevel;
  if (config.log.format != "text" && config.log.format != "json")
    return Status::error("--log-format must be text or json");
  for (int n = 1; n <= o.demoChannels; ++n) {
    const std::string id = n == 1 ? "demo" : "demo-" + std::to_string(n);
    bool exists = false;
    for (const auto& c : config.channels) exists = exists || c.id == id;
    if (!exists) config.channels.push_back(control::demoChannel(id));
  }
  return config;
}

void blockStopSignals() {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

const char* waitForStopSignal() {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  int sig = 0;
  sigwait(&stopSignals, &sig);
  return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}

void logEngineStart(control::Engine& engine, const control::EngineConfig& config, const char* program) {
  spdlog::info("{} {} serving on {} (data in {})", program, VIGIL_VERSION, engine.publicBaseUrl(), config.dataDir);
  spdlog::info("viewer page: {}/", engine.publicBaseUrl());
  spdlog::info("control API: http://{}:{}/api/v1/ ({})", engine.publicHost(), engine.httpPort(),
               config.control.token.empty() ? "loopback clients only" : "bearer token required");
  if (const uint16_t srtPort = engine.srtPort()) spdlog::info("SRT listening on port {}", srtPort);
  if (const uint16_t rtmpPort = engine.rtmpPort()) spdlog::info("RTMP listening on port {}", rtmpPort);
  for (const auto& c : engine.channels()) {
    spdlog::info("channel {} ({}): HLS/LL-HLS {}", c.id, c.name, c.hlsUrl);
    spdlog::info("channel {} ({}): DASH {}", c.id, c.name, c.dashUrl);
    for (const auto& url : c.publishUrls) spdlog::info("channel {} ({}): publish to {}", c.id, c.name, url);
  }
}

int runHeadless(const control::EngineConfig& config, const char* program) {
  blockStopSignals();
  auto engine = control::Engine::create(config);
  if (!engine) {
    spdlog::error("cannot start: {}", engine.message());
    return 1;
  }
  if (auto s = (*engine)->start(); !s) {
    spdlog::error("cannot start: {}", s.message());
    return 1;
  }
  logEngineStart(**engine, config, program);
  spdlog::info("{} received: stopping", waitForStopSignal());
  (*engine)->stop();
  engine.value().reset();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace vigil::app
