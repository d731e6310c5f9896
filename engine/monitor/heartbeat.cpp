#include "monitor/heartbeat.h"

#include <algorithm>

#include "store/store.h"

namespace vigil::monitor {
namespace {
int64_t floorTo(int64_t t, int64_t step) { return (t >= 0 ? t : t - step + 1) / step * step; }
}  // namespace

Heartbeat::Heartbeat(store::Store* store, HeartbeatOptions options) : store_(store), options_(options) {}

void Heartbeat::closeBucket(const Key& key, Series& s) {
  if (s.open.n == 0) return;
  if (store_)
    store_->recordManifestAge(
        {{key.first, key.second, s.open.startUs, s.open.maxUs, s.open.sumUs / s.open.n, s.open.n}});
  s.open = Bucket{};
}

void Heartbeat::record(const std::string& channelId, const std::string& renditionId, int64_t utcUs, int64_t ageUs,
                       int64_t edgeUtcUs) {
  std::lock_guard lock(mutex_);
  const Key key{channelId, renditionId};
  Series& s = series_[key];
  if (!s.ring.empty() && utcUs < s.ring.back().utcUs) return;  // the clock stepped back: keep the series ordered
  s.ring.push_back({utcUs, ageUs});
  while (!s.ring.empty() && s.ring.front().utcUs <= utcUs - options_.memoryUs) s.ring.pop_front();
  if (edgeUtcUs > s.edgeUtcUs) s.edgeUtcUs = edgeUtcUs;
  const int64_t start = floorTo(utcUs, options_.bucketUs);
  if (s.open.n > 0 && s.open.startUs != start) closeBucket(key, s);
  s.open.startUs = start;
  s.open.maxUs = s.open.n ? std::max(s.open.maxUs, ageUs) : ageUs;
  s.open.sumUs += ageUs;
  ++s.open.n;
}

std::vector<AgePoint> Heartbeat::series(const std::string& channelId, const std::string& renditionId, int64_t fromUtcUs,
                                        int64_t toUtcUs) const {
  std::vector<AgePoint> out;
  if (toUtcUs <= fromUtcUs) return out;
  std::vector<Sample> ring;
  {
    std::lock_guard lock(mutex_);
    auto it = series_.find({channelId, renditionId});
    if (it != series_.end()) ring.assign(it->second.ring.begin(), it->second.ring.end());
  }
  auto toPoint = [](const Sample& s) {
    const double age = static_cast<double>(s.ageUs) / 1e6;
    return AgePoint{s.utcUs, age, age, 1};
  };
  // Full rate: the whole range lies in the memory window (reckoned from the
  // newest sample). A young series (an engine up for less than the window)
  // has no samples before its first: what a previous run left there is in
  // SQLite as buckets, and comes first.
  if (!ring.empty() && fromUtcUs >= ring.back().utcUs - options_.memoryUs) {
    const int64_t first = ring.front().utcUs;
    if (store_ && fromUtcUs < first && toUtcUs > fromUtcUs)
      for (const auto& b : store_->manifestAgeHistory(channelId, renditionId, fromUtcUs, std::min(toUtcUs, first)))
        if (b.startUs + options_.bucketUs <= first)  // a bucket reaching into the ring is the ring's samples
          out.push_back({b.startUs, static_cast<double>(b.meanAgeUs) / 1e6, static_cast<double>(b.maxAgeUs) / 1e6,
                         static_cast<int>(b.samples)});
    for (const Sample& s : ring)
      if (s.utcUs >= fromUtcUs && s.utcUs < toUtcUs) out.push_back(toPoint(s));
    return out;
  }
  // Buckets: the store's up to where memory takes over, then memory's own.
  const int64_t bucket = options_.bucketUs;
  // The bucket the ring starts in comes from SQLite when it is there (the
  // ring was trimmed inside it, or it has closed), else from memory (a young
  // ring's first bucket, still open).
  int64_t memoryFrom = ring.empty() ? toUtcUs : floorTo(ring.front().utcUs, bucket);
  const int64_t storeTo = ring.empty() ? toUtcUs : floorTo(ring.front().utcUs + bucket - 1, bucket);
  if (store_)
    for (const auto& b : store_->manifestAgeHistory(channelId, renditionId, fromUtcUs, std::min(toUtcUs, storeTo)))
      out.push_back({b.startUs, static_cast<double>(b.meanAgeUs) / 1e6, static_cast<double>(b.maxAgeUs) / 1e6,
                     static_cast<int>(b.samples)});
  if (!out.empty() && out.back().utcUs == memoryFrom) memoryFrom += bucket;
  Bucket acc;
  auto emit = [&] {
    if (acc.n > 0)
      out.push_back({acc.startUs, static_cast<double>(acc.sumUs / acc.n) / 1e6, static_cast<double>(acc.maxUs) / 1e6,
                     static_cast<int>(acc.n)});
    acc = Bucket{};
  };
  for (const Sample& s : ring) {
    const int64_t start = floorTo(s.utcUs, bucket);
    if (start < memoryFrom || start < fromUtcUs || start >= toUtcUs) continue;
    if (acc.n > 0 && acc.startUs != start) emit();
    acc.startUs = start;
    acc.maxUs = acc.n ? std::max(acc.maxUs, s.ageUs) : s.ageUs;
    acc.sumUs += s.ageUs;
    ++acc.n;
  }
  emit();
  return out;
}

std::optional<double> Heartbeat::maxAgeSeconds(const std::string& channelId, const std::string& renditionId,
                                               int64_t windowUs, int64_t nowUtcUs) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find({channelId, renditionId});
  if (it == series_.end()) return std::nullopt;
  std::optional<int64_t> max;
  for (auto s = it->second.ring.rbegin(); s != it->second.ring.rend() && s->utcUs > nowUtcUs - windowUs; ++s)
    if (s->utcUs <= nowUtcUs) max = std::max(max.value_or(s->ageUs), s->ageUs);
  if (!max) return std::nullopt;
  return static_cast<double>(*max) / 1e6;
}

std::vector<std::pair<std::string, int64_t>> Heartbeat::edges(const std::string& channelId) const {
  std::vector<std::pair<std::string, int64_t>> out;
  std::lock_guard lock(mutex_);
  for (auto it = series_.lower_bound({channelId, ""}); it != series_.end() && it->first.first == channelId; ++it)
    if (it->second.edgeUtcUs > 0) out.emplace_back(it->first.second, it->second.edgeUtcUs);
  return out;
}

std::vector<std::pair<std::string, std::string>> Heartbeat::series() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, s] : series_) out.push_back(key);
  return out;
}

void Heartbeat::flush() {
  std::lock_guard lock(mutex_);
  for (auto& [key, s] : series_) closeBucket(key, s);
}

void Heartbeat::prune(int64_t nowUtcUs) {
  if (store_) store_->pruneManifestAge(nowUtcUs - options_.retentionUs);
}

}  // namespace vigil::monitor
