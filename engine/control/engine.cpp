#include "control/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "control/channel_runtime.h"
#include "control/control_api.h"
#include "control/engine_monitor.h"
#include "control/region_failover.h"
#include "core/clock.h"
#include "core/log.h"
#include "ingest/contribution_input.h"
#include "ingest/ffmpeg_log.h"
#include "ingest/rtmp_listener.h"
#include "ingest/srt_listener.h"
#include "monitor/monitor.h"
#include "origin/origin.h"
#include "package/channel_packager.h"
#include "package/pipeline_selector.h"
#include "package/uri_layout.h"
#include "pipeline/pipeline_process.h"
#include "store/store.h"
#include "switch/input_switch.h"

namespace vigil::control {

const char* toString(ChannelStatus::State state) {
  switch (state) {
    case ChannelStatus::State::Starting:
      return "starting";
    case ChannelStatus::State::Running:
      return "running";
    case ChannelStatus::State::Stopped:
      return "stopped";
    case ChannelStatus::State::Failed:
      return "failed";
  }
  return "unknown";
}

namespace {
std::string inputMetrics(const std::vector<ChannelStatus>& channels);
std::string pipelineMetrics(const std::vector<ChannelStatus>& channels);
}  // namespace

struct Engine::Impl {
  EngineConfig config;
  std::string listenAddress;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<origin::Origin> origin;
  std::unique_ptr<ingest::SrtListener> srt;    // null when srt.listen is empty
  std::unique_ptr<ingest::RtmpListener> rtmp;  // null when rtmp.listen is empty
  mutable std::mutex mutex;                    // guards channels
  std::map<std::string, std::unique_ptr<ChannelRuntime>> channels;
  std::unique_ptr<ControlApi> controlApi;  // the HTTP control API, while started
  std::unique_ptr<RegionFailover> region;  // the region failover hook's caller and watcher
  bool started = false;
};

namespace {

// What the region failover hook is told of a channel, and whether its output
// is in outage (its worst manifest age at or past the critical threshold).
RegionObservation observeRegion(const ChannelSpec& spec, const ChannelRuntime* rt, const monitor::Monitor& monitor,
                                int64_t now) {
  RegionObservation o;
  o.channelId = spec.id;
  o.spec = spec.regionFailover;
  o.worstManifestAgeSeconds = monitor.worstManifestAgeSeconds(spec.id, now);
  const double critical = double(monitor::ageThresholds(spec.packaging, spec.alarms).criticalUs) / 1e6;
  o.outage = rt && o.worstManifestAgeSeconds >= critical;
  switching::SwitchStatus sw;
  if (rt && rt->inputSwitchStatus(sw)) o.onAir = sw.onAir;
  return o;
}

}  // namespace

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() { stop(); }

Result<std::unique_ptr<Engine>> Engine::create(const EngineConfig& config) {
  ingest::installFfmpegLogBridge();
  std::unique_ptr<Engine> engine(new Engine());
  auto& d = *engine->impl_;
  d.config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.dataDir, ec);
  if (ec) return Status::error("cannot create data directory " + config.dataDir + ": " + ec.message());
  auto store = store::Store::open((std::filesystem::path(config.dataDir) / "vigil.db").string());
  if (!store) return store.status();
  d.store = std::move(*store);
  engine->monitor_ = std::make_unique<monitor::Monitor>(*d.store, config.dataDir, config.monitor);
  d.region = std::make_unique<RegionFailover>(*d.store);

  origin::OriginConfig oc;
  uint16_t port = 0;
  if (auto s = parseListen(config.http.listen, d.listenAddress, port); !s)
    return Status::error("http.listen: " + s.message());
  oc.listenAddress = d.listenAddress;
  oc.port = port;
  oc.ioThreads = config.http.threads;
  oc.playerDir = config.http.playerDir;
  d.origin = std::make_unique<origin::Origin>(oc);

