// What the audio probe measures on each decoded frame: the sample peak over
// the last 0.4 s and EBU R128 momentary / short-term loudness, measured by
// libavfilter's ebur128 (K-weighting and gating are the library's).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "core/status.h"

struct AVCodecContext;
struct AVFrame;

namespace vigil::ui::confidence {

inline constexpr double kSilenceDb = -1e9;  // no signal (or nothing measured)

struct AudioLevels {
  double peakDbfs = kSilenceDb;
  std::optional<double> momentaryLufs;  // set when ebur128 reported with this frame
  std::optional<double> shortTermLufs;
};

class AudioLevelMeter {
 public:
  AudioLevelMeter();
  ~AudioLevelMeter();
  AudioLevelMeter(const AudioLevelMeter&) = delete;
  AudioLevelMeter& operator=(const AudioLevelMeter&) = delete;

  // Builds abuffer -> ebur128 -> abuffersink for the decoder's output.
  Status open(const AVCodecContext* decoder);
  AudioLevels push(const AVFrame* frame, int64_t pts90k);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ui::confidence
