// Manifest age as a time series, per channel and rendition: every sample of
// the last ten minutes in memory (a ring per rendition), and ten-second
// buckets (max and mean) in SQLite, kept for a retention period. One query
// answers any range, choosing the resolution: full rate when the range lies
// in the memory window, buckets otherwise.
//
// Thread-safe: the monitor thread records, any thread reads.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::store {
class Store;
}

namespace vigil::monitor {

struct AgePoint {
  int64_t utcUs = 0;         // the sample's time, or the bucket's start
  double ageSeconds = 0;     // the sample, or the bucket's mean
  double maxAgeSeconds = 0;  // the sample, or the bucket's max
  int samples = 1;           // 1, or how many the bucket holds
};

struct HeartbeatOptions {
  int64_t memoryUs = 10 * 60 * 1'000'000LL;       // full-rate window
  int64_t bucketUs = 10 * 1'000'000LL;            // downsampling interval
  int64_t retentionUs = 7 * 86400 * 1'000'000LL;  // of the buckets in SQLite
};

class Heartbeat {
 public:
  // store may be null (memory only).
  explicit Heartbeat(store::Store* store, HeartbeatOptions options = {});
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // One sample taken at utcUs; edgeUtcUs is the end of the newest media the
  // playlist announced (0: none known).
  void record(const std::string& channelId, const std::string& renditionId, int64_t utcUs, int64_t ageUs,
              int64_t edgeUtcUs);
  // Points in [fromUtcUs, toUtcUs), oldest first.
  std::vector<AgePoint> series(const std::string& channelId, const std::string& renditionId, int64_t fromUtcUs,
                               int64_t toUtcUs) const;
  // The largest sample in (nowUtcUs - windowUs, nowUtcUs]; nullopt without one.
  std::optional<double> maxAgeSeconds(const std::string& channelId, const std::string& renditionId, int64_t windowUs,
                                      int64_t nowUtcUs) const;
  // The newest media end seen per rendition of a channel (never-seen renditions left out).
  std::vector<std::pair<std::string, int64_t>> edges(const std::string& channelId) const;
  // Every (channel, rendition) with samples.
  std::vector<std::pair<std::string, std::string>> series() const;

  // Writes the buckets still open (at shutdown) and deletes buckets older
  // than the retention. Both queued on the store.
  void flush();
  void prune(int64_t nowUtcUs);

  const HeartbeatOptions& options() const { return options_; }

 private:
  struct Sample {
    int64_t utcUs;
    int64_t ageUs;
  };
  struct Bucket {
    int64_t startUs = -1;
    int64_t maxUs = 0;
    int64_t sumUs = 0;
    int64_t n = 0;
  };
  struct Series {
    std::deque<Sample> ring;  // the last options_.memoryUs
    Bucket open;              // the bucket being filled
    int64_t edgeUtcUs = 0;
  };
  using Key = std::pair<std::string, std::string>;
  void closeBucket(const Key& key, Series& s);  // mutex_ held

  store::Store* const store_;
  const HeartbeatOptions options_;
  mutable std::mutex mutex_;  // guards series_
  std::map<Key, Series> series_;
};

}  // namespace vigil::monitor
