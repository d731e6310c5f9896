#include "control/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "control/http_client.h"
#include "control/schema.h"
#include "ingest/srt_access.h"
#include "monitor/alarm_rules.h"
#include "package/uri_layout.h"

namespace vigil::control {
using nlohmann::json;

namespace {

bool validId(const std::string& s) { return package::uri::isValidId(s); }

const Schema<TestSourceSpec>& sourceSchema() {
  static const Schema<TestSourceSpec> s({
      integer("width", &TestSourceSpec::width, 64, 3840, "test pattern width in pixels (even)"),
      integer("height", &TestSourceSpec::height, 64, 2160, "test pattern height in pixels (even)"),
      integer("fps", &TestSourceSpec::frameRateNum, 1, 60, "frames per second"),
      integer("tone_hz", &TestSourceSpec::toneHz, 20, 20000, "test tone frequency"),
      boolean("realtime", &TestSourceSpec::realtime, "pace frames to the wall clock"),
  });
  return s;
}

const Schema<VideoRenditionSpec>& renditionSchema() {
  static const Schema<VideoRenditionSpec> s({
      string("id", &VideoRenditionSpec::id, {}, 64, "URI-safe rendition id", validId),
      integer("width", &VideoRenditionSpec::width, 64, 3840, "output width (even)"),
      integer("height", &VideoRenditionSpec::height, 64, 2160, "output height (even)"),
      integer("fps", &VideoRenditionSpec::frameRateNum, 1, 60, "output frame rate; must divide the source rate"),
      scaled("bitrate_kbps", &VideoRenditionSpec::bitrateBps, 1000, 50, 50000, "target average bitrate"),
      scaled("maxrate_kbps", &VideoRenditionSpec::maxrateBps, 1000, 0, 100000, "VBV maximum rate (0: bitrate)"),
      scaled("bufsize_kbits", &VideoRenditionSpec::bufsizeBits, 1000, 0, 200000,
             "VBV buffer size (0: an eighth of a segment at maxrate)"),
      string("preset", &VideoRenditionSpec::preset,
             {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"}, 16, "x264 preset"),
      string("profile", &VideoRenditionSpec::profile, {"baseline", "main", "high"}, 16, "H.264 profile"),
      string("level", &VideoRenditionSpec::level, {"", "3.0", "3.1", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2"}, 8,
             "H.264 level (empty: chosen by the encoder)"),
  });
  return s;
}

const Schema<AudioRenditionSpec>& audioSchema() {
  static const Schema<AudioRenditionSpec> s({
      string("id", &AudioRenditionSpec::id, {}, 64, "URI-safe rendition id", validId),
      scaled("bitrate_kbps", &AudioRenditionSpec::bitrateBps, 1000, 32, 512, "AAC bitrate"),
      integer("channels", &AudioRenditionSpec::channels, 1, 2, "1 = mono, 2 = stereo"),
      string("language", &AudioRenditionSpec::language, {}, 16, "BCP 47 language tag"),
      string("name", &AudioRenditionSpec::name, {}, 64, "name shown by players"),
  });
  return s;
}

const Schema<PackagingSpec>& packagingSchema() {
  static const Schema<PackagingSpec> s({
      integer("segment_ms", &PackagingSpec::segmentDurationMs, 1000, 10000, "segment duration"),
      integer("part_ms", &PackagingSpec::partDurationMs, 100, 1000, "LL-HLS part duration; divides the segment"),
      integer("part_hold_back_ms", &PackagingSpec::partHoldBackMs, 300, 10000,
              "PART-HOLD-BACK: how far behind the live edge LL-HLS players stay (at least 3 parts)"),
      integer("live_window_segments", &PackagingSpec::liveWindowSegments, 3, 100, "segments in the live playlist"),
      integer("dvr_window_segments", &PackagingSpec::dvrWindowSegments, 3, 10000,
              "segments kept and addressable (DVR / time-shift window)"),
  });
  return s;
}

bool validCidr(const std::string& s) { return ingest::Cidr::parse(s).isOk(); }

const Schema<InputSpec>& inputSchema() {
  static const Schema<InputSpec> s({
      string("id", &InputSpec::id, {}, 64, "URI-safe input id; the SRT stream id is <channel>/<id>", validId),
      string("type", &InputSpec::type, {"srt", "rtmp"}, 8, "contribution protocol"),
      string("app", &InputSpec::app, {}, 128, "RTMP application (rtmp://host:port/<app>/<key>); empty: the channel id"),
      string("key", &InputSpec::key, {}, 256, "RTMP stream key (a secret; at least 8 characters)"),
      string("passphrase", &InputSpec::passphrase, {}, 79, "SRT AES passphrase (10-79 characters; empty: none)"),
      integer("pbkeylen", &InputSpec::pbkeylen, 16, 32, "AES key length in bytes: 16, 24 or 32"),
      integer("latency_ms", &InputSpec::latencyMs, 20, 8000, "SRT receive latency (retransmission window)"),
      stringList("allow", &InputSpec::allowCidrs, 64, "callers' address ranges (CIDR); empty: any", validCidr),
  });
  return s;
}

const Schema<FailoverSpec>& failoverSchema() {
  static const Schema<FailoverSpec> s({
      integer("loss_ms", &FailoverSpec::lossMs, 100, 10000,
              "no video from the on-air input for this long: fail over (loss of signal, or undecodable)"),
      integer("black_ms", &FailoverSpec::blackMs, 0, 600000, "black picture for this long: fail over (0: never)"),
      integer("silence_ms", &FailoverSpec::silenceMs, 0, 600000,
              "audio below -60 dBFS, or none, for this long: fail over (0: never)"),
      integer("freeze_ms", &FailoverSpec::freezeMs, 0, 600000, "a frozen picture for this long: fail over (0: never)"),
      boolean("auto_return", &FailoverSpec::autoReturn,
              "return to the primary by itself once it has been fit for return_holdoff_ms"),
      integer("return_holdoff_ms", &FailoverSpec::returnHoldoffMs, 0, 3600000,
              "how long the primary must be fit before the return (made at a segment boundary)"),
  });
  return s;
}

const Schema<RedundancySpec>& redundancySchema() {
  static const Schema<RedundancySpec> s({
      string("mode", &RedundancySpec::mode, {"standard", "single"}, 16,
             "standard: two pipeline worker processes; single: one"),
      integer("preferred", &RedundancySpec::preferred, 0, 1, "the pipeline parts come from while it is healthy"),
      integer("lag_ms", &RedundancySpec::lagMs, 20, 10000,
              "the preferred pipeline's part this late behind the other's: the other's is published"),
      integer("hang_ms", &RedundancySpec::hangMs, 500, 60000,
              "a worker silent, or fed without producing a part, this long is killed and restarted"),
      integer("steady_segments", &RedundancySpec::steadySegments, 0, 30,
              "a restarted pipeline rejoins after this many segments without a bitrate spike (0: at once)"),
      boolean("emergency_slate", &RedundancySpec::emergencySlate,
              "an in-engine slate ladder, always hot, goes on air while no pipeline delivers (the heartbeat "
              "never stops)"),
  });
  return s;
}

const Schema<RegionFailoverSpec>& regionFailoverSchema() {
  static const Schema<RegionFailoverSpec> s({
      string("hook_url", &RegionFailoverSpec::hookUrl, {}, 512,
             "http://host[:port]/path POSTed a JSON account when the channel fails over to the standby region "
             "(whoever steers viewers: DNS, a CDN's origin group); empty: no standby region"),
      integer("after_ms", &RegionFailoverSpec::afterMs, 0, 3600000,
              "the output in outage (manifest age at the critical threshold, or the channel down) this long calls "
              "the hook by itself; 0: only an operator does"),
  });
  return s;
}

const Schema<RtmpSpec>& rtmpSchema() {
  static const Schema<RtmpSpec> s({
      string("listen", &RtmpSpec::listen, {}, 64, "ADDR:PORT of the RTMP listener shared by every channel (1935)"),
  });
  return s;
}

const Schema<SrtSpec>& srtSchema() {
  static const Schema<SrtSpec> s({
      string("listen", &SrtSpec::listen, {}, 64, "ADDR:PORT of the SRT listener shared by every channel"),
  });
  return s;
}

const Schema<AlarmSpec>& alarmSchema() {
  static const Schema<AlarmSpec> s({
      integer("manifest_age_warning_ms", &AlarmSpec::manifestAgeWarningMs, 0, 600000,
              "manifest age that raises a warning (0: 3000 with LL-HLS parts; classic HLS, part = segment: "
              "scaled by segment_ms / 2000)"),
      integer("manifest_age_critical_ms", &AlarmSpec::manifestAgeCriticalMs, 0, 600000,
              "manifest age that makes it critical, and counts as outage (0: 6000, scaled likewise)"),
      integer("clear_after_ms", &AlarmSpec::clearAfterMs, 0, 600000,
              "a manifest-age alarm clears once the age has stayed below the warning this long"),
      integer("bad_feed_clear_ms", &AlarmSpec::badFeedClearMs, 0, 3600000,
              "an input.bad-feed alarm clears once the input has been fit with no new error this long"),
  });
  return s;
}

const Schema<monitor::ComponentAvailability>& componentSchema() {
  using C = monitor::ComponentAvailability;
  static const Schema<C> s({
      number("input", &C::input, 0.5, 1.0, "availability of one contribution input (encoder, path, ingest)"),
      number("pipeline", &C::pipeline, 0.5, 1.0, "availability of one pipeline"),
      number("origin", &C::origin, 0.5, 1.0, "availability of the origin"),
  });
  return s;
}

const Schema<monitor::MonitorSpec>& monitorSchema() {
  using M = monitor::MonitorSpec;
  static const Schema<M> s({
      integer("sample_ms", &M::sampleMs, 50, 5000, "heartbeat: how often every rendition's manifest age is measured"),
      integer("history_days", &M::historyDays, 1, 366, "retention of the 10 s manifest-age history in the store"),
      integer("disk_min_free_mb", &M::diskMinFreeMb, 0, 1048576,
              "disk alarm (warning) below this much free space in data_dir..."),
      integer("disk_min_free_percent", &M::diskMinFreePercent, 0, 99, "...or below this share of its file system"),
      number("slo_percent", &M::sloPercent, 90.0, 99.99999, "availability objective per channel and month"),
      object("availability", &M::components, componentSchema(),
             "component availabilities of the topology model (series multiply, redundant legs 1 - prod(1 - A))"),
  });
  return s;
}

// The channel schema; "ladder" and "inputs" are handled alongside it.
const Schema<ChannelSpec>& channelSchema() {
  static const Schema<ChannelSpec> s({
      string("id", &ChannelSpec::id, {}, 64, "URI-safe channel id", validId),
      string("name", &ChannelSpec::name, {}, 128, "display name"),
      object("source", &ChannelSpec::source, sourceSchema(), "the built-in test source"),
      object("audio", &ChannelSpec::audio, audioSchema(), "the AAC audio rendition"),
      object("packaging", &ChannelSpec::packaging, packagingSchema(), "segments, parts and windows"),
      object("alarms", &ChannelSpec::alarms, alarmSchema(), "when the monitor raises and clears the channel's alarms"),
      object("failover", &ChannelSpec::failover, failoverSchema(),
             "input failover: when the on-air input is taken off air, and the return to the primary"),
      object("redundancy", &ChannelSpec::redundancy, redundancySchema(),
             "redundant pipelines: two worker processes (standard) or one (single)"),
      object("region_failover", &ChannelSpec::regionFailover, regionFailoverSchema(),
             "the hook that hands the channel's viewers to a standby region"),
  });
  return s;
}

const Schema<HttpSpec>& httpSchema() {
  static const Schema<HttpSpec> s({
      string("listen", &HttpSpec::listen, {}, 64, "ADDR:PORT of the origin"),
      integer("threads", &HttpSpec::threads, 1, 64, "origin IO threads"),
      string("public_base_url", &HttpSpec::publicBaseUrl, {}, 256,
             "base URL players use (CDN); empty: the listen address"),
      string("player_dir", &HttpSpec::playerDir, {}, 4096,
             "directory with hls.min.js and dash.all.min.js for the viewer page at / (empty: page only)"),
  });
  return s;
}

const Schema<ControlSpec>& controlSchema() {
  static const Schema<ControlSpec> s({
      string("token", &ControlSpec::token, {}, 256,
             "bearer token of the HTTP control API (Authorization: Bearer ...); empty: loopback clients only"),
  });
  return s;
}

const Schema<LogSpec>& logSchema() {
  static const Schema<LogSpec> s({
      string("format", &LogSpec::format, {"text", "json"}, 8, "log line format"),
      string("level", &LogSpec::level, {"trace", "debug", "info", "warn", "error"}, 8, "minimum level"),
  });
  return s;
}

}  // namespace

Status parseListen(const std::string& listen, std::string& address, uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::error("expected ADDR:PORT, got '" + listen + "'");
  address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > 65535)
    return Status::error("invalid port in '" + listen + "'");
  port = static_cast<uint16_t>(std::stoi(p));
  return Status::ok();
}

Status validateChannel(const ChannelSpec& c) {
  const std::string at = "channel '" + c.id + "': ";
  if (!validId(c.id)) return Status::error("channel id '" + c.id + "' must be 1-64 of [A-Za-z0-9_-]");
  const auto& p = c.packaging;
  if (p.segmentDurationMs % p.partDurationMs != 0)
    return Status::error(at + "packaging.part_ms (" + std::to_string(p.partDurationMs) +
                         ") must divide packaging.segment_ms (" + std::to_string(p.segmentDurationMs) + ")");
  if (p.partHoldBackMs < 3 * p.partDurationMs)
    return Status::error(at + "packaging.part_hold_back_ms must be at least 3 parts (" +
                         std::to_string(3 * p.partDurationMs) + " ms)");
  if (p.dvrWindowSegments < p.liveWindowSegments)
    return Status::error(at + "packaging.dvr_window_segments must be at least live_window_segments");
  const auto& src = c.source;
  if (src.width % 2 || src.height % 2) return Status::error(at + "source width and height must be even");
  // A part must hold a whole number of source frames, so every part starts on a frame.
  if ((p.partDurationMs * src.frameRateNum) % (1000 * src.frameRateDen) != 0)
    return Status::error(at + "packaging.part_ms (" + std::to_string(p.partDurationMs) +
                         ") must hold a whole number of frames at " + std::to_string(src.frameRateNum) + " fps");
  if (c.video.empty()) return Status::error(at + "the ladder is empty");
  if (c.redundancy.preferred >= c.redundancy.pipelines())
    return Status::error(at + "redundancy.preferred must be 0 for a single-pipeline channel");
  if (c.inputs.size() > 4) return Status::error(at + "at most 4 inputs (a primary and its backups)");
  if (const auto& r = c.regionFailover; !r.hookUrl.empty()) {
    if (auto url = HttpLocation::parse(r.hookUrl); !url)
      return Status::error(at + "region_failover.hook_url: " + url.message());
  } else if (r.afterMs > 0) {
    return Status::error(at + "region_failover.after_ms needs a hook_url");
  }
  std::set<std::string> inputIds;
  for (const auto& in : c.inputs) {
    if (!inputIds.insert(in.id).second) return Status::error(at + "input id '" + in.id + "' is used twice");
    const std::string iat = at + "input '" + in.id + "': ";
    if (!validId(in.id)) return Status::error(iat + "id must be 1-64 of [A-Za-z0-9_-]");
    if (!in.passphrase.empty() && in.passphrase.size() < 10)
      return Status::error(iat + "passphrase must be 10 to 79 characters (or empty for none)");
    if (in.pbkeylen != 16 && in.pbkeylen != 24 && in.pbkeylen != 32)
      return Status::error(iat + "pbkeylen must be 16, 24 or 32");
    if (in.type == "rtmp" && in.key.size() < 8)
      return Status::error(iat + "an RTMP input needs a key of at least 8 characters");
    if (!in.app.empty() &&
        in.app.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/") !=
            std::string::npos)
      return Status::error(iat + "app must be of [A-Za-z0-9_.-/]");
  }
  std::set<std::string> ids{c.audio.id};
  for (const auto& r : c.video) {
    const std::string rat = at + "ladder rendition '" + r.id + "': ";
    if (!validId(r.id)) return Status::error(rat + "id must be 1-64 of [A-Za-z0-9_-]");
    if (!ids.insert(r.id).second) return Status::error(rat + "id is used twice (audio is '" + c.audio.id + "')");
    if (r.width % 2 || r.height % 2) return Status::error(rat + "width and height must be even");
    if (r.width > src.width || r.height > src.height)
      return Status::error(rat + "larger than the source (no upscaling)");
    if (r.frameRateNum > src.frameRateNum || src.frameRateNum % r.frameRateNum != 0)
      return Status::error(rat + "fps must divide the source's " + std::to_string(src.frameRateNum));
    if ((p.partDurationMs * r.frameRateNum) % 1000 != 0)
      return Status::error(rat + "a part must hold a whole number of frames at " + std::to_string(r.frameRateNum) +
                           " fps");
    if (r.maxrateBps && r.maxrateBps < r.bitrateBps) return Status::error(rat + "maxrate_kbps is below bitrate_kbps");
  }
  if (const auto t = monitor::ageThresholds(p, c.alarms); t.criticalUs <= t.warningUs)
    return Status::error(at + "alarms.manifest_age_critical_ms (" + std::to_string(t.criticalUs / 1000) +
                         ") must be above the warning (" + std::to_string(t.warningUs / 1000) + ")");
  return Status::ok();
}

Result<ChannelSpec> parseChannel(const json& j, const std::string& where) {
  ChannelSpec c;
  c.video = demoLadder();
  if (!j.is_object()) return Status::error(where + ": expected an object");
  json rest = j;
  json ladder = rest.contains("ladder") ? rest["ladder"] : json("demo");
  json inputs = rest.contains("inputs") ? rest["inputs"] : json::array();
  rest.erase("ladder");
  rest.erase("inputs");
  if (auto s = channelSchema().read(rest, c, where); !s) return s;
  if (c.id.empty()) return Status::error(where + ".id: required");
  if (c.name.empty()) c.name = c.id;
  if (ladder.is_string()) {
    const auto name = ladder.get<std::string>();
    if (name == "demo")
      c.video = demoLadder();
    else if (name == "default")
      c.video = defaultLadder(c.source.width, c.source.height, c.source.frameRateNum);
    else
      return Status::error(where + ".ladder: must be \"demo\", \"default\" or a list of renditions");
  } else if (ladder.is_array()) {
    c.video.clear();
    for (size_t i = 0; i < ladder.size(); ++i) {
      VideoRenditionSpec r;
      r.id = "v" + std::to_string(i);
      if (auto s = renditionSchema().read(ladder[i], r, where + ".ladder[" + std::to_string(i) + "]"); !s) return s;
      c.video.push_back(r);
    }
  } else {
    return Status::error(where + ".ladder: must be \"demo\", \"default\" or a list of renditions");
  }
  if (!inputs.is_array()) return Status::error(where + ".inputs: expected a list");
  for (size_t i = 0; i < inputs.size(); ++i) {
    InputSpec in;
    if (auto s = inputSchema().read(inputs[i], in, where + ".inputs[" + std::to_string(i) + "]"); !s) return s;
    c.inputs.push_back(std::move(in));
  }
  if (auto s = validateChannel(c); !s) return Status::error(where + ": " + s.message());
  return c;
}

json channelToJson(const ChannelSpec& spec) {
  json j = channelSchema().write(spec);
  json ladder = json::array();
  for (const auto& r : spec.video) ladder.push_back(renditionSchema().write(r));
  j["ladder"] = std::move(ladder);
  json inputs = json::array();
  for (const auto& in : spec.inputs) inputs.push_back(inputSchema().write(in));
  j["inputs"] = std::move(inputs);
  return j;
}

Result<EngineConfig> parseConfig(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::error(std::string("config is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return Status::error("config: expected a JSON object at the top level");
  EngineConfig cfg;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "data_dir") {
      if (!it->is_string() || it->get<std::string>().empty()) return Status::error("data_dir: expected a path");
      cfg.dataDir = it->get<std::string>();
    } else if (key == "http") {
      if (auto s = httpSchema().read(*it, cfg.http, "http"); !s) return s;
    } else if (key == "srt") {
      if (auto s = srtSchema().read(*it, cfg.srt, "srt"); !s) return s;
    } else if (key == "rtmp") {
      if (auto s = rtmpSchema().read(*it, cfg.rtmp, "rtmp"); !s) return s;
    } else if (key == "log") {
      if (auto s = logSchema().read(*it, cfg.log, "log"); !s) return s;
    } else if (key == "control") {
      if (auto s = controlSchema().read(*it, cfg.control, "control"); !s) return s;
    } else if (key == "monitor") {
      if (auto s = monitorSchema().read(*it, cfg.monitor, "monitor"); !s) return s;
    } else if (key == "channels") {
      if (!it->is_array()) return Status::error("channels: expected a list");
      std::set<std::string> ids;
      for (size_t i = 0; i < it->size(); ++i) {
        auto c = parseChannel((*it)[i], "channels[" + std::to_string(i) + "]");
        if (!c) return c.status();
        if (!ids.insert(c->id).second)
          return Status::error("channels[" + std::to_string(i) + "].id: '" + c->id + "' is used twice");
        cfg.channels.push_back(std::move(*c));
      }
    } else {
      return Status::error(key + ": unknown key (known: data_dir, http, srt, rtmp, log, control, monitor, channels)");
    }
  }
  std::string addr;
  uint16_t port = 0;
  if (auto s = parseListen(cfg.http.listen, addr, port); !s) return Status::error("http.listen: " + s.message());
  if (!cfg.srt.listen.empty())
    if (auto s = parseListen(cfg.srt.listen, addr, port); !s) return Status::error("srt.listen: " + s.message());
  if (!cfg.rtmp.listen.empty())
    if (auto s = parseListen(cfg.rtmp.listen, addr, port); !s) return Status::error("rtmp.listen: " + s.message());
  return cfg;
}

Result<EngineConfig> loadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto cfg = parseConfig(ss.str());
  if (!cfg) return Status::error(path + ": " + cfg.message());
  return cfg;
}

ChannelSpec demoChannel(const std::string& id) {
  ChannelSpec c;
  c.id = id;
  c.name = "Demo channel";
  c.video = demoLadder();
  return c;
}

json describeConfig() {
  json renditions = renditionSchema().describe();
  return {
      {"data_dir", {{"type", "string"}, {"default", EngineConfig{}.dataDir}, {"help", "SQLite database and state"}}},
      {"http", httpSchema().describe()},
      {"log", logSchema().describe()},
      {"control", controlSchema().describe()},
      {"monitor", monitorSchema().describe()},
      {"monitor.availability", componentSchema().describe()},
      {"channels[].alarms", alarmSchema().describe()},
      {"channels[]", channelSchema().describe()},
      {"channels[].ladder",
       {{"help", "\"demo\", \"default\" (the product ladder capped at the source), or a list"},
        {"rendition", renditions}}},
      {"channels[].source", sourceSchema().describe()},
      {"channels[].audio", audioSchema().describe()},
      {"channels[].packaging", packagingSchema().describe()},
      {"channels[].inputs[]", inputSchema().describe()},
      {"channels[].failover", failoverSchema().describe()},
      {"channels[].redundancy", redundancySchema().describe()},
      {"srt", srtSchema().describe()},
      {"rtmp", rtmpSchema().describe()},
  };
}

}  // namespace vigil::control
