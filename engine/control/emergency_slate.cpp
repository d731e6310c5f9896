#include "control/emergency_slate.h"

#include <mutex>

#include "core/clock.h"
#include "core/log.h"
#include "ingest/pacer.h"
#include "pipeline/pipeline.h"
#include "switch/slate.h"

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/mathematics.h>
}

namespace vigil::control {

struct EmergencySlate::Impl {
  Impl(const ChannelSpec& s, const Timeline& t, PartSink* k) : spec(s), timeline(t), sink(k) {
    // The slate's own ladder: the channel's, so its init segments match the
    // workers' (the selector refuses a source whose init differs), with an
    // IDR at every part so it can take over at any part boundary.
    pipeline::PipelineOptions o;
    o.overflow = pipeline::PipelineOptions::Overflow::DropNewest;
    o.idrEveryPart = true;                                  // it goes on air at any part boundary
    o.checkOutput = pipeline::PipelineOptions::Check::Off;  // a still picture, frozen by design, never judged
    ladder = std::make_unique<pipeline::Pipeline>(spec.id + "/slate", spec, timeline, sink, o);
  }

  void run(int64_t fromPts90k, int64_t audioFrom90k) {
    const auto& src = spec.source;
    const int64_t frame90k = av_rescale(kTimelineHz, src.frameRateDen, src.frameRateNum);
    // On the frame grid, at or after where the selector needs parts from.
    int64_t video = (fromPts90k + frame90k - 1) / frame90k * frame90k;
    int64_t audioSamples = 0;
    const int64_t audioStart = audioFrom90k >= 0 ? audioFrom90k : video;
    for (;;) {
      const int64_t audio = audioStart + av_rescale(audioSamples, kTimelineHz, spec.audio.sampleRate);
      const bool isVideo = video <= audio;
      const int64_t pts = isVideo ? video : audio;
      if (!pacer.waitUntilUtc(timeline.utcUsAt(pts))) return;
      if (isVideo) {
        av::FramePtr f(av_frame_clone(picture.get()));
        if (!f) return;
        f->pts = video;
        ladder->onVideoFrame(f.get());
        video += frame90k;
      } else {
        av::FramePtr s = switching::silenceFrame(spec.audio.sampleRate, spec.audio.channels, 1024);
        if (!s) return;
        s->pts = audio;
        ladder->onAudioFrame(s.get());
        audioSamples += 1024;
      }
    }
  }

  const ChannelSpec spec;
  const Timeline& timeline;
  PartSink* const sink;
  std::unique_ptr<pipeline::Pipeline> ladder;
  av::FramePtr picture;
  ingest::Pacer pacer;
  std::mutex mu;  // guards started
  bool started = false;
};

EmergencySlate::EmergencySlate(const ChannelSpec& spec, const Timeline& timeline, PartSink* sink)
    : impl_(std::make_unique<Impl>(spec, timeline, sink)) {}

EmergencySlate::~EmergencySlate() { stop(); }

Status EmergencySlate::prepare() {
  auto picture = switching::renderSlate(impl_->spec.source.width, impl_->spec.source.height,
                                        impl_->spec.name.empty() ? impl_->spec.id : impl_->spec.name);
  if (!picture) return Status::error("emergency slate: " + picture.message());
  impl_->picture = std::move(*picture);
  return Status::ok();
}

void EmergencySlate::ensureRunning(int64_t fromPts90k, int64_t audioFrom90k) {
  std::lock_guard lock(impl_->mu);
  if (impl_->started || !impl_->picture) return;
  impl_->started = true;
  if (auto s = impl_->ladder->start(); !s) {
    log::get("control")->error("[ch={}] emergency slate: {}", impl_->spec.id, s.message());
    return;
  }
  log::get("control")->warn("[ch={}] no pipeline delivers: the emergency slate starts from {:.3f} s", impl_->spec.id,
                            double(fromPts90k) / kTimelineHz);
  impl_->sink->onPipelineState(PipelineState::Up, "the emergency slate runs");
  impl_->pacer.start([this, fromPts90k, audioFrom90k] { impl_->run(fromPts90k, audioFrom90k); });
}

void EmergencySlate::stop() {
  impl_->pacer.stop();
  impl_->ladder->stop();
}

}  // namespace vigil::control