  bool needsSrt = false, needsRtmp = false;
  for (const auto& c : config.channels)
    for (const auto& in : c.inputs) {
      needsSrt = needsSrt || in.type == "srt";
      needsRtmp = needsRtmp || in.type == "rtmp";
    }
  if (!config.rtmp.listen.empty()) {
    ingest::RtmpListenerSpec rs;
    uint16_t rtmpPort = 0;
    if (auto s = parseListen(config.rtmp.listen, rs.address, rtmpPort); !s)
      return Status::error("rtmp.listen: " + s.message());
    rs.port = rtmpPort;
    d.rtmp = std::make_unique<ingest::RtmpListener>(rs);
  } else if (needsRtmp) {
    return Status::error("rtmp.listen: required when a channel has an RTMP input (e.g. \"0.0.0.0:1935\")");
  }
  if (!config.srt.listen.empty()) {
    ingest::SrtListenerSpec ss;
    uint16_t srtPort = 0;
    if (auto s = parseListen(config.srt.listen, ss.address, srtPort); !s)
      return Status::error("srt.listen: " + s.message());
    ss.port = srtPort;
    d.srt = std::make_unique<ingest::SrtListener>(ss);
  } else if (needsSrt) {
    return Status::error("srt.listen: required when a channel has an SRT input (e.g. \"0.0.0.0:9000\")");
  }
  return engine;
}

Status Engine::start() {
  auto& d = *impl_;
  if (d.started) return Status::ok();
  if (auto s = d.origin->start(); !s) return Status::error("origin: " + s.message());
  if (d.srt)
    if (auto s = d.srt->start(); !s) {
      d.origin->stop();
      return Status::error("srt: " + s.message());
    }
  if (d.rtmp)
    if (auto s = d.rtmp->start(); !s) {
      if (d.srt) d.srt->stop();
      d.origin->stop();
      return Status::error("rtmp: " + s.message());
    }
  d.origin->setExternalMetrics([this] {
    const auto all = channels();
    return inputMetrics(all) + pipelineMetrics(all) + monitor_->metrics(nowUtcUs());
  });
  d.controlApi =
      std::make_unique<ControlApi>(*this, ControlApiOptions{.token = d.config.control.token, .version = VIGIL_VERSION});
  d.origin->setControlHandler(d.controlApi->handler());
  d.started = true;
  d.store->appendEvent({0, 0, "", "engine.start", "engine", ""});
  for (const auto& c : d.config.channels)
    if (auto s = addChannel(c, "config"); !s) return s;
  // After the channels are declared: its first round clears what no longer holds.
  monitor_->start([this] {
    std::lock_guard lock(impl_->mutex);
    return probeChannels(impl_->channels);
  });
  d.region->start([this] {
    std::vector<RegionObservation> out;
    const int64_t now = nowUtcUs();
    std::lock_guard lock(impl_->mutex);
    for (const auto& [id, rt] : impl_->channels)
      if (!rt->spec().regionFailover.hookUrl.empty())
        out.push_back(observeRegion(rt->spec(), rt.get(), *monitor_, now));
    return out;
  });
  return Status::ok();
}

void Engine::stop() {
  auto& d = *impl_;
  if (!d.started) return;
  d.origin->setControlHandler(nullptr);
  d.controlApi.reset();  // calls under way finish first
  d.region->stop();
  monitor_->stop();  // before the channels go: their stop is no outage
  std::map<std::string, std::unique_ptr<ChannelRuntime>> channels;
  {
    std::lock_guard lock(d.mutex);
    channels.swap(d.channels);
  }
  channels.clear();  // each runtime stops upstream-first
  if (d.srt) d.srt->stop();
  if (d.rtmp) d.rtmp->stop();
  d.origin->setExternalMetrics(nullptr);
  d.origin->stop();
  d.store->appendEvent({0, 0, "", "engine.stop", "engine", ""});
  d.store->flush();
  d.started = false;
}

