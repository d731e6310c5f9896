#include "control/api_json.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "control/config.h"

namespace vigil::control::api {
using nlohmann::json;

namespace {

// A type error at a key: reported as "<where>.<key>: expected <type>".
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
const char* typeName() {
  if constexpr (std::is_same_v<T, bool>)
    return "a boolean";
  else if constexpr (std::is_same_v<T, std::string>)
    return "a string";
  else if constexpr (std::is_floating_point_v<T>)
    return "a number";
  else if constexpr (std::is_unsigned_v<T>)
    return "a non-negative integer";
  else if constexpr (std::is_integral_v<T>)
    return "an integer";
  else if constexpr (std::is_same_v<T, json>)
    return "an object";
  else
    return "a list";
}

// Reads the keys present over a struct's defaults; null counts as absent.
class Reader {
 public:
  Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) throw FieldError(where_ + ": expected an object");
  }

  template <typename T>
  void operator()(const char* key, T& out) const {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return;
    const bool fits = [&] {
      if constexpr (std::is_same_v<T, bool>)
        return it->is_boolean();
      else if constexpr (std::is_same_v<T, std::string>)
        return it->is_string();
      else if constexpr (std::is_floating_point_v<T>)
        return it->is_number();
      else if constexpr (std::is_unsigned_v<T>)
        return it->is_number_unsigned();
      else if constexpr (std::is_integral_v<T>)
        return it->is_number_integer();
      else if constexpr (std::is_same_v<T, json>)
        return it->is_object();
      else
        return it->is_array();
    }();
    if (!fits) throw FieldError(where_ + "." + key + ": expected " + typeName<T>());
    out = it->template get<T>();
  }

  // A list of structs, each read by fromJson<T>.
  template <typename T>
  void list(const char* key, std::vector<T>& out) const {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return;
    auto items = fromJsonList<T>(*it);
    if (!items) throw FieldError(where_ + "." + key + ": " + items.message());
    out = std::move(*items);
  }

  const json& raw() const { return j_; }

 private:
  const json& j_;
  std::string where_;
};

// Runs a reader over j; a FieldError or a JSON error becomes a Status.
template <typename T, typename Read>
Result<T> readWith(const json& j, const char* what, Read read) {
  try {
    T out{};
    read(Reader(j, what), out);
    return out;
  } catch (const FieldError& e) {
    return Status::error(e.what());
  } catch (const json::exception& e) {
    return Status::error(std::string(what) + ": " + e.what());
  }
}

json stateSeconds(const monitor::StateSeconds& s) {
  return {{"healthy", s.healthy}, {"degraded", s.degraded}, {"outage", s.outage}};
}

void readStateSeconds(const Reader& r, const char* key, monitor::StateSeconds& out) {
  json sub;
  r(key, sub);
  if (sub.is_null()) return;
  Reader s(sub, key);
  s("healthy", out.healthy);
  s("degraded", out.degraded);
  s("outage", out.outage);
}

}  // namespace

std::optional<ChannelStatus::State> stateFromName(std::string_view name) {
  for (auto s : {ChannelStatus::State::Starting, ChannelStatus::State::Running, ChannelStatus::State::Stopped,
                 ChannelStatus::State::Failed})
    if (name == toString(s)) return s;
  return std::nullopt;
}

// ---- writing ----

json toJson(const RenditionStatus& r) {
  return {
      {"id", r.id}, {"last_msn", r.lastMsn}, {"last_part", r.lastPart}, {"manifest_age_seconds", r.manifestAgeSeconds}};
}

json toJson(const InputStatus& in) {
  return {{"id", in.id},
          {"type", in.type},
          {"on_air", in.onAir},
          {"fault", in.fault},
          {"connected", in.connected},
          {"peer", in.peer},
          {"ms_since_video", in.msSinceVideo},
          {"ms_since_packet", in.msSincePacket},
          {"black", in.black},
          {"silent", in.silent},
          {"frozen", in.frozen},
          {"width", in.width},
          {"height", in.height},
          {"frame_rate", in.frameRate},
          {"has_alignment", in.hasAlignment},
          {"same_programme", in.sameProgramme},
          {"drift_ms", in.driftMs},
          {"video_codec", in.videoCodec},
          {"audio_codec", in.audioCodec},
          {"bitrate_kbps", in.bitrateKbps},
          {"keyframe_interval_ms", in.keyframeIntervalMs},
          {"av_sync_drift_ms", in.avSyncDriftMs},
          {"continuity_errors", in.continuityErrors},
          {"sessions", in.sessions},
          {"failed_sessions", in.failedSessions},
          {"codec_changes", in.codecChanges},
          {"timestamp_jumps", in.timestampJumps},
          {"last_error", in.lastError},
          {"rtt_ms", in.rttMs},
          {"packets_lost", in.packetsLost},
          {"packets_retransmitted", in.packetsRetransmitted},
          {"packets_dropped", in.packetsDropped},
          {"receive_buffer_ms", in.receiveBufferMs},
          {"receive_rate_mbps", in.receiveRateMbps}};
}

