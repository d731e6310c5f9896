// Region failover: the hook (DESIGN.md: one-click input / pipeline / region
// failover). A standby region (another engine following this one) takes a
// channel's viewers when this one cannot serve them; what steers the viewers
// (DNS, a CDN's origin group) belongs to whoever answers the hook. Vigil's
// part is to call the channel's hook (region_failover.hook_url):
//   - when an operator asks (the console, POST /channels/{id}/region-failover);
//   - by itself, once the channel's output has been in outage (its worst
//     manifest age at or past the critical threshold) for after_ms; once per
//     outage: it re-arms when the output is healthy again.
// A call POSTs a JSON account (channel, reason, actor, worst manifest age,
// what is on air, when) and waits up to 5 s; a 2xx answer is success. Every
// call is a durable event, region.failover, with its outcome.
// This engine dying takes its watcher with it: the standby region must watch
// this one's manifests too (the hook is for what this engine can see).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/channel_spec.h"
#include "core/status.h"

namespace vigil::store {
class Store;
}

namespace vigil::control {

// One running channel with a hook, as the watcher sees it.
struct RegionObservation {
  std::string channelId;
  RegionFailoverSpec spec;
  bool outage = false;  // worst manifest age at or past its critical threshold
  double worstManifestAgeSeconds = -1;
  std::string onAir;
};

class RegionFailover {
 public:
  using ObserveFn = std::function<std::vector<RegionObservation>()>;

  explicit RegionFailover(store::Store& store);
  ~RegionFailover();  // stop()s
  RegionFailover(const RegionFailover&) = delete;
  RegionFailover& operator=(const RegionFailover&) = delete;

  // The watcher: observe every periodMs, call the hook of a channel in outage
  // for its after_ms (on the watcher's thread).
  void start(ObserveFn observe, int periodMs = 250);
  void stop();

  // Calls the channel's hook now (blocking up to its timeout) and records the
  // event. An error: no hook, the hook unreachable, or not a 2xx answer.
  Status trigger(const RegionObservation& what, const std::string& actor, const std::string& reason);

 private:
  void run(int periodMs);

  store::Store& store_;
  ObserveFn observe_;
  std::map<std::string, int64_t> outageSinceUs_;  // the watcher's: channels in outage, since when
  std::map<std::string, bool> called_;            // the watcher's: the hook was called in this outage
  std::mutex mutex_;                              // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::control
