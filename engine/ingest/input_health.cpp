#include "ingest/input_health.h"

#include <algorithm>

#include "core/media_types.h"

namespace vigil::ingest {

void TsContinuityCounter::scan(const uint8_t* data, size_t size) {
  if (size == 0 || size % kPacketBytes != 0) {
    ++skipped_;
    return;
  }
  for (size_t at = 0; at < size; at += kPacketBytes)
    if (data[at] != 0x47) {
      ++skipped_;
      return;
    }
  for (size_t at = 0; at < size; at += kPacketBytes) {
    const uint8_t* p = data + at;
    const int pid = ((p[1] & 0x1f) << 8) | p[2];
    if (pid == 0x1fff) continue;  // null packets: the counter is undefined
    Pid& s = pids_[static_cast<size_t>(pid)];
    if (p[1] & 0x80) {  // transport_error_indicator: nothing in it can be trusted
      s.last = -1;
      continue;
    }
    const int afc = (p[3] >> 4) & 0x3;
    const int cc = p[3] & 0x0f;
    if (!(afc & 0x1)) continue;  // no payload: the counter does not advance
    // discontinuity_indicator (adaptation field present and not empty).
    const bool discontinuity = (afc & 0x2) && p[4] > 0 && (p[5] & 0x80);
    if (s.last < 0 || discontinuity) {
      s.last = static_cast<int8_t>(cc);
      s.duplicated = false;
      continue;
    }
    if (cc == s.last) {
      if (s.duplicated) ++errors_;  // a packet may be sent twice, not three times
      s.duplicated = true;
      continue;
    }
    if (cc != ((s.last + 1) & 0x0f)) ++errors_;
    s.last = static_cast<int8_t>(cc);
    s.duplicated = false;
  }
}

void TsContinuityCounter::resetPids() { pids_.fill(Pid{}); }

void ByteRateWindow::add(int64_t nowUs, size_t bytes) {
  if (firstUs_ < 0) firstUs_ = nowUs;
  const int64_t slot = nowUs / kBucketUs;
  const auto i = static_cast<size_t>(slot % kBuckets);
  if (slot_[i] != slot) {
    slot_[i] = slot;
    bytes_[i] = 0;
  }
  bytes_[i] += static_cast<int64_t>(bytes);
}

double ByteRateWindow::kbps(int64_t nowUs) const {
  if (firstUs_ < 0) return 0;
  const int64_t current = nowUs / kBucketUs;
  int64_t total = 0;
  for (size_t i = 0; i < kBuckets; ++i)
    if (slot_[i] > current - kBuckets && slot_[i] <= current) total += bytes_[i];
  // The window: the oldest bucket's start (or the first byte) to now.
  const int64_t fromUs = std::max((current - kBuckets + 1) * kBucketUs, firstUs_);
  const int64_t spanUs = std::max<int64_t>(nowUs - fromUs, 100'000);  // no spike from the first packet alone
  return static_cast<double>(total) * 8.0 * 1000.0 / static_cast<double>(spanUs);
}

void FrameRateWindow::add(int64_t pts90k) {
  if (!pts_.empty() && pts90k <= pts_.back()) {
    pts_.clear();  // timestamps went back (a wrap or a new stream): start over
  }
  pts_.push_back(pts90k);
  while (pts_.size() > 2 && pts_.back() - pts_.front() > 2 * kTimelineHz) pts_.pop_front();
}

double FrameRateWindow::fps() const {
  if (pts_.size() < 2 || pts_.back() <= pts_.front()) return 0;
  return static_cast<double>(pts_.size() - 1) * static_cast<double>(kTimelineHz) /
         static_cast<double>(pts_.back() - pts_.front());
}

void AvDriftMeter::onVideo(int64_t audioEnd90k, int64_t videoPts90k) {
  const int64_t sample = videoPts90k - audioEnd90k;
  if (firstPts90k_ < 0) firstPts90k_ = videoPts90k;
  if (!baselineDone_) {
    if (videoPts90k - firstPts90k_ < kWindow90k) {
      baselineSum_ += static_cast<double>(sample);
      ++baselineCount_;
    } else {
      baselineDone_ = baselineCount_ > 0;
    }
  }
  window_.emplace_back(videoPts90k, sample);
  windowSum_ += static_cast<double>(sample);
  while (window_.size() > 1 && videoPts90k - window_.front().first >= kWindow90k) {
    windowSum_ -= static_cast<double>(window_.front().second);
    window_.pop_front();
  }
}

double AvDriftMeter::driftMs() const {
  if (!baselineDone_ || window_.empty()) return 0;
  const double now = windowSum_ / static_cast<double>(window_.size());
  const double start = baselineSum_ / static_cast<double>(baselineCount_);
  return (now - start) / 90.0;
}

}  // namespace vigil::ingest