json toJson(const PipelineRenditionStatus& r) { return {{"id", r.id}, {"keyframe_violations", r.keyframeViolations}}; }

json toJson(const PipelineStatus& p) {
  return {{"index", p.index},
          {"state", p.state},
          {"preferred", p.preferred},
          {"on_air", p.onAir},
          {"steady", p.steady},
          {"pid", p.pid},
          {"restarts", p.restarts},
          {"last_exit", p.lastExit},
          {"parts_received", p.partsReceived},
          {"parts_published", p.partsPublished},
          {"frames_dropped", p.framesDropped},
          {"last_segment_ratio", p.lastSegmentRatio},
          {"keyframe_violations", p.keyframeViolations},
          {"renditions", toJsonList(p.renditions)},
          {"quality_score", p.qualityScore},
          {"quality_note", p.qualityNote}};
}

json toJson(const ChannelStatus& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"state", toString(c.state)},
          {"hls_url", c.hlsUrl},
          {"dash_url", c.dashUrl},
          {"publish_urls", c.publishUrls},
          {"discontinuity_sequence", c.discontinuitySequence},
          {"first_segment_of_period", c.firstSegmentOfPeriod},
          {"parts_published", c.partsPublished},
          {"segments_published", c.segmentsPublished},
          {"renditions", toJsonList(c.renditions)},
          {"on_air", c.onAir},
          {"slate_by_operator", c.slateByOperator},
          {"hold_on_backup", c.holdOnBackup},
          {"input_switches", c.inputSwitches},
          {"inputs", toJsonList(c.inputs)},
          {"worst_manifest_age_seconds", c.worstManifestAgeSeconds},
          {"open_alarms", c.openAlarms},
          {"redundancy", c.redundancy},
          {"standby_region", c.standbyRegion},
          {"pipelines", toJsonList(c.pipelines)},
          {"pipeline_switches", c.pipelineSwitches},
          {"emergency_slate_on_air", c.emergencySlateOnAir}};
}

json toJson(const RehearsalReport& r) {
  return {{"kind", r.kind},
          {"target", r.target},
          {"started_utc_us", r.startedUtcUs},
          {"switch_ms", r.switchMs},
          {"baseline_manifest_age_seconds", r.baselineManifestAgeSeconds},
          {"worst_manifest_age_seconds", r.worstManifestAgeSeconds},
          {"parts_lost", r.partsLost},
          {"parts_repeated", r.partsRepeated},
          {"observed_ms", r.observedMs}};
}

json toJson(const store::EventRecord& e) {
  return {{"id", e.id},     {"utc_us", e.utcUs}, {"channel_id", e.channelId},
          {"kind", e.kind}, {"actor", e.actor},  {"detail", e.detail}};
}

json toJson(const monitor::Alarm& a) {
  return {{"id", a.id},
          {"channel_id", a.key.channelId},
          {"kind", a.key.kind},
          {"subject", a.key.subject},
          {"severity", monitor::toString(a.severity)},
          {"detail", a.detail},
          {"raised_us", a.raisedUs},
          {"cleared_us", a.clearedUs},
          {"acked_us", a.ackedUs},
          {"acked_by", a.ackedBy}};
}

json toJson(const monitor::AgePoint& p) {
  return {
      {"utc_us", p.utcUs}, {"age_seconds", p.ageSeconds}, {"max_age_seconds", p.maxAgeSeconds}, {"samples", p.samples}};
}

json toJson(const monitor::AvailabilityReport& r) {
  return {{"channel_id", r.channelId},
          {"day", r.day},
          {"today", stateSeconds(r.today)},
          {"month", r.month},
          {"this_month", stateSeconds(r.thisMonth)},
          {"achieved_today", r.achievedToday},
          {"achieved_month", r.achievedMonth},
          {"slo_percent", r.sloPercent},
          {"month_budget",
           {{"allowed_seconds", r.monthBudget.allowedSeconds},
            {"used_seconds", r.monthBudget.usedSeconds},
            {"remaining_seconds", r.monthBudget.remainingSeconds},
            {"used_fraction", r.monthBudget.usedFraction}}},
          {"topology_availability", r.topologyAvailability},
          {"topology", r.topology}};
}

json toJson(const ChannelSpec& spec) { return channelToJson(spec); }

