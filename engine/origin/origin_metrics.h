// Request counters of the origin, lock-free on the request path (fixed arrays
// of atomics), rendered as Prometheus text together with per-channel gauges
// read from the packagers at scrape time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "origin/cache_policy.h"

namespace vigil::package {
class ChannelPackager;
}

namespace vigil::origin {

class OriginMetrics;

// The held requests that one publication released. Their replies share it;
// when the last reference goes (every reply written, or dropped with its
// connection) it records the time since the publication: the server's own
// share of "publication -> every held request answered", apart from the
// client's.
class HeldReleaseRound {
 public:
  HeldReleaseRound(OriginMetrics& metrics, std::chrono::steady_clock::time_point publishedAt)
      : metrics_(metrics), publishedAt_(publishedAt) {}
  ~HeldReleaseRound();
  HeldReleaseRound(const HeldReleaseRound&) = delete;
  HeldReleaseRound& operator=(const HeldReleaseRound&) = delete;

 private:
  OriginMetrics& metrics_;
  std::chrono::steady_clock::time_point publishedAt_;
};
using HeldRelease = std::shared_ptr<HeldReleaseRound>;

class OriginMetrics {
 public:
  void countRequest(ObjectKind kind, unsigned status);
  void heldBegin() { held_.fetch_add(1, std::memory_order_relaxed); }
  void heldEnd() { held_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t held() const { return held_.load(std::memory_order_relaxed); }
  void observeBlockingWait(double seconds);
  // Publication -> the last reply of the held requests it released written.
  void observeHeldRelease(double seconds);

  // Prometheus text exposition format 0.0.4. nowUtcUs: wall clock for the
  // manifest age gauges.
  std::string render(const std::vector<std::shared_ptr<package::ChannelPackager>>& channels, int64_t nowUtcUs) const;
  // Metrics of other parts of the engine (inputs, switches), appended to every scrape.
  void setExternal(std::function<std::string()> render);

 private:
  // Statuses the origin produces; anything else lands in the last slot.
  static constexpr std::array<unsigned, 13> kStatuses = {200, 204, 304, 400, 404, 405, 408,
                                                         413, 414, 426, 431, 503, 500};
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
  static std::size_t statusSlot(unsigned status);

  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kObjectKindCount> requests_{};
  std::atomic<int64_t> held_{0};
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> waitBuckets_{};  // last: +Inf
  std::atomic<uint64_t> waitCount_{0};
  std::atomic<uint64_t> waitSumMicros_{0};
  // Fine buckets around the 20 ms target of 1,000 held requests.
  static constexpr std::array<double, 20> kReleaseBuckets = {0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008,
                                                             0.01,  0.012, 0.014, 0.016, 0.018, 0.02,  0.025,
                                                             0.03,  0.04,  0.05,  0.1,   0.25,  1.0};
  std::array<std::atomic<uint64_t>, kReleaseBuckets.size() + 1> releaseBuckets_{};  // last: +Inf
  std::atomic<uint64_t> releaseCount_{0};
  std::atomic<uint64_t> releaseSumMicros_{0};
  mutable std::mutex externalMutex_;  // guards external_
  std::function<std::string()> external_;
};

}  // namespace vigil::origin