Status Engine::addChannel(const ChannelSpec& spec, const std::string& actor) {
  auto& d = *impl_;
  if (auto s = validateChannel(spec); !s) return s;
  {
    std::lock_guard lock(d.mutex);
    auto it = d.channels.find(spec.id);
    if (it != d.channels.end() && it->second->running())
      return Status::error("channel " + spec.id + " is already running");
  }
  if (auto s = d.store->saveChannel({spec.id, spec.name, channelToJson(spec).dump()}); !s) return s;
  for (const auto& in : spec.inputs)
    if ((in.type == "srt" && !d.srt) || (in.type == "rtmp" && !d.rtmp))
      return Status::error("channel " + spec.id + ": " + in.type + " input without an " + in.type + " listener");
  monitor_->declareChannel(spec);  // from now on it should run: not running is an outage
  auto runtime = std::make_unique<ChannelRuntime>(spec, *d.store, *d.origin, d.srt.get(), d.rtmp.get());
  runtime->setWorkerLogFormat(d.config.log.format);
  if (auto s = runtime->start(actor); !s) {
    log::get("control")->error("[ch={}] {}", spec.id, s.message());
    return s;
  }
  std::lock_guard lock(d.mutex);
  d.channels[spec.id] = std::move(runtime);
  return Status::ok();
}

Status Engine::startChannel(const std::string& id, const std::string& actor) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->channels.count(id)) return Status::error("channel " + id + " is already running");
  }
  for (const auto& spec : channelSpecs())
    if (spec.id == id) return addChannel(spec, actor);
  return Status::error("no channel " + id);
}

Status Engine::stopChannel(const std::string& id, const std::string& actor) {
  std::unique_ptr<ChannelRuntime> runtime;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->channels.find(id);
    if (it == impl_->channels.end()) return Status::error("channel " + id + " is not running");
    runtime = std::move(it->second);
    impl_->channels.erase(it);
  }
  runtime->stop(actor);
  return Status::ok();
}

