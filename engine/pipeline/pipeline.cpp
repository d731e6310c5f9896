#include "pipeline/pipeline.h"

#include "core/log.h"
#include "pipeline/rendition_worker.h"
#include "pipeline/scaler_cascade.h"

namespace vigil::pipeline {

Pipeline::Pipeline(std::string channelId, const ChannelSpec& spec, const Timeline& timeline, PartSink* sink,
                   PipelineOptions options)
    : channelId_(std::move(channelId)), spec_(spec), timeline_(timeline), sink_(sink), options_(options) {}

Pipeline::~Pipeline() { stop(); }

Status Pipeline::start() {
  std::lock_guard lock(lifecycleMutex_);
  if (started_) return Status::error("pipeline already started");
  if (!sink_) return Status::error("pipeline needs a part sink");
  if (spec_.video.empty()) return Status::error("pipeline: the ladder has no video rendition");
  const OverflowPolicy policy = options_.overflow == PipelineOptions::Overflow::Block ||
                                        (options_.overflow == PipelineOptions::Overflow::Auto && !spec_.source.realtime)
                                    ? OverflowPolicy::Block
                                    : OverflowPolicy::DropNewest;

  std::vector<CascadeRung> rungs;
  for (const auto& v : spec_.video) rungs.push_back({v.width, v.height, v.frameRateNum, v.frameRateDen});
  auto scaler = ScalerCascade::create(std::move(rungs),
                                      AVRational{spec_.source.frameRateNum, spec_.source.frameRateDen}, timeline_);
  if (!scaler) return Status::error("[ch=" + channelId_ + "] " + scaler.message());

  // Open everything before starting any thread, so a bad rung fails start()
  // cleanly. Init segments are emitted here, before any part.
  std::vector<std::unique_ptr<RenditionWorker>> video;
  for (const auto& v : spec_.video) {
    const auto wait = options_.waitAFrameWhenFull
                          ? std::chrono::microseconds{int64_t{1'000'000} * v.frameRateDen / std::max(1, v.frameRateNum)}
                          : std::chrono::microseconds{0};
    auto w = RenditionWorker::openVideo(channelId_, v, timeline_, sink_, policy, options_.queueFrames, wait);
    if (!w) return Status::error("[ch=" + channelId_ + " r=" + v.id + "] " + w.message());
    video.push_back(std::move(*w));
  }
  auto audio = RenditionWorker::openAudio(channelId_, spec_.audio, timeline_, sink_, policy, options_.audioQueueFrames);
  if (!audio) return Status::error("[ch=" + channelId_ + " r=" + spec_.audio.id + "] " + audio.message());

  for (auto& w : video) w->setIdrEveryPart(options_.idrEveryPart);
  if (options_.checkOutput != PipelineOptions::Check::Off) {
    std::vector<RenditionWorker*> all{audio->get()};
    size_t smallest = 0;
    for (size_t i = 0; i < video.size(); ++i) {
      const auto& s = spec_.video[i];
      if (int64_t{s.width} * s.height < int64_t{spec_.video[smallest].width} * spec_.video[smallest].height)
        smallest = i;
      if (options_.checkOutput == PipelineOptions::Check::All) all.push_back(video[i].get());
    }
    if (options_.checkOutput == PipelineOptions::Check::Lowest && !video.empty()) all.push_back(video[smallest].get());
    for (auto* w : all)
      if (Status s = w->checkOutput(); !s)
        return Status::error("[ch=" + channelId_ + " r=" + w->id() + "] " + s.message());
  }
  if (onError_) {
    for (auto& w : video) w->onError(onError_);
    (*audio)->onError(onError_);
  }
  scaler_ = std::move(*scaler);
  video_ = std::move(video);
  audio_ = std::move(*audio);
  for (auto& w : video_) w->start();
  audio_->start();
  started_ = true;
  closed_ = false;
  log::get("pipeline")
      ->info("[ch={}] pipeline started: {} video renditions + {}, queues of {} video / {} audio frames ({})",
             channelId_, video_.size(), spec_.audio.id, options_.queueFrames, options_.audioQueueFrames,
             policy == OverflowPolicy::Block ? "block when full"
             : options_.waitAFrameWhenFull   ? "drop the newest after a frame time when full"
                                             : "drop newest when full");
  return Status::ok();
}

void Pipeline::onVideoFrame(const AVFrame* frame) {
  if (!started_ || closed_) return;
  auto scaled = scaler_->process(frame);
  if (!scaled) {
    log::get("pipeline")->error("[ch={}] scaler: {}", channelId_, scaled.message());
    return;
  }
  for (size_t i = 0; i < video_.size(); ++i) {
    if ((*scaled)[i]) video_[i]->push(std::move((*scaled)[i]));
  }
}

void Pipeline::onAudioFrame(const AVFrame* frame) {
  if (!started_ || closed_) return;
  if (auto copy = av::cloneFrame(frame)) audio_->push(std::move(copy));
}

void Pipeline::onEndOfStream() {
  std::lock_guard lock(lifecycleMutex_);
  if (!started_ || closed_) return;
  closed_ = true;  // the workers drain, flush and emit their last parts
  for (auto& w : video_) w->close();
  audio_->close();
}

void Pipeline::stop() {
  onEndOfStream();
  std::lock_guard lock(lifecycleMutex_);
  if (!started_) return;
  for (auto& w : video_) w->join();
  audio_->join();
  started_ = false;
}

void Pipeline::injectEncoderError() {
  std::lock_guard lock(lifecycleMutex_);
  if (!video_.empty()) video_.front()->injectError();
}

std::vector<RenditionStats> Pipeline::stats() const {
  std::lock_guard lock(lifecycleMutex_);
  std::vector<RenditionStats> out;
  for (const auto& w : video_) out.push_back(w->stats());
  if (audio_) out.push_back(audio_->stats());
  return out;
}

}  // namespace vigil::pipeline
