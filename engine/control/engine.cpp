#include "control/engine.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "control/channel_runtime.h"
#include "core/clock.h"
#include "core/log.h"
#include "ingest/ffmpeg_log.h"
#include "ingest/srt_listener.h"
#include "origin/origin.h"
#include "package/channel_packager.h"
#include "package/uri_layout.h"
#include "store/store.h"

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

struct Engine::Impl {
  EngineConfig config;
  std::string listenAddress;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<origin::Origin> origin;
  std::unique_ptr<ingest::SrtListener> srt;  // null when srt.listen is empty
  mutable std::mutex mutex;                  // guards channels
  std::map<std::string, std::unique_ptr<ChannelRuntime>> channels;
  bool started = false;
};

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

  origin::OriginConfig oc;
  uint16_t port = 0;
  if (auto s = parseListen(config.http.listen, d.listenAddress, port); !s)
    return Status::error("http.listen: " + s.message());
  oc.listenAddress = d.listenAddress;
  oc.port = port;
  oc.ioThreads = config.http.threads;
  oc.playerDir = config.http.playerDir;
  d.origin = std::make_unique<origin::Origin>(oc);

  bool needsSrt = false;
  for (const auto& c : config.channels)
    for (const auto& in : c.inputs) needsSrt = needsSrt || in.type == "srt";
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
  d.started = true;
  d.store->appendEvent({0, 0, "", "engine.start", "engine", ""});
  for (const auto& c : d.config.channels)
    if (auto s = addChannel(c); !s) return s;
  return Status::ok();
}

void Engine::stop() {
  auto& d = *impl_;
  if (!d.started) return;
  std::map<std::string, std::unique_ptr<ChannelRuntime>> channels;
  {
    std::lock_guard lock(d.mutex);
    channels.swap(d.channels);
  }
  channels.clear();  // each runtime stops upstream-first
  if (d.srt) d.srt->stop();
  d.origin->stop();
  d.store->appendEvent({0, 0, "", "engine.stop", "engine", ""});
  d.store->flush();
  d.started = false;
}

Status Engine::addChannel(const ChannelSpec& spec) {
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
    if (in.type == "srt" && !d.srt) return Status::error("channel " + spec.id + ": SRT input without an SRT listener");
  auto runtime = std::make_unique<ChannelRuntime>(spec, *d.store, *d.origin, d.srt.get());
  if (auto s = runtime->start(); !s) {
    log::get("control")->error("[ch={}] {}", spec.id, s.message());
    return s;
  }
  std::lock_guard lock(d.mutex);
  d.channels[spec.id] = std::move(runtime);
  return Status::ok();
}

Status Engine::stopChannel(const std::string& id) {
  std::unique_ptr<ChannelRuntime> runtime;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->channels.find(id);
    if (it == impl_->channels.end()) return Status::error("no channel " + id);
    runtime = std::move(it->second);
    impl_->channels.erase(it);
  }
  runtime->stop();
  return Status::ok();
}

namespace {
// The caller URL a broadcaster uses for each input (the passphrase is not
// printed: the operator has it; add &passphrase=... to the URL).
std::vector<std::string> publishUrlsOf(const ChannelSpec& spec, const std::string& host, uint16_t srtPort) {
  std::vector<std::string> out;
  for (const auto& in : spec.inputs)
    if (in.type == "srt" && srtPort)
      out.push_back("srt://" + host + ":" + std::to_string(srtPort) + "?streamid=#!::r=" + spec.id + "/" + in.id +
                    ",m=publish" + (in.passphrase.empty() ? "" : "&passphrase=<passphrase>"));
  return out;
}

ChannelStatus statusOf(const ChannelRuntime& rt, const std::string& base, const std::string& host, uint16_t srtPort) {
  ChannelStatus st;
  st.publishUrls = publishUrlsOf(rt.spec(), host, srtPort);
  st.id = rt.spec().id;
  st.name = rt.spec().name;
  st.hlsUrl = base + package::uri::channelPath(st.id, package::uri::kMaster);
  st.dashUrl = base + package::uri::channelPath(st.id, package::uri::kDash);
  auto pk = rt.packager();
  if (!rt.running() || !pk) return st;
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
    if (end > 0) r.manifestAgeSeconds = static_cast<double>(now - end) / 1e6;
    st.renditions.push_back(r);
  }
  return st;
}
}  // namespace

std::vector<ChannelStatus> Engine::channels() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<ChannelStatus> out;
  for (const auto& [id, rt] : impl_->channels) out.push_back(statusOf(*rt, publicBaseUrl(), publicHost(), srtPort()));
  return out;
}

std::optional<ChannelStatus> Engine::channel(const std::string& id) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->channels.find(id);
  if (it == impl_->channels.end()) return std::nullopt;
  return statusOf(*it->second, publicBaseUrl(), publicHost(), srtPort());
}

uint16_t Engine::httpPort() const { return impl_->origin->port(); }

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
