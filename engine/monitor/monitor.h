// The monitor (DESIGN.md: monitor/): one thread that, every sampleMs, reads
// what the origin serves for every declared channel, measures each
// rendition's manifest age from the rendered playlist (contract 4), keeps the
// time series, evaluates the alarm rules, makes the AlarmBook agree and
// accounts availability. It knows the engine only through a probe function
// (plain data in), so it is testable without channels.
//
// Threads: the monitor thread samples; declareChannel() and the readers are
// thread-safe. The probe is called on the monitor thread and must return at
// once (copy pointers, no waiting on media work).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/channel_spec.h"
#include "core/media_types.h"
#include "monitor/alarm_book.h"
#include "monitor/alarm_rules.h"
#include "monitor/availability.h"
#include "monitor/heartbeat.h"
#include "monitor/monitor_spec.h"

namespace vigil::store {
class Store;
}

namespace vigil::monitor {

// A running channel as the probe sees it.
struct ChannelProbe {
  std::string channelId;
  // Every rendition with its current rendered media playlist (null: none yet).
  std::vector<std::pair<std::string, Bytes>> playlists;
  std::string onAir;  // channels with inputs: the input on air, or "slate"
  std::vector<InputSample> inputs;
  std::vector<PipelineSample> pipelines;
  bool emergencySlateOnAir = false;
};
using ProbeFn = std::function<std::vector<ChannelProbe>()>;

class Monitor {
 public:
  // Reloads the alarms left open by the previous run. dataDir: whose free
  // space the disk rule watches.
  Monitor(store::Store& store, std::string dataDir, MonitorSpec spec);
  ~Monitor();  // stop()s
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  AlarmBook& alarms() { return alarms_; }
  const AlarmBook& alarms() const { return alarms_; }
  const Heartbeat& heartbeat() const { return heartbeat_; }
  const MonitorSpec& spec() const { return spec_; }

  // A channel that should run from now on (a later declaration replaces it).
  // Declared channels that do not run are outages.
  void declareChannel(const ChannelSpec& spec);
  bool declared(const std::string& channelId) const;

  void setProbe(ProbeFn probe);
  // Starts the monitor thread (sampling at once, then every sampleMs).
  void start(ProbeFn probe);
  // Joins the thread, then writes the availability totals and the open
  // history buckets (queued on the store).
  void stop();
  // One round at nowUtcUs: probe, measure, evaluate, reconcile, account.
  void sampleOnce(int64_t nowUtcUs);

  // Worst manifest age of a channel now (-1: nothing measured yet).
  double worstManifestAgeSeconds(const std::string& channelId, int64_t nowUtcUs) const;
  std::optional<AvailabilityReport> availability(const std::string& channelId, int64_t nowUtcUs) const;
  // Prometheus text: vigil_manifest_age_max_seconds, vigil_alarms_open,
  // vigil_availability_day_seconds, vigil_slo_budget_remaining_seconds,
  // vigil_monitor_samples_total.
  std::string metrics(int64_t nowUtcUs) const;
  uint64_t rounds() const { return rounds_; }

 private:
  struct Declared {
    ChannelSpec spec;
    int64_t declaredUs = 0;
    int64_t lastSampleUs = 0;
  };
  void run();

  store::Store& store_;
  const std::string dataDir_;
  const MonitorSpec spec_;
  AlarmBook alarms_;
  Heartbeat heartbeat_;
  AvailabilityLedger ledger_;
  AlarmRules rules_;  // the monitor thread's (sampleOnce)

  mutable std::mutex mutex_;  // guards declared_, probe_
  std::map<std::string, Declared> declared_;
  ProbeFn probe_;

  std::mutex sampling_;  // one round at a time
  int64_t lastPruneUs_ = 0;
  int64_t lastErrorLogUs_ = 0;
  int64_t reconcileAfterUs_ = 0;  // after a failed alarm write: not before
  std::atomic<uint64_t> rounds_{0};

  std::mutex threadMutex_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::monitor