std::vector<ChannelSpec> Engine::channelSpecs() const {
  std::vector<ChannelSpec> out;
  for (const auto& record : impl_->store->channels()) {
    auto json = nlohmann::json::parse(record.specJson, nullptr, false);
    if (json.is_discarded()) continue;
    if (auto spec = parseChannel(json, "channel " + record.id)) out.push_back(std::move(*spec));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

namespace {
// The caller URL a broadcaster uses for each input (the passphrase is not
// printed: the operator has it; add &passphrase=... to the URL).
std::vector<std::string> publishUrlsOf(const ChannelSpec& spec, const std::string& host, uint16_t srtPort,
                                       uint16_t rtmpPort) {
  std::vector<std::string> out;
  for (const auto& in : spec.inputs)
    if (in.type == "rtmp" && rtmpPort)
      out.push_back("rtmp://" + host + ":" + std::to_string(rtmpPort) + "/" + (in.app.empty() ? spec.id : in.app) +
                    "/<key>");
    else if (in.type == "srt" && srtPort)
      out.push_back("srt://" + host + ":" + std::to_string(srtPort) + "?streamid=#!::r=" + spec.id + "/" + in.id +
                    ",m=publish" + (in.passphrase.empty() ? "" : "&passphrase=<passphrase>"));
  return out;
}

void addInputs(ChannelStatus& st, const ChannelRuntime& rt, const ingest::SrtListener* srt,
               const ingest::RtmpListener* rtmp) {
  switching::SwitchStatus sw;
  if (!rt.inputSwitchStatus(sw)) return;
  const auto feeds = rt.inputStatuses();
  st.onAir = sw.onAir;
  st.slateByOperator = sw.slateByOperator;
  st.holdOnBackup = sw.holdOnBackup;
  st.inputSwitches = sw.switches;
  for (size_t i = 0; i < sw.inputs.size() && i < rt.spec().inputs.size(); ++i) {
    const auto& h = sw.inputs[i];
    InputStatus in;
    in.id = h.id;
    in.type = rt.spec().inputs[i].type;
    in.onAir = h.onAir;
    in.fault = switching::toString(h.fault);
    in.msSinceVideo = h.msSinceVideo;
    in.msSincePacket = h.msSincePacket;
    in.black = h.black;
    in.silent = h.silent;
    in.frozen = h.frozen;
    in.width = h.width;
    in.height = h.height;
    in.frameRate = h.frameRate;
    in.hasAlignment = h.hasAlignment;
    in.sameProgramme = h.sameProgramme;
    in.driftMs = h.driftMs;
    if (srt && in.type == "srt") {
      if (const auto s = srt->stats(rt.spec().id, in.id)) {
        in.connected = s->connected;
        in.peer = s->peer;
        in.rttMs = s->rttMs;
        in.packetsLost = s->packetsLost;
        in.packetsRetransmitted = s->packetsRetransmitted;
        in.packetsDropped = s->packetsDropped;
        in.receiveBufferMs = s->receiveBufferMs;
        in.receiveRateMbps = s->receiveRateMbps;
      }
    }
    if (i < feeds.size()) {
      const auto& f = feeds[i];
      in.videoCodec = f.videoCodec;
      in.audioCodec = f.audioCodec;
      in.bitrateKbps = f.bitrateKbps;
      in.keyframeIntervalMs = f.keyframeIntervalMs;
      in.avSyncDriftMs = f.avSyncDriftMs;
      in.continuityErrors = f.continuityErrors;
      in.sessions = f.sessions;
      in.failedSessions = f.failedSessions;
      in.codecChanges = f.codecChanges;
      in.timestampJumps = f.timestampJumps;
      in.lastError = f.lastError;
      if (f.lastPayloadUtcUs > 0) in.msSincePacket = (nowUtcUs() - f.lastPayloadUtcUs) / 1000;
    }
    if (rtmp && in.type == "rtmp") {
      if (const auto s = rtmp->stats(rt.spec().id, in.id)) {
        in.connected = s->connected;
        in.peer = s->peer;
      }
    }
    st.inputs.push_back(std::move(in));
  }
}

void addPipelines(ChannelStatus& st, const ChannelRuntime& rt) {
  st.redundancy = rt.spec().redundancy.mode;
  st.standbyRegion = !rt.spec().regionFailover.hookUrl.empty();
  package::PipelineSelectorStatus sel;
  std::vector<pipeline::PipelineProcessStatus> workers;
  if (!rt.pipelineStatus(sel, workers)) return;
  st.pipelineSwitches = sel.switches;
  for (size_t i = 0; i < sel.pipelines.size(); ++i) {
    const auto& s = sel.pipelines[i];
    if (s.lastResort) {
      st.emergencySlateOnAir = s.onAir;
      continue;
    }
    PipelineStatus p;
    p.index = s.index;
    p.preferred = sel.preferred == s.index;
    p.onAir = s.onAir;
    p.steady = s.steady;
    p.partsReceived = s.partsReceived;
    p.partsPublished = s.partsPublished;
    p.lastSegmentRatio = s.lastSegmentRatio;
    p.keyframeViolations = s.keyframeViolations;
    for (const auto& r : s.renditions) p.renditions.push_back({r.id, r.keyframeViolations});
    p.qualityScore = s.qualityScore;
    p.qualityNote = s.qualityNote;
    p.state = stateName(s.state);
    if (i < workers.size()) {
      p.state = stateName(workers[i].state);
      p.pid = workers[i].pid;
      p.restarts = workers[i].restarts;
      p.lastExit = workers[i].lastExit;
      p.framesDropped = workers[i].framesDropped;
    }
    st.pipelines.push_back(std::move(p));
  }
}

ChannelStatus statusOf(const ChannelRuntime& rt, const std::string& base, const std::string& host, uint16_t srtPort,
                       uint16_t rtmpPort, const ingest::SrtListener* srt, const ingest::RtmpListener* rtmp) {
  ChannelStatus st;
  st.publishUrls = publishUrlsOf(rt.spec(), host, srtPort, rtmpPort);
  st.id = rt.spec().id;
  st.name = rt.spec().name;
  st.hlsUrl = base + package::uri::channelPath(st.id, package::uri::kMaster);
  st.dashUrl = base + package::uri::channelPath(st.id, package::uri::kDash);
  auto pk = rt.packager();
  if (!rt.running() || !pk) return st;
  addInputs(st, rt, srt, rtmp);
  addPipelines(st, rt);
  st.state = pk->ready() ? ChannelStatus::State::Running : ChannelStatus::State::Starting;
  st.discontinuitySequence = pk->timeline().current().discontinuitySequence;
  st.firstSegmentOfPeriod = pk->timeline().current().firstSegment;
  const auto counters = pk->counters();
  st.partsPublished = counters.partsPublished;
  st.segmentsPublished = counters.segmentsPublished;
  const int64_t now = nowUtcUs();
  for (const auto& id : renditionIds(rt.spec())) {
    RenditionStatus r;
    r.id = id;
    const auto pos = pk->lastPosition(id);
    r.lastMsn = pos.msn;
    r.lastPart = pos.part;
    const int64_t end = pk->newestPartEndUtcUs(id);
    // A part goes out once its last frame is encoded, up to a frame before
    // its end: such a rendition is fresh (age 0), not "from the future".
    if (end > 0) r.manifestAgeSeconds = std::max(0.0, static_cast<double>(now - end) / 1e6);
    st.renditions.push_back(r);
  }
  return st;
}

// Prometheus text for every channel's inputs (ids are [A-Za-z0-9_-]: no escaping).
// One Prometheus family with a sample per item of every channel (items:
// the channel's inputs or pipelines), labelled by channel and the item.
template <typename ItemsOf, typename LabelOf, typename ValueOf>
void appendFamily(std::string& out, const std::vector<ChannelStatus>& channels, const char* name, const char* type,
                  const char* help, const char* itemLabel, ItemsOf items, LabelOf label, ValueOf value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const auto& ch : channels)
    for (const auto& item : items(ch)) {
      char line[256];
      std::snprintf(line, sizeof line, "%s{channel=\"%s\",%s=\"%s\"} %.6g\n", name, ch.id.c_str(), itemLabel,
                    label(item).c_str(), static_cast<double>(value(item)));
      out += line;
    }
}

// One Prometheus family with a sample per channel that has() accepts.
template <typename Has, typename ValueOf>
void appendChannelFamily(std::string& out, const std::vector<ChannelStatus>& channels, const char* name,
                         const char* type, const char* help, Has has, ValueOf value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const auto& ch : channels)
    if (has(ch)) out += std::string(name) + "{channel=\"" + ch.id + "\"} " + std::to_string(value(ch)) + "\n";
}

std::string pipelineMetrics(const std::vector<ChannelStatus>& channels) {
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, auto value) {
    appendFamily(
        out, channels, name, type, help, "pipeline", [](const ChannelStatus& c) -> const auto& { return c.pipelines; },
        [](const PipelineStatus& p) { return std::to_string(p.index); }, value);
  };
  family("vigil_pipeline_up", "gauge", "1 while the pipeline's worker produces parts.",
         [](const PipelineStatus& p) { return p.state == "up"; });
  family("vigil_pipeline_on_air", "gauge", "1 for the pipeline the newest video part was published from.",
         [](const PipelineStatus& p) { return p.onAir; });
  family("vigil_pipeline_preferred", "gauge", "1 for the preferred pipeline.",
         [](const PipelineStatus& p) { return p.preferred; });
  family("vigil_pipeline_steady", "gauge", "0 while a restarted pipeline is held out of the manifest.",
         [](const PipelineStatus& p) { return p.steady; });
  family("vigil_pipeline_restarts_total", "counter", "Worker restarts (death, hang, error, operator).",
         [](const PipelineStatus& p) { return p.restarts; });
  family("vigil_pipeline_parts_published_total", "counter", "Parts the packager published from this pipeline.",
         [](const PipelineStatus& p) { return p.partsPublished; });
  family("vigil_pipeline_frames_dropped_total", "counter", "Frames the pipeline's worker could not take.",
         [](const PipelineStatus& p) { return p.framesDropped; });
  family("vigil_pipeline_keyframe_violations_total", "counter",
         "Video segments without an IDR at their boundary (contract 2).",
         [](const PipelineStatus& p) { return p.keyframeViolations; });
  family("vigil_pipeline_quality_score", "gauge",
         "0-100: the pipeline's newest segment as the packager sees it (bitrate, lateness, keyframes).",
         [](const PipelineStatus& p) { return p.qualityScore; });
  family("vigil_pipeline_last_segment_ratio", "gauge",
         "Newest complete segment's size over max(target, the steady peer's same segment).",
         [](const PipelineStatus& p) { return p.lastSegmentRatio; });
  const auto hasPipelines = [](const ChannelStatus& c) { return !c.pipelines.empty(); };
  appendChannelFamily(out, channels, "vigil_pipeline_switches_total", "counter",
                      "Parts the packager took from another pipeline than the one before.", hasPipelines,
                      [](const ChannelStatus& c) { return c.pipelineSwitches; });
  appendChannelFamily(out, channels, "vigil_channel_emergency_slate", "gauge",
                      "1 while no pipeline delivers and the in-engine slate is on air.", hasPipelines,
                      [](const ChannelStatus& c) { return c.emergencySlateOnAir ? 1 : 0; });
  return out;
}

