// Keeps the channel's audio one unbroken run of 1024-sample frames across
// input switches: whatever input feeds it, its samples are placed by their
// timeline time against the running sample count; an overlap is trimmed, a
// gap filled with silence. The AAC encoder sees exact, contiguous pts.
#pragma once

#include <cstdint>
#include <functional>

#include "ingest/av_handles.h"

struct AVAudioFifo;

namespace vigil::switching {

class AudioSplicer {
 public:
  using Deliver = std::function<void(const AVFrame*)>;
  AudioSplicer(int sampleRate, int channels);
  ~AudioSplicer();
  AudioSplicer(const AudioSplicer&) = delete;
  AudioSplicer& operator=(const AudioSplicer&) = delete;

  bool started() const { return started_; }
  // The first frame starts at t90k (else at the first pushed frame's pts).
  void startAt(int64_t t90k);
  // frame: fltp at the splicer's rate and channel count; its pts is pts90k.
  void push(const AVFrame* frame, int64_t pts90k, const Deliver& deliver);
  // Silence up to t90k (no-op when the run already reaches it).
  void fillSilenceUntil(int64_t t90k, const Deliver& deliver);
  // The timeline time right after the last sample taken in.
  int64_t end90k() const;

  int64_t samplesTrimmed() const { return trimmed_; }
  int64_t silenceInserted() const { return silence_; }

 private:
  void writeSilence(int64_t samples);
  void drain(const Deliver& deliver);
  int64_t samplePosition(int64_t t90k) const;

  const int sampleRate_;
  const int channels_;
  AVAudioFifo* fifo_ = nullptr;
  av::FramePtr silenceBuffer_;
  bool started_ = false;
  int64_t start90k_ = 0;
  int64_t written_ = 0;  // samples taken in since start
  int64_t emitted_ = 0;  // samples delivered since start
  int64_t trimmed_ = 0;
  int64_t silence_ = 0;
};

}  // namespace vigil::switching
