#include "switch/audio_splicer.h"

#include <algorithm>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

#include "core/media_types.h"
#include "switch/slate.h"

namespace vigil::switching {
namespace {
constexpr int kFrameSamples = 1024;
// Rounding 90 kHz times to samples is off by up to one sample either way.
constexpr int64_t kJitterSamples = 2;
}  // namespace

AudioSplicer::AudioSplicer(int sampleRate, int channels)
    : sampleRate_(sampleRate),
      channels_(channels),
      fifo_(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, kFrameSamples * 4)),
      silenceBuffer_(silenceFrame(sampleRate, channels, kFrameSamples)) {}

AudioSplicer::~AudioSplicer() {
  if (fifo_) av_audio_fifo_free(fifo_);
}

void AudioSplicer::startAt(int64_t t90k) {
  if (started_) return;
  started_ = true;
  start90k_ = t90k;
}

int64_t AudioSplicer::samplePosition(int64_t t90k) const {
  return av_rescale_rnd(t90k - start90k_, sampleRate_, kTimelineHz, AV_ROUND_NEAR_INF);
}

int64_t AudioSplicer::end90k() const { return start90k_ + av_rescale(written_, kTimelineHz, sampleRate_); }

void AudioSplicer::writeSilence(int64_t samples) {
  if (!fifo_ || !silenceBuffer_) return;
  silence_ += samples;
  while (samples > 0) {
    const int n = static_cast<int>(std::min<int64_t>(samples, kFrameSamples));
    av_audio_fifo_write(fifo_, reinterpret_cast<void**>(silenceBuffer_->extended_data), n);
    written_ += n;
    samples -= n;
  }
}

void AudioSplicer::push(const AVFrame* frame, int64_t pts90k, const Deliver& deliver) {
  if (!fifo_ || frame->nb_samples <= 0 || frame->format != AV_SAMPLE_FMT_FLTP ||
      frame->ch_layout.nb_channels != channels_)
    return;
  startAt(pts90k);
  const int64_t gap = samplePosition(pts90k) - written_;
  int skip = 0;
  if (gap > kJitterSamples) {
    writeSilence(gap);
  } else if (gap < -kJitterSamples) {
    skip = static_cast<int>(std::min<int64_t>(-gap, frame->nb_samples));
    trimmed_ += skip;
  }
  const int n = frame->nb_samples - skip;
  if (n > 0) {
    void* planes[AV_NUM_DATA_POINTERS] = {};
    for (int c = 0; c < channels_ && c < AV_NUM_DATA_POINTERS; ++c)
      planes[c] = reinterpret_cast<float*>(frame->extended_data[c]) + skip;
    av_audio_fifo_write(fifo_, planes, n);
    written_ += n;
  }
  drain(deliver);
}

void AudioSplicer::fillSilenceUntil(int64_t t90k, const Deliver& deliver) {
  startAt(t90k);
  const int64_t missing = samplePosition(t90k) - written_;
  if (missing > 0) writeSilence(missing);
  drain(deliver);
}

void AudioSplicer::drain(const Deliver& deliver) {
  while (av_audio_fifo_size(fifo_) >= kFrameSamples) {
    av::FramePtr out = av::allocFrame();
    if (!out) return;
    out->format = AV_SAMPLE_FMT_FLTP;
    out->sample_rate = sampleRate_;
    out->nb_samples = kFrameSamples;
    av_channel_layout_default(&out->ch_layout, channels_);
    if (av_frame_get_buffer(out.get(), 0) < 0) return;
    av_audio_fifo_read(fifo_, reinterpret_cast<void**>(out->extended_data), kFrameSamples);
    out->pts = start90k_ + av_rescale(emitted_, kTimelineHz, sampleRate_);
    out->time_base = AVRational{1, static_cast<int>(kTimelineHz)};
    emitted_ += kFrameSamples;
    deliver(out.get());
  }
}

}  // namespace vigil::switching