std::string inputMetrics(const std::vector<ChannelStatus>& channels) {
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, auto value) {
    appendFamily(
        out, channels, name, type, help, "input", [](const ChannelStatus& c) -> const auto& { return c.inputs; },
        [](const InputStatus& i) { return i.id; }, value);
  };
  family("vigil_input_on_air", "gauge", "1 for the input on air.", [](const InputStatus& i) { return i.onAir; });
  family("vigil_input_fit", "gauge", "1 when the input is fit for air (no fault).",
         [](const InputStatus& i) { return i.fault == "fit"; });
  family("vigil_input_connected", "gauge", "1 while a publisher is connected.",
         [](const InputStatus& i) { return i.connected; });
  family("vigil_input_seconds_since_video", "gauge", "Time since the input's last decoded picture (-1: never).",
         [](const InputStatus& i) { return i.msSinceVideo < 0 ? -1.0 : static_cast<double>(i.msSinceVideo) / 1e3; });
  family("vigil_input_black", "gauge", "1 while the picture is black.", [](const InputStatus& i) { return i.black; });
  family("vigil_input_silent", "gauge", "1 while the audio is below -60 dBFS.",
         [](const InputStatus& i) { return i.silent; });
  family("vigil_input_frozen", "gauge", "1 while the picture does not change.",
         [](const InputStatus& i) { return i.frozen; });
  family("vigil_input_frame_rate", "gauge", "Pictures per second decoded over the last second.",
         [](const InputStatus& i) { return i.frameRate; });
  family("vigil_input_height", "gauge", "Picture height.", [](const InputStatus& i) { return i.height; });
  family("vigil_input_same_programme", "gauge",
         "1 when the input carries the programme on air (a failover to it is seamless), 0 when not, -1 unknown.",
         [](const InputStatus& i) { return i.hasAlignment ? (i.sameProgramme ? 1 : 0) : -1; });
  family("vigil_input_drift_seconds", "gauge", "How much later than the input on air this one's pictures arrive.",
         [](const InputStatus& i) { return i.driftMs / 1e3; });
  family("vigil_input_seconds_since_packet", "gauge", "Time since the input's last received byte (-1: never).",
         [](const InputStatus& i) { return i.msSincePacket < 0 ? -1.0 : static_cast<double>(i.msSincePacket) / 1e3; });
  family("vigil_input_bitrate_bits", "gauge", "Received payload rate over the last 2 s, bits per second.",
         [](const InputStatus& i) { return i.bitrateKbps * 1e3; });
  family("vigil_input_keyframe_interval_seconds", "gauge", "Time between the feed's last two key frames.",
         [](const InputStatus& i) { return static_cast<double>(i.keyframeIntervalMs) / 1e3; });
  family("vigil_input_av_sync_drift_seconds", "gauge", "Audio against video since the session began (+: audio later).",
         [](const InputStatus& i) { return i.avSyncDriftMs / 1e3; });
  family("vigil_input_ts_continuity_errors_total", "counter", "MPEG-TS continuity counter errors.",
         [](const InputStatus& i) { return i.continuityErrors; });
  family("vigil_input_sessions_total", "counter", "Publisher sessions.",
         [](const InputStatus& i) { return i.sessions; });
  family("vigil_input_failed_sessions_total", "counter", "Feeds refused or broken (garbage, no video, truncated).",
         [](const InputStatus& i) { return i.failedSessions; });
  family("vigil_input_codec_changes_total", "counter", "Codec changes mid-session.",
         [](const InputStatus& i) { return i.codecChanges; });
  family("vigil_input_timestamp_jumps_total", "counter", "Source clock jumps re-anchored.",
         [](const InputStatus& i) { return i.timestampJumps; });
  family("vigil_input_srt_rtt_seconds", "gauge", "SRT round-trip time.",
         [](const InputStatus& i) { return i.rttMs / 1e3; });
  family("vigil_input_srt_packets_lost", "gauge", "SRT packets lost in the current session.",
         [](const InputStatus& i) { return i.packetsLost; });
  family("vigil_input_srt_packets_retransmitted", "gauge", "SRT packets retransmitted in the current session.",
         [](const InputStatus& i) { return i.packetsRetransmitted; });
  family("vigil_input_srt_packets_dropped", "gauge", "SRT packets dropped (too late) in the current session.",
         [](const InputStatus& i) { return i.packetsDropped; });
  family("vigil_input_srt_receive_buffer_seconds", "gauge", "SRT receive buffer occupancy.",
         [](const InputStatus& i) { return i.receiveBufferMs / 1e3; });
  family("vigil_input_receive_rate_bits", "gauge", "Receive rate in bits per second.",
         [](const InputStatus& i) { return i.receiveRateMbps * 1e6; });
  const auto hasInputs = [](const ChannelStatus& c) { return !c.inputs.empty(); };
  appendChannelFamily(out, channels, "vigil_channel_on_slate", "gauge",
                      "1 while the channel plays its slate (no input fit).", hasInputs,
                      [](const ChannelStatus& c) { return c.onAir == "slate" ? 1 : 0; });
  appendChannelFamily(out, channels, "vigil_input_switches_total", "counter",
                      "Input switches (failovers, returns, operator's).", hasInputs,
                      [](const ChannelStatus& c) { return c.inputSwitches; });
  return out;
}
}  // namespace