template <typename T>
json toJsonList(const std::vector<T>& items) {
  json out = json::array();
  for (const auto& item : items) out.push_back(toJson(item));
  return out;
}

// ---- reading ----

template <>
Result<RenditionStatus> fromJson(const json& j) {
  return readWith<RenditionStatus>(j, "rendition", [](const Reader& r, RenditionStatus& o) {
    r("id", o.id);
    r("last_msn", o.lastMsn);
    r("last_part", o.lastPart);
    r("manifest_age_seconds", o.manifestAgeSeconds);
  });
}

template <>
Result<InputStatus> fromJson(const json& j) {
  return readWith<InputStatus>(j, "input", [](const Reader& r, InputStatus& o) {
    r("id", o.id);
    r("type", o.type);
    r("on_air", o.onAir);
    r("fault", o.fault);
    r("connected", o.connected);
    r("peer", o.peer);
    r("ms_since_video", o.msSinceVideo);
    r("ms_since_packet", o.msSincePacket);
    r("black", o.black);
    r("silent", o.silent);
    r("frozen", o.frozen);
    r("width", o.width);
    r("height", o.height);
    r("frame_rate", o.frameRate);
    r("has_alignment", o.hasAlignment);
    r("same_programme", o.sameProgramme);
    r("drift_ms", o.driftMs);
    r("video_codec", o.videoCodec);
    r("audio_codec", o.audioCodec);
    r("bitrate_kbps", o.bitrateKbps);
    r("keyframe_interval_ms", o.keyframeIntervalMs);
    r("av_sync_drift_ms", o.avSyncDriftMs);
    r("continuity_errors", o.continuityErrors);
    r("sessions", o.sessions);
    r("failed_sessions", o.failedSessions);
    r("codec_changes", o.codecChanges);
    r("timestamp_jumps", o.timestampJumps);
    r("last_error", o.lastError);
    r("rtt_ms", o.rttMs);
    r("packets_lost", o.packetsLost);
    r("packets_retransmitted", o.packetsRetransmitted);
    r("packets_dropped", o.packetsDropped);
    r("receive_buffer_ms", o.receiveBufferMs);
    r("receive_rate_mbps", o.receiveRateMbps);
  });
}

template <>
Result<PipelineRenditionStatus> fromJson(const json& j) {
  return readWith<PipelineRenditionStatus>(j, "rendition", [](const Reader& r, PipelineRenditionStatus& o) {
    r("id", o.id);
    r("keyframe_violations", o.keyframeViolations);
  });
}

template <>
Result<PipelineStatus> fromJson(const json& j) {
  return readWith<PipelineStatus>(j, "pipeline", [](const Reader& r, PipelineStatus& o) {
    r("index", o.index);
    r("state", o.state);
    r("preferred", o.preferred);
    r("on_air", o.onAir);
    r("steady", o.steady);
    r("pid", o.pid);
    r("restarts", o.restarts);
    r("last_exit", o.lastExit);
    r("parts_received", o.partsReceived);
    r("parts_published", o.partsPublished);
    r("frames_dropped", o.framesDropped);
    r("last_segment_ratio", o.lastSegmentRatio);
    r("keyframe_violations", o.keyframeViolations);
    r.list("renditions", o.renditions);
    r("quality_score", o.qualityScore);
    r("quality_note", o.qualityNote);
  });
}

template <>
Result<ChannelStatus> fromJson(const json& j) {
  return readWith<ChannelStatus>(j, "channel", [](const Reader& r, ChannelStatus& o) {
    r("id", o.id);
    r("name", o.name);
    std::string state = toString(o.state);
    r("state", state);
    const auto parsed = stateFromName(state);
    if (!parsed) throw FieldError("channel.state: unknown state '" + state + "'");
    o.state = *parsed;
    r("hls_url", o.hlsUrl);
    r("dash_url", o.dashUrl);
    r("publish_urls", o.publishUrls);
    r("discontinuity_sequence", o.discontinuitySequence);
    r("first_segment_of_period", o.firstSegmentOfPeriod);
    r("parts_published", o.partsPublished);
    r("segments_published", o.segmentsPublished);
    r.list("renditions", o.renditions);
    r("on_air", o.onAir);
    r("slate_by_operator", o.slateByOperator);
    r("hold_on_backup", o.holdOnBackup);
    r("input_switches", o.inputSwitches);
    r.list("inputs", o.inputs);
    r("worst_manifest_age_seconds", o.worstManifestAgeSeconds);
    r("open_alarms", o.openAlarms);
    r("redundancy", o.redundancy);
    r("standby_region", o.standbyRegion);
    r.list("pipelines", o.pipelines);
    r("pipeline_switches", o.pipelineSwitches);
    r("emergency_slate_on_air", o.emergencySlateOnAir);
  });
}

