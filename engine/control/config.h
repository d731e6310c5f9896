// The engine's configuration: what `vigild --config FILE` reads, validated at
// load with messages that name the key. Channel specs use the same schema when
// the store keeps them and when the control API receives them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/channel_spec.h"
#include "core/status.h"
#include "monitor/monitor_spec.h"

namespace vigil::control {

struct HttpSpec {
  std::string listen = "127.0.0.1:8080";  // ADDR:PORT of the origin and control API
  int threads = 1;                        // origin IO threads
  // Where players reach the origin (a CDN in front); used in printed URLs.
  // Empty: http://<listen>.
  std::string publicBaseUrl;
  // Directory holding hls.min.js and dash.all.min.js for the viewer page at "/".
  std::string playerDir;
};

struct SrtSpec {
  // ADDR:PORT of the one SRT listener every channel's SRT inputs share;
  // empty: no listener (then no channel may have an SRT input).
  std::string listen;
};

struct RtmpSpec {
  // ADDR:PORT of the one RTMP listener every channel's RTMP inputs share;
  // empty: no listener (then no channel may have an RTMP input).
  std::string listen;
};

struct ControlSpec {
  // Bearer token of the HTTP control API (/api/v1/); empty: the API answers
  // loopback clients only. A secret: never logged.
  std::string token;
};

struct LogSpec {
  std::string format = "text";  // text | json
  std::string level = "info";   // trace | debug | info | warn | error
};

struct EngineConfig {
  std::string dataDir = "./data";
  HttpSpec http;
  SrtSpec srt;
  RtmpSpec rtmp;
  LogSpec log;
  ControlSpec control;
  monitor::MonitorSpec monitor;  // heartbeat sampling, history, disk, objective, availability model
  std::vector<ChannelSpec> channels;
};

// Parses and validates. Every error names the offending key, e.g.
// "channels[0].packaging.part_ms: must be between 100 and 1000".
Result<EngineConfig> parseConfig(const std::string& jsonText);
Result<EngineConfig> loadConfigFile(const std::string& path);

// One channel, as the config file, the store and the control API spell it.
Result<ChannelSpec> parseChannel(const nlohmann::json& j, const std::string& where);
nlohmann::json channelToJson(const ChannelSpec& spec);
// Cross-field rules (part divides segment, frame rates, ladder not above the source...).
Status validateChannel(const ChannelSpec& spec);

// The demo channel: the test source and the small ladder.
ChannelSpec demoChannel(const std::string& id = "demo");

// Every key with type, default, range and help (for --help-config and editors).
nlohmann::json describeConfig();

// "ADDR:PORT" -> address and port.
Status parseListen(const std::string& listen, std::string& address, uint16_t& port);

}  // namespace vigil::control
