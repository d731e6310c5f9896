// The channel timeline (DESIGN.md contracts 1 and 2).
//
// One monotonic 90 kHz timeline per channel. Segment k covers
// [k*D, (k+1)*D) and part i of it [k*D + i*P, k*D + (i+1)*P): numbers are
// derived from timeline time, never counted. The timeline is split into
// periods; within a period, timeline time maps to wall-clock (UTC) time by a
// fixed offset. A new period begins only after a real gap (an engine restart):
// its first segment continues the numbering right after the last segment
// published before the gap, so media sequence numbers never restart or
// regress, and the gap is tagged as a discontinuity (HLS) / new Period (DASH).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace vigil {

struct TimelinePeriod {
  int64_t discontinuitySequence = 0;  // 0 for the first period, +1 per gap
  int64_t firstSegment = 0;           // first segment number of the period
  int64_t startUtcUs = 0;             // wall clock of timeline time firstSegment*D
};

class Timeline {
 public:
  // segment duration D and part duration P in 90 kHz ticks; D must be a
  // positive multiple of P (validated by the channel configuration).
  Timeline(int64_t segmentDuration90k, int64_t partDuration90k);

  int64_t segmentDuration90k() const { return segmentDuration90k_; }
  int64_t partDuration90k() const { return partDuration90k_; }
  int partsPerSegment() const { return static_cast<int>(segmentDuration90k_ / partDuration90k_); }

  // Numbering (floor division; timeline time is never negative in practice).
  int64_t segmentNumberAt(int64_t t90k) const;
  int partIndexAt(int64_t t90k) const;
  int64_t segmentStart90k(int64_t segmentNumber) const { return segmentNumber * segmentDuration90k_; }
  int64_t partStart90k(int64_t segmentNumber, int partIndex) const {
    return segmentStart90k(segmentNumber) + partIndex * partDuration90k_;
  }

  // Periods. begin() starts the first period of a new channel at segment 0;
  // resume() starts the period after a gap, continuing after lastSegment (the
  // last segment published before the gap). Both anchor the new period's
  // first segment at startUtcUs.
  void begin(int64_t startUtcUs);
  void resume(const std::vector<TimelinePeriod>& history, int64_t lastSegment, int64_t startUtcUs);
  // The same periods as another timeline's (a pipeline worker cuts parts on the engine's timeline).
  void restore(std::vector<TimelinePeriod> periods) { periods_ = std::move(periods); }

  bool empty() const { return periods_.empty(); }
  const TimelinePeriod& current() const { return periods_.back(); }
  const std::vector<TimelinePeriod>& periods() const { return periods_; }
  // The period a segment belongs to (the last one starting at or before it).
  const TimelinePeriod& periodOfSegment(int64_t segmentNumber) const;

  // Wall clock <-> timeline within the period that holds the time.
  int64_t utcUsAt(int64_t t90k) const;
  int64_t timeAtUtcUs(int64_t utcUs) const;  // current period

 private:
  int64_t segmentDuration90k_;
  int64_t partDuration90k_;
  std::vector<TimelinePeriod> periods_;
};

// Rescale between 90 kHz ticks and microseconds without overflow for any
// timeline value below 2^63 / 100.
inline int64_t ticksToUs(int64_t t90k) { return t90k / 9 * 100 + (t90k % 9) * 100 / 9; }
inline int64_t usToTicks(int64_t us) { return us / 100 * 9 + (us % 100) * 9 / 100; }

}  // namespace vigil