std::vector<ChannelStatus> Engine::channels() const {
  const auto declared = channelSpecs();  // before the lock: the store has its own
  std::lock_guard lock(impl_->mutex);
  std::vector<ChannelStatus> out;
  for (const auto& [id, rt] : impl_->channels) {
    out.push_back(
        statusOf(*rt, publicBaseUrl(), publicHost(), srtPort(), rtmpPort(), impl_->srt.get(), impl_->rtmp.get()));
    addMonitorStatus(out.back(), *monitor_);
  }
  // Declared but not running (stopped by an operator, or failed to start).
  for (const auto& spec : declared)
    if (!impl_->channels.count(spec.id)) {
      ChannelStatus st;
      st.id = spec.id;
      st.name = spec.name;
      st.state = ChannelStatus::State::Stopped;
      st.redundancy = spec.redundancy.mode;
      st.standbyRegion = !spec.regionFailover.hookUrl.empty();
      addMonitorStatus(st, *monitor_);
      out.push_back(std::move(st));
    }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::optional<ChannelStatus> Engine::channel(const std::string& id) const {
  for (auto& st : channels())
    if (st.id == id) return std::move(st);
  return std::nullopt;
}

Status Engine::selectInput(const std::string& channelId, const std::string& inputId, bool force,
                           const std::string& actor) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->channels.find(channelId);
  if (it == impl_->channels.end()) return Status::error("no channel " + channelId);
  return it->second->selectInput(inputId, force, actor);
}

