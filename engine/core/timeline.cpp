#include "core/timeline.h"

#include <algorithm>
#include <stdexcept>

namespace vigil {
namespace {
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
}  // namespace

Timeline::Timeline(int64_t segmentDuration90k, int64_t partDuration90k)
    : segmentDuration90k_(segmentDuration90k), partDuration90k_(partDuration90k) {
  if (partDuration90k_ <= 0 || segmentDuration90k_ <= 0 || segmentDuration90k_ % partDuration90k_ != 0)
    throw std::invalid_argument("segment duration must be a positive multiple of the part duration");
}

int64_t Timeline::segmentNumberAt(int64_t t90k) const { return floorDiv(t90k, segmentDuration90k_); }

int Timeline::partIndexAt(int64_t t90k) const {
  return static_cast<int>(floorDiv(t90k - segmentStart90k(segmentNumberAt(t90k)), partDuration90k_));
}

void Timeline::begin(int64_t startUtcUs) { periods_ = {TimelinePeriod{0, 0, startUtcUs}}; }

void Timeline::resume(const std::vector<TimelinePeriod>& history, int64_t lastSegment, int64_t startUtcUs) {
  if (history.empty()) {
    begin(startUtcUs);
    return;
  }
  periods_ = history;
  const TimelinePeriod& prev = periods_.back();
  int64_t first = std::max(lastSegment + 1, prev.firstSegment + 1);
  periods_.push_back(TimelinePeriod{prev.discontinuitySequence + 1, first, startUtcUs});
}

const TimelinePeriod& Timeline::periodOfSegment(int64_t segmentNumber) const {
  for (auto it = periods_.rbegin(); it != periods_.rend(); ++it)
    if (it->firstSegment <= segmentNumber) return *it;
  return periods_.front();
}

int64_t Timeline::utcUsAt(int64_t t90k) const {
  const TimelinePeriod& p = periodOfSegment(segmentNumberAt(t90k));
  return p.startUtcUs + ticksToUs(t90k - segmentStart90k(p.firstSegment));
}

int64_t Timeline::timeAtUtcUs(int64_t utcUs) const {
  const TimelinePeriod& p = current();
  return segmentStart90k(p.firstSegment) + usToTicks(utcUs - p.startUtcUs);
}

}  // namespace vigil
