// A confidence probe: one rendition of a channel followed the way a viewer
// gets it, from the origin (not from the input). It reads the rendition's
// media playlist to find the live edge, then asks for init.mp4 and the parts
// in order (the origin holds a request for a part not yet published, so the
// next part in order is a blocking follow), feeds them as one fragmented-MP4
// stream to libavformat's mov demuxer, decodes them and measures what a
// viewer receives: the picture, the bitrate, the frame rate, the keyframe
// contract (DESIGN.md contract 2) and, for audio, peak and loudness.
//
// Plain C++ (no Qt): a thread of its own, started and stopped by its owner.
// Every failure (HTTP, demux, decode) becomes a status string and a retry
// with backoff from the playlist; never a crash. stop() is prompt: a held
// request is interrupted by closing its socket.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "confidence/audio_levels.h"

namespace vigil::ui::confidence {

struct ProbeConfig {
  std::string masterUrl;    // the channel's multivariant playlist (ChannelStatus::hlsUrl)
  std::string renditionId;  // "v0", "a0", ...
  enum class Mode {
    Live,       // every part, every frame, paced to its timestamps
    Thumbnail,  // the first (independent) part of each segment, its keyframe only
  } mode = Mode::Live;
  // Pictures are scaled to fit inside this box, keeping the aspect ratio
  // (0: the decoded size). Never upscaled.
  int maxPictureWidth = 640;
  int maxPictureHeight = 360;
  // Thumbnail mode: at most one picture per this interval.
  int minPictureIntervalMs = 900;
};

// One decoded picture, RGBX (R, G, B, padding byte; QVideoFrameFormat::Format_RGBX8888).
struct Picture {
  int width = 0;
  int height = 0;
  int strideBytes = 0;
  std::shared_ptr<uint8_t> pixels;  // strideBytes * height, 64-byte aligned
  int64_t pts90k = 0;               // on the channel timeline
  int64_t msn = -1;                 // the segment it belongs to
};

struct ProbeStats {
  // Failed: the configuration cannot work (a malformed URL or id); never retried.
  enum class State { Idle, Connecting, Playing, Retrying, Failed, Stopped } state = State::Idle;
  std::string status;     // one line for the operator: what the probe is doing or why it is not
  std::string lastError;  // the most recent error ("" while none since the last good part)
  bool isVideo = false;
  bool isAudio = false;
  std::string codec;
  int width = 0;  // decoded
  int height = 0;
  int partsPerSegment = 0;
  double segmentDurationS = 0;
  uint64_t partsReceived = 0;
  uint64_t bytesReceived = 0;
  uint64_t resyncs = 0;  // sessions restarted from the playlist
  uint64_t errors = 0;   // failures of any kind
  // Bytes per second over the last complete segments received (-1: none yet).
  double measuredBitrateBps = -1;
  int measuredSegments = 0;
  // Video.
  uint64_t framesDecoded = 0;
  uint64_t framesShown = 0;
  double fps = 0;  // pictures delivered per second, over the last two seconds
  // Keyframe contract: the first frame of segment k is an IDR at k * D.
  int64_t lastCheckedMsn = -1;
  bool lastSegmentAligned = false;
  int64_t lastIdrPts90k = -1;  // the first frame's PTS of that segment
  int64_t lastExpectedPts90k = -1;
  uint64_t segmentsChecked = 0;
  uint64_t segmentsMisaligned = 0;
  std::string alignmentDetail;  // why the last misaligned segment was
  // Audio (dBFS / LUFS; kSilenceDb before the first measurement).
  int sampleRate = 0;
  int channels = 0;
  double peakDbfs = kSilenceDb;       // sample peak over the last ~0.4 s
  double momentaryLufs = kSilenceDb;  // EBU R128 momentary (400 ms), libavfilter's ebur128
  double shortTermLufs = kSilenceDb;  // short-term (3 s)
};

const char* toString(ProbeStats::State state);

class RenditionProbe {
 public:
  // Called on the probe's thread for each picture delivered; must return
  // quickly (hand the picture over, do not draw).
  using PictureCallback = std::function<void(std::shared_ptr<const Picture>)>;

  RenditionProbe(ProbeConfig config, PictureCallback onPicture = {});
  ~RenditionProbe();  // stops
  RenditionProbe(const RenditionProbe&) = delete;
  RenditionProbe& operator=(const RenditionProbe&) = delete;

  void start();
  // Ends the thread promptly (an HTTP wait is interrupted); idempotent.
  void stop();
  // The first half of stop(), without waiting: several probes asked at once
  // then stop in the time of the slowest, not of their sum.
  void requestStop();
  bool running() const { return thread_.joinable(); }

  const ProbeConfig& config() const { return config_; }
  ProbeStats stats() const;  // any thread

 private:
  struct Session;
  void run();
  bool sleepFor(int ms);  // false when stopping
  friend struct Session;

  const ProbeConfig config_;
  const PictureCallback onPicture_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex wakeMutex_;  // with wake_: the backoff and pacing waits, ended by stop()
  std::condition_variable wake_;
  struct Shared;
  std::shared_ptr<Shared> shared_;  // the HTTP client (interrupted by stop()) and the stats
};

}  // namespace vigil::ui::confidence