Status Engine::holdOnBackup(const std::string& channelId, bool hold, const std::string& actor) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->channels.find(channelId);
  if (it == impl_->channels.end()) return Status::error("no channel " + channelId);
  return it->second->holdOnBackup(hold, actor);
}

Status Engine::preferPipeline(const std::string& channelId, int pipeline, const std::string& actor) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->channels.find(channelId);
  if (it == impl_->channels.end()) return Status::error("no channel " + channelId);
  return it->second->preferPipeline(pipeline, actor);
}

Status Engine::restartPipeline(const std::string& channelId, int pipeline, const std::string& actor) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->channels.find(channelId);
  if (it == impl_->channels.end()) return Status::error("no channel " + channelId);
  return it->second->restartPipeline(pipeline, actor);
}

Result<RehearsalReport> Engine::rehearse(const std::string& channelId, const std::string& kind, int observeMs,
                                         const std::string& actor) {
  ChannelRuntime* rt = nullptr;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->channels.find(channelId);
    if (it == impl_->channels.end()) return Status::error("no channel " + channelId);
    rt = it->second.get();
  }
  // Not under the engine's lock: it observes for seconds. A channel is only
  // destroyed by addChannel's replacement or the engine's stop, never while
  // its operator rehearses on it.
  return rt->rehearse(kind, observeMs, actor);
}

