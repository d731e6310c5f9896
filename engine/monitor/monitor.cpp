#include "monitor/monitor.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/log.h"
#include "monitor/playlist_age.h"
#include "store/store.h"

namespace vigil::monitor {
namespace {

constexpr int64_t kPruneIntervalUs = 3600LL * 1'000'000;
// A gap between two samples longer than this is not accounted (the engine
// or its clock stood still; what the output did meanwhile is unknown).
constexpr int64_t kMaxAccountedGapUs = 10'000'000;
constexpr int64_t kMetricsWindowUs = 10'000'000;
constexpr int64_t kReconcileRetryUs = 5'000'000;

HeartbeatOptions heartbeatOptions(const MonitorSpec& spec) {
  HeartbeatOptions o;
  o.retentionUs = int64_t{spec.historyDays} * 86400 * 1'000'000;
  return o;
}

DiskRule diskRule(const MonitorSpec& spec) {
  DiskRule r;
  r.minFreeBytes = int64_t{spec.diskMinFreeMb} << 20;
  r.minFreePercent = spec.diskMinFreePercent;
  return r;
}

}  // namespace

Monitor::Monitor(store::Store& store, std::string dataDir, MonitorSpec spec)
    : store_(store),
      dataDir_(std::move(dataDir)),
      spec_(spec),
      alarms_(store),
      heartbeat_(&store, heartbeatOptions(spec)),
      ledger_(&store),
      rules_(diskRule(spec)) {}

Monitor::~Monitor() { stop(); }

void Monitor::declareChannel(const ChannelSpec& spec) {
  std::lock_guard lock(mutex_);
  declared_[spec.id] = {spec, nowUtcUs(), 0};
}

bool Monitor::declared(const std::string& channelId) const {
  std::lock_guard lock(mutex_);
  return declared_.count(channelId) > 0;
}

void Monitor::setProbe(ProbeFn probe) {
  std::lock_guard lock(mutex_);
  probe_ = std::move(probe);
}

void Monitor::start(ProbeFn probe) {
  setProbe(std::move(probe));
  std::lock_guard lock(threadMutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Monitor::stop() {
  {
    std::lock_guard lock(threadMutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  ledger_.persist(nowUtcUs(), true);
  heartbeat_.flush();
}

void Monitor::run() {
  using namespace std::chrono;
  const auto period = milliseconds(std::max(10, spec_.sampleMs));
  auto next = steady_clock::now();
  std::unique_lock lock(threadMutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      sampleOnce(nowUtcUs());
    } catch (const std::exception& e) {  // nothing escapes the thread; the next round tries again
      log::get("monitor")->error("[monitor] sample: {}", e.what());
    }
    lock.lock();
    next += period;
    const auto now = steady_clock::now();
    if (next < now) next = now;  // fell behind: no burst of catch-up rounds
    wake_.wait_until(lock, next, [this] { return stopping_; });
  }
}

void Monitor::sampleOnce(int64_t now) {
  std::lock_guard round(sampling_);
  ProbeFn probe;
  std::map<std::string, Declared> declared;
  {
    std::lock_guard lock(mutex_);
    probe = probe_;
    declared = declared_;
  }
  std::vector<ChannelProbe> probes = probe ? probe() : std::vector<ChannelProbe>{};
  std::map<std::string, const ChannelProbe*> running;
  for (const auto& p : probes) running[p.channelId] = &p;

  std::vector<ChannelSample> samples;
  for (auto& [id, d] : declared) {
    ChannelSample c;
    c.channelId = id;
    c.thresholds = ageThresholds(d.spec.packaging, d.spec.alarms);
    c.badFeedClearUs = int64_t{d.spec.alarms.badFeedClearMs} * 1000;
    const auto it = running.find(id);
    c.running = it != running.end();
    std::vector<std::pair<std::string, Bytes>> playlists;
    if (c.running) {
      playlists = it->second->playlists;
      c.onAir = it->second->onAir;
      c.inputs = it->second->inputs;
      c.pipelines = it->second->pipelines;
      c.emergencySlateOnAir = it->second->emergencySlateOnAir;
    } else {
      for (const auto& r : renditionIds(d.spec)) playlists.emplace_back(r, nullptr);
    }
    const auto known = heartbeat_.edges(id);
    for (const auto& [rendition, bytes] : playlists) {
      // Measured from the bytes a player gets; without them (not running, no
      // part yet) the age runs on from the newest media seen, or from when
      // the channel was declared.
      std::optional<PlaylistEdge> edge = bytes ? scanPlaylistEdge(*bytes) : std::nullopt;
      int64_t end = edge ? edge->endUtcUs() : 0;
      if (!edge) {
        end = d.declaredUs;
        for (const auto& [r, e] : known)
          if (r == rendition) end = std::max(end, e);
      }
      // A part goes out once its last frame is encoded, up to a frame before
      // its end: fresh (age 0) in the series too, as in the channel status.
      const int64_t ageUs = std::max<int64_t>(0, now - end);
      heartbeat_.record(id, rendition, now, ageUs, edge ? end : 0);
      c.renditions.push_back({rendition, ageUs});
    }
    // Availability: the worst rendition decides; a channel that should run and does not is an outage.
    int64_t worst = 0;
    for (const auto& r : c.renditions) worst = std::max(worst, r.ageUs);
    const OutputState state = c.running ? classify(worst, c.thresholds) : OutputState::Outage;
    if (d.lastSampleUs > 0 && now > d.lastSampleUs && now - d.lastSampleUs <= kMaxAccountedGapUs)
      ledger_.add(id, d.lastSampleUs, now, state);
    samples.push_back(std::move(c));
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, d] : declared)
      if (auto it = declared_.find(id); it != declared_.end() && it->second.declaredUs == d.declaredUs)
        it->second.lastSampleUs = now;
  }

  DiskSample disk;
  std::error_code ec;
  const auto space = std::filesystem::space(dataDir_, ec);
  if (!ec) {
    disk.known = true;
    disk.freeBytes = static_cast<int64_t>(space.available);
    disk.totalBytes = static_cast<int64_t>(space.capacity);
  }
  disk.storeWriteFailures = store_.writeFailures();

  // The rules run every round (their hysteresis needs every sample); the
  // book is written at once, or, after a failed write, 5 s later with what
  // holds then, so a failing store is not hammered 4 times a second.
  const auto desired = rules_.evaluate(now, samples, disk);
  if (now >= reconcileAfterUs_) {
    if (auto s = reconcile(alarms_, desired); !s) {
      reconcileAfterUs_ = now + kReconcileRetryUs;
      if (now - lastErrorLogUs_ > 10'000'000) {
        lastErrorLogUs_ = now;
        log::get("monitor")->error("[monitor] alarms: {}", s.message());
      }
    }
  }
  ledger_.persist(now, false);
  if (now - lastPruneUs_ > kPruneIntervalUs) {
    lastPruneUs_ = now;
    heartbeat_.prune(now);
  }
  ++rounds_;
}

double Monitor::worstManifestAgeSeconds(const std::string& channelId, int64_t now) const {
  const auto edges = heartbeat_.edges(channelId);
  if (edges.empty()) return -1;
  int64_t oldest = edges.front().second;
  for (const auto& [r, e] : edges) oldest = std::min(oldest, e);
  return static_cast<double>(now - oldest) / 1e6;
}

std::optional<AvailabilityReport> Monitor::availability(const std::string& channelId, int64_t now) const {
  ChannelSpec spec;
  {
    std::lock_guard lock(mutex_);
    auto it = declared_.find(channelId);
    if (it == declared_.end()) return std::nullopt;
    spec = it->second.spec;
  }
  const int64_t day = utcDay(now);
  AvailabilityReport r;
  r.channelId = channelId;
  r.day = isoDay(day);
  r.today = ledger_.day(channelId, day);
  r.month = isoMonth(day);
  r.thisMonth = ledger_.month(channelId, day);
  r.achievedToday = achievedAvailability(r.today);
  r.achievedMonth = achievedAvailability(r.thisMonth);
  r.sloPercent = spec_.sloPercent;
  r.monthBudget = errorBudget(spec_.sloPercent / 100, daysInMonth(day) * 86400.0, r.thisMonth.outage);
  const Topology topology = channelTopology(spec, spec_.components);
  r.topologyAvailability = topology.availability();
  r.topology = topology.describe();
  return r;
}

std::string Monitor::metrics(int64_t now) const {
  std::vector<std::string> channels;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, d] : declared_) channels.push_back(id);
  }
  std::string out;
  auto it = std::back_inserter(out);
  out +=
      "# HELP vigil_manifest_age_max_seconds Largest manifest age over the last 10 s, measured on the served "
      "playlist.\n# TYPE vigil_manifest_age_max_seconds gauge\n";
  for (const auto& [channel, rendition] : heartbeat_.series()) {
    if (!std::binary_search(channels.begin(), channels.end(), channel)) continue;
    if (const auto max = heartbeat_.maxAgeSeconds(channel, rendition, kMetricsWindowUs, now))
      fmt::format_to(it, "vigil_manifest_age_max_seconds{{channel=\"{}\",rendition=\"{}\"}} {:.3f}\n", channel,
                     rendition, *max);
  }
  out +=
      "# HELP vigil_alarms_open Open alarms by severity (channel \"\": the engine's own).\n"
      "# TYPE vigil_alarms_open gauge\n";
  auto counts = alarms_.counts();
  for (const auto& id : channels) counts.try_emplace(id);
  for (const auto& [channel, c] : counts) {
    fmt::format_to(it, "vigil_alarms_open{{channel=\"{}\",severity=\"warning\"}} {}\n", channel, c.warning);
    fmt::format_to(it, "vigil_alarms_open{{channel=\"{}\",severity=\"critical\"}} {}\n", channel, c.critical);
  }
  out +=
      "# HELP vigil_alarms_unacknowledged Open alarms no operator has acknowledged.\n"
      "# TYPE vigil_alarms_unacknowledged gauge\n";
  for (const auto& [channel, c] : counts)
    fmt::format_to(it, "vigil_alarms_unacknowledged{{channel=\"{}\"}} {}\n", channel, c.unacknowledged);
  std::vector<AvailabilityReport> reports;
  for (const auto& id : channels)
    if (auto r = availability(id, now)) reports.push_back(std::move(*r));
  out +=
      "# HELP vigil_availability_day_seconds Output time today (UTC) by state: healthy (manifest age below "
      "warning), degraded, outage.\n# TYPE vigil_availability_day_seconds gauge\n";
  for (const auto& r : reports)
    for (const auto& [state, value] : {std::pair{"healthy", r.today.healthy}, std::pair{"degraded", r.today.degraded},
                                       std::pair{"outage", r.today.outage}})
      fmt::format_to(it, "vigil_availability_day_seconds{{channel=\"{}\",state=\"{}\"}} {:.3f}\n", r.channelId, state,
                     value);
  out +=
      "# HELP vigil_slo_budget_remaining_seconds Outage the channel's objective still allows this month.\n"
      "# TYPE vigil_slo_budget_remaining_seconds gauge\n";
  for (const auto& r : reports)
    fmt::format_to(it, "vigil_slo_budget_remaining_seconds{{channel=\"{}\"}} {:.3f}\n", r.channelId,
                   r.monthBudget.remainingSeconds);
  out +=
      "# HELP vigil_monitor_samples_total Heartbeat rounds taken by the monitor.\n"
      "# TYPE vigil_monitor_samples_total counter\n";
  fmt::format_to(it, "vigil_monitor_samples_total {}\n", rounds_.load());
  return out;
}

}  // namespace vigil::monitor
