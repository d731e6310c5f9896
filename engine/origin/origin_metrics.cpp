#include "origin/origin_metrics.h"

#include <cmath>
#include <cstdio>

#include "package/channel_packager.h"

namespace vigil::origin {
namespace {

void appendf(std::string& out, const char* fmt, auto... args) {
  char buf[512];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  if (n > 0) out.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

// Label values are ids (URI-safe by construction) but escape anyway.
std::string labelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// One Prometheus histogram from bucket counters (the last one is +Inf).
template <std::size_t N>
void appendHistogram(std::string& out, const char* name, const char* help, const std::array<double, N>& bounds,
                     const std::array<std::atomic<uint64_t>, N + 1>& counts, const std::atomic<uint64_t>& sumMicros,
                     const std::atomic<uint64_t>& count) {
  appendf(out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += counts[i].load(std::memory_order_relaxed);
    appendf(out, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], static_cast<unsigned long long>(cumulative));
  }
  cumulative += counts[N].load(std::memory_order_relaxed);
  appendf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, static_cast<unsigned long long>(cumulative));
  appendf(out, "%s_sum %.6f\n", name, static_cast<double>(sumMicros.load(std::memory_order_relaxed)) / 1e6);
  appendf(out, "%s_count %llu\n", name, static_cast<unsigned long long>(count.load(std::memory_order_relaxed)));
}

}  // namespace

std::size_t OriginMetrics::statusSlot(unsigned status) {
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return i;
  return kStatuses.size() - 1;  // 500 collects the unexpected
}

void OriginMetrics::countRequest(ObjectKind kind, unsigned status) {
  requests_[static_cast<std::size_t>(kind)][statusSlot(status)].fetch_add(1, std::memory_order_relaxed);
}

void OriginMetrics::observeBlockingWait(double seconds) {
  std::size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  waitBuckets_[i].fetch_add(1, std::memory_order_relaxed);
  waitCount_.fetch_add(1, std::memory_order_relaxed);
  waitSumMicros_.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e6)), std::memory_order_relaxed);
}

void OriginMetrics::observeHeldRelease(double seconds) {
  std::size_t i = 0;
  while (i < kReleaseBuckets.size() && seconds > kReleaseBuckets[i]) ++i;
  releaseBuckets_[i].fetch_add(1, std::memory_order_relaxed);
  releaseCount_.fetch_add(1, std::memory_order_relaxed);
  releaseSumMicros_.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e6)), std::memory_order_relaxed);
}

HeldReleaseRound::~HeldReleaseRound() {
  metrics_.observeHeldRelease(std::chrono::duration<double>(std::chrono::steady_clock::now() - publishedAt_).count());
}

std::string OriginMetrics::render(const std::vector<std::shared_ptr<package::ChannelPackager>>& channels,
                                  int64_t nowUtcUs) const {
  std::string out;
  out.reserve(4096);
  out +=
      "# HELP vigil_parts_published_total Parts published by the packager.\n"
      "# TYPE vigil_parts_published_total counter\n";
  for (const auto& ch : channels)
    appendf(out, "vigil_parts_published_total{channel=\"%s\"} %llu\n", labelValue(ch->channelId()).c_str(),
            static_cast<unsigned long long>(ch->counters().partsPublished));
  out +=
      "# HELP vigil_segments_published_total Segments completed by the packager.\n"
      "# TYPE vigil_segments_published_total counter\n";
  for (const auto& ch : channels)
    appendf(out, "vigil_segments_published_total{channel=\"%s\"} %llu\n", labelValue(ch->channelId()).c_str(),
            static_cast<unsigned long long>(ch->counters().segmentsPublished));
  out +=
      "# HELP vigil_manifest_age_seconds Now minus the end of the newest published part.\n"
      "# TYPE vigil_manifest_age_seconds gauge\n";
  for (const auto& ch : channels) {
    for (const auto& r : ch->renditions()) {
      const int64_t endUs = ch->newestPartEndUtcUs(r.id);
      if (endUs <= 0) continue;  // no part yet: no age to report
      appendf(out, "vigil_manifest_age_seconds{channel=\"%s\",rendition=\"%s\"} %.3f\n",
              labelValue(ch->channelId()).c_str(), labelValue(r.id).c_str(),
              static_cast<double>(nowUtcUs - endUs) / 1e6);
    }
  }
  out +=
      "# HELP vigil_http_requests_total HTTP requests answered, by object kind and status.\n"
      "# TYPE vigil_http_requests_total counter\n";
  for (int k = 0; k < kObjectKindCount; ++k)
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      const uint64_t n = requests_[static_cast<std::size_t>(k)][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      appendf(out, "vigil_http_requests_total{kind=\"%s\",status=\"%u\"} %llu\n",
              std::string(objectKindName(static_cast<ObjectKind>(k))).c_str(), kStatuses[s],
              static_cast<unsigned long long>(n));
    }
  out +=
      "# HELP vigil_http_held_requests Requests currently held (blocking reload, pending objects).\n"
      "# TYPE vigil_http_held_requests gauge\n";
  appendf(out, "vigil_http_held_requests %lld\n", static_cast<long long>(held()));
  appendHistogram(out, "vigil_http_blocking_wait_seconds", "Time requests were held before their answer.", kBuckets,
                  waitBuckets_, waitSumMicros_, waitCount_);
  appendHistogram(out, "vigil_http_held_release_seconds",
                  "From a publication to the last reply written of the held requests it released.", kReleaseBuckets,
                  releaseBuckets_, releaseSumMicros_, releaseCount_);
  {
    std::lock_guard lock(externalMutex_);
    if (external_) out += external_();
  }
  return out;
}

void OriginMetrics::setExternal(std::function<std::string()> render) {
  std::lock_guard lock(externalMutex_);
  external_ = std::move(render);
}

}  // namespace vigil::origin