Status Engine::regionFailover(const std::string& channelId, const std::string& actor) {
  std::optional<RegionObservation> o;
  {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->channels.find(channelId); it != impl_->channels.end())
      o = observeRegion(it->second->spec(), it->second.get(), *monitor_, nowUtcUs());
  }
  if (!o)  // not running: its viewers may still be handed over
    for (const auto& spec : channelSpecs())
      if (spec.id == channelId) o = observeRegion(spec, nullptr, *monitor_, nowUtcUs());
  if (!o) return Status::error("no channel " + channelId);
  // The hook is called outside the lock: it may take seconds.
  return impl_->region->trigger(*o, actor, "operator");
}

std::vector<store::EventRecord> Engine::events(const std::string& channelId, int limit) const {
  impl_->store->flush();  // what was just queued is part of the answer
  return impl_->store->events(channelId, limit);
}

uint16_t Engine::httpPort() const { return impl_->origin->port(); }

uint16_t Engine::rtmpPort() const { return impl_->rtmp ? static_cast<uint16_t>(impl_->rtmp->port()) : 0; }

uint16_t Engine::srtPort() const { return impl_->srt ? static_cast<uint16_t>(impl_->srt->port()) : 0; }

std::string Engine::publicHost() const {
  std::string host = impl_->listenAddress;
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host;
}

std::string Engine::publicBaseUrl() const {
  const auto& configured = impl_->config.http.publicBaseUrl;
  if (!configured.empty()) return configured.back() == '/' ? configured.substr(0, configured.size() - 1) : configured;
  return "http://" + publicHost() + ":" + std::to_string(httpPort());
}

}  // namespace vigil::control
