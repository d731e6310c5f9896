// Input-health measurements that a contribution input takes on the way:
// pure, single-threaded helpers, so the rules are testable without a network.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace vigil::ingest {

// Counts MPEG-TS continuity_counter errors per PID (ISO/IEC 13818-1, 2.4.3.3)
// over whole 188-byte packets. A payload that is not a whole number of
// packets, or where a packet lacks the 0x47 sync byte, is skipped (not
// guessed at). Packets without payload (adaptation_field_control 00 or 10)
// do not advance the counter; one duplicate (same counter, once) is allowed;
// the discontinuity_indicator and a transport_error_indicator reset or skip
// a PID; null packets (PID 0x1FFF) are ignored.
class TsContinuityCounter {
 public:
  static constexpr size_t kPacketBytes = 188;

  void scan(const uint8_t* data, size_t size);
  // Forgets every PID's counter (a new publisher session); the error count stays.
  void resetPids();
  int64_t errors() const { return errors_; }
  int64_t skippedPayloads() const { return skipped_; }

 private:
  struct Pid {
    int8_t last = -1;  // -1: not seen yet
    bool duplicated = false;
  };
  std::array<Pid, 8192> pids_{};
  int64_t errors_ = 0;
  int64_t skipped_ = 0;
};

// Bytes per second over the last ~2 s, in 250 ms buckets.
class ByteRateWindow {
 public:
  static constexpr int64_t kBucketUs = 250'000;
  static constexpr int kBuckets = 8;  // 2 s

  void add(int64_t nowUs, size_t bytes);
  // Kilobits per second over the window ending at nowUs (shorter while the
  // first bytes are younger than the window); 0 with nothing in it.
  double kbps(int64_t nowUs) const;

 private:
  std::array<int64_t, kBuckets> slot_{};  // which 250 ms slot each bucket holds
  std::array<int64_t, kBuckets> bytes_{};
  int64_t firstUs_ = -1;
};

// Frames per second from the source timestamps (90 kHz) of the frames
// delivered in the last ~2 s of source time. From timestamps rather than
// arrival times, so a probing backlog delivered at once does not inflate it,
// while frames the encoder dropped do lower it.
class FrameRateWindow {
 public:
  void add(int64_t pts90k);
  void reset() { pts_.clear(); }
  double fps() const;

 private:
  std::deque<int64_t> pts_;
};

// A/V sync drift of what a session delivers: at each video frame, its pts
// minus the end of the audio delivered so far (both on the timeline).
// Demuxers interleave audio in bursts, so one sample jumps by tens of
// milliseconds; the drift is the mean over the last 2 s of video against
// the mean over the session's first 2 s, which carries the encoder's own
// offset. Positive: audio later than video (falling behind it).
class AvDriftMeter {
 public:
  static constexpr int64_t kWindow90k = 2 * 90000;

  void onVideo(int64_t audioEnd90k, int64_t videoPts90k);
  void reset() { *this = AvDriftMeter(); }
  // 0 until the first window is complete.
  double driftMs() const;

 private:
  int64_t firstPts90k_ = -1;
  double baselineSum_ = 0;
  int64_t baselineCount_ = 0;
  bool baselineDone_ = false;
  std::deque<std::pair<int64_t, int64_t>> window_;  // (video pts, sample) over the last kWindow90k
  double windowSum_ = 0;
};

}  // namespace vigil::ingest