template <>
Result<RehearsalReport> fromJson(const json& j) {
  return readWith<RehearsalReport>(j, "rehearsal", [](const Reader& r, RehearsalReport& o) {
    r("kind", o.kind);
    r("target", o.target);
    r("started_utc_us", o.startedUtcUs);
    r("switch_ms", o.switchMs);
    r("baseline_manifest_age_seconds", o.baselineManifestAgeSeconds);
    r("worst_manifest_age_seconds", o.worstManifestAgeSeconds);
    r("parts_lost", o.partsLost);
    r("parts_repeated", o.partsRepeated);
    r("observed_ms", o.observedMs);
  });
}

template <>
Result<store::EventRecord> fromJson(const json& j) {
  return readWith<store::EventRecord>(j, "event", [](const Reader& r, store::EventRecord& o) {
    r("id", o.id);
    r("utc_us", o.utcUs);
    r("channel_id", o.channelId);
    r("kind", o.kind);
    r("actor", o.actor);
    r("detail", o.detail);
  });
}

template <>
Result<monitor::Alarm> fromJson(const json& j) {
  return readWith<monitor::Alarm>(j, "alarm", [](const Reader& r, monitor::Alarm& o) {
    r("id", o.id);
    r("channel_id", o.key.channelId);
    r("kind", o.key.kind);
    r("subject", o.key.subject);
    std::string severity = monitor::toString(o.severity);
    r("severity", severity);
    const auto parsed = monitor::severityFromString(severity);
    if (!parsed) throw FieldError("alarm.severity: unknown severity '" + severity + "'");
    o.severity = *parsed;
    r("detail", o.detail);
    r("raised_us", o.raisedUs);
    r("cleared_us", o.clearedUs);
    r("acked_us", o.ackedUs);
    r("acked_by", o.ackedBy);
  });
}

template <>
Result<monitor::AgePoint> fromJson(const json& j) {
  return readWith<monitor::AgePoint>(j, "point", [](const Reader& r, monitor::AgePoint& o) {
    r("utc_us", o.utcUs);
    r("age_seconds", o.ageSeconds);
    r("max_age_seconds", o.maxAgeSeconds);
    r("samples", o.samples);
  });
}

template <>
Result<monitor::AvailabilityReport> fromJson(const json& j) {
  return readWith<monitor::AvailabilityReport>(j, "availability", [](const Reader& r, monitor::AvailabilityReport& o) {
    r("channel_id", o.channelId);
    r("day", o.day);
    readStateSeconds(r, "today", o.today);
    r("month", o.month);
    readStateSeconds(r, "this_month", o.thisMonth);
    r("achieved_today", o.achievedToday);
    r("achieved_month", o.achievedMonth);
    r("slo_percent", o.sloPercent);
    json budget;
    r("month_budget", budget);
    if (!budget.is_null()) {
      Reader b(budget, "availability.month_budget");
      b("allowed_seconds", o.monthBudget.allowedSeconds);
      b("used_seconds", o.monthBudget.usedSeconds);
      b("remaining_seconds", o.monthBudget.remainingSeconds);
      b("used_fraction", o.monthBudget.usedFraction);
    }
    r("topology_availability", o.topologyAvailability);
    r("topology", o.topology);
  });
}

template <>
Result<ChannelSpec> fromJson(const json& j) {
  return parseChannel(j, "channel");
}

template <typename T>
Result<std::vector<T>> fromJsonList(const json& j) {
  if (!j.is_array()) return Status::error("expected a list");
  std::vector<T> out;
  out.reserve(j.size());
  for (const auto& item : j) {
    auto v = fromJson<T>(item);
    if (!v) return v.status();
    out.push_back(std::move(*v));
  }
  return out;
}

#define VIGIL_API_JSON_LIST(T)                        \
  template json toJsonList<T>(const std::vector<T>&); \
  template Result<std::vector<T>> fromJsonList<T>(const json&);
VIGIL_API_JSON_LIST(RenditionStatus)
VIGIL_API_JSON_LIST(InputStatus)
VIGIL_API_JSON_LIST(PipelineRenditionStatus)
VIGIL_API_JSON_LIST(PipelineStatus)
VIGIL_API_JSON_LIST(ChannelStatus)
VIGIL_API_JSON_LIST(RehearsalReport)
VIGIL_API_JSON_LIST(store::EventRecord)
VIGIL_API_JSON_LIST(monitor::Alarm)
VIGIL_API_JSON_LIST(monitor::AgePoint)
VIGIL_API_JSON_LIST(monitor::AvailabilityReport)
VIGIL_API_JSON_LIST(ChannelSpec)
#undef VIGIL_API_JSON_LIST

}  // namespace vigil::control::api
