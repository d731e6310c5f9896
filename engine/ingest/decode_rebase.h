// What every decoding source shares (FileSource, ContributionInput): opening a decoder
// for a demuxed stream, placing video frames on the channel timeline's frame
// grid, and normalising audio to what the AAC encoder takes (fltp, the
// channel's rate and layout, 1024-sample frames) with sample-counted pts.
// Internal to ingest: it includes the FFmpeg headers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/media_types.h"
#include "ingest/av_handles.h"

namespace vigil::ingest {

inline constexpr int kAacFrameSamples = 1024;  // one AAC frame
inline constexpr AVRational kTimelineTimeBase{1, static_cast<int>(kTimelineHz)};

// A single-threaded decoder for st (the encoders need the cores more).
Result<av::CodecContextPtr> openDecoder(const AVStream* st);

// Video frames snapped to the frame grid of their rate, counted from start90k,
// so the pipeline's rate reduction and IDR placement see exact slots.
class VideoGrid {
 public:
  VideoGrid(int64_t start90k, AVRational frameRate) : start90k_(start90k), rate_(frameRate) {}

  // The timeline pts of a frame offset90k after start, or nothing for a
  // duplicate or a frame that does not come after the last one placed.
  std::optional<int64_t> place(int64_t offset90k);
  // Offset from start of the slot after the last frame placed (0 when none).
  int64_t nextOffset90k() const { return slotTime(lastSlot_ + 1); }
  int64_t framesPlaced() const { return lastSlot_ + 1; }
  int64_t start90k() const { return start90k_; }
  AVRational frameRate() const { return rate_; }

 private:
  int64_t slotTime(int64_t slot) const;
  int64_t start90k_;
  AVRational rate_;
  int64_t lastSlot_ = -1;
};

// Decoder output -> fltp, sampleRate, channels, 1024-sample frames. Audio pts
// are counted in samples from an anchor, so they are exact and contiguous, as
// the AAC encoder wants; a new anchor never goes back before the end of what
// was already delivered.
class AudioNormaliser {
 public:
  // (Re)builds the filter graph for decoder's output and drops the anchor
  // (and any partial frame of the previous graph); the end is kept.
  Status build(const AVCodecContext* decoder, int sampleRate, int channels);
  bool anchored() const { return anchor90k_ != AV_NOPTS_VALUE; }
  // The next frame starts at t90k, or at the end of what was delivered when later.
  void anchorAt(int64_t t90k);
  int64_t end90k() const { return end90k_; }

  // Feeds a decoded frame (nullptr: flush the partial last frame) and hands
  // every normalised frame, pts set on the timeline, to deliver. False when
  // deliver returned false.
  bool push(const AVFrame* decoded, const std::function<bool(AVFrame*)>& deliver);

 private:
  av::FilterGraphPtr graph_;
  AVFilterContext* in_ = nullptr;   // owned by graph_
  AVFilterContext* out_ = nullptr;  // owned by graph_
  av::FramePtr scratch_ = av::allocFrame();
  int sampleRate_ = 48000;
  int64_t anchor90k_ = AV_NOPTS_VALUE;
  int64_t samples_ = 0;  // delivered since the anchor
  int64_t end90k_ = 0;
};

}  // namespace vigil::ingest
