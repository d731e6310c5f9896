#include "pipeline/scaler_cascade.h"

#include <algorithm>
#include <numeric>
#include <string>

extern "C" {
#include <libavutil/mathematics.h>
#include <libswscale/swscale.h>
}

namespace vigil::pipeline {

void ScalerCascade::SwsDeleter::operator()(SwsContext* s) const { sws_freeContext(s); }

ScalerCascade::ScalerCascade(std::vector<CascadeRung> rungs, AVRational sourceRate, const Timeline& timeline)
    : rungs_(std::move(rungs)), sourceRate_(sourceRate), timeline_(timeline) {}

ScalerCascade::~ScalerCascade() = default;

Result<std::unique_ptr<ScalerCascade>> ScalerCascade::create(std::vector<CascadeRung> rungs, AVRational sourceRate,
                                                             const Timeline& timeline) {
  if (sourceRate.num <= 0 || sourceRate.den <= 0) return Status::error("scaler: invalid source frame rate");
  std::unique_ptr<ScalerCascade> c(new ScalerCascade(std::move(rungs), sourceRate, timeline));
  for (const auto& r : c->rungs_) {
    if (r.width <= 0 || r.height <= 0 || r.frameRateNum <= 0 || r.frameRateDen <= 0)
      return Status::error("scaler: invalid rung geometry or rate");
    // source / rung = (sn * rd) / (sd * rn) must be a whole number of frames.
    const int64_t num = int64_t{sourceRate.num} * r.frameRateDen;
    const int64_t den = int64_t{sourceRate.den} * r.frameRateNum;
    if (num % den != 0)
      return Status::error("rung rate " + std::to_string(r.frameRateNum) + "/" + std::to_string(r.frameRateDen) +
                           " does not divide the source rate " + std::to_string(sourceRate.num) + "/" +
                           std::to_string(sourceRate.den));
    c->decimation_.push_back(static_cast<int>(num / den));
    c->sws_.emplace_back();
  }
  c->largestFirst_.resize(c->rungs_.size());
  std::iota(c->largestFirst_.begin(), c->largestFirst_.end(), size_t{0});
  std::stable_sort(c->largestFirst_.begin(), c->largestFirst_.end(), [&](size_t a, size_t b) {
    return int64_t{c->rungs_[a].width} * c->rungs_[a].height > int64_t{c->rungs_[b].width} * c->rungs_[b].height;
  });
  return c;
}

Result<std::vector<av::FramePtr>> ScalerCascade::process(const AVFrame* src) {
  std::vector<av::FramePtr> out(rungs_.size());
  // The frame's index within its segment: counting from the segment start
  // (not from the first frame seen) makes every rung keep the boundary frame,
  // so the IDR lands on the same PTS at every rate, in every pipeline.
  const int64_t segStart = timeline_.segmentStart90k(timeline_.segmentNumberAt(src->pts));
  const int64_t index = av_rescale(src->pts - segStart, sourceRate_.num, kTimelineHz * sourceRate_.den);

  for (size_t r : largestFirst_) {
    if (index % decimation_[r] != 0) continue;
    const CascadeRung& rung = rungs_[r];
    // The smallest picture already made that is at least as large as this rung.
    const AVFrame* input = src;
    for (size_t j : largestFirst_) {
      const AVFrame* f = out[j].get();
      if (f && f->width >= rung.width && f->height >= rung.height &&
          int64_t{f->width} * f->height < int64_t{input->width} * input->height)
        input = f;
    }
    if (input->width == rung.width && input->height == rung.height && input->format == AV_PIX_FMT_YUV420P) {
      out[r] = av::cloneFrame(input);  // same picture: share the buffers
      if (!out[r]) return Status::error("out of memory");
      continue;
    }
    SwsContext* cached = sws_[r].release();
    cached = sws_getCachedContext(cached, input->width, input->height, static_cast<AVPixelFormat>(input->format),
                                  rung.width, rung.height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr);
    sws_[r].reset(cached);
    if (!cached) return Status::error("sws_getCachedContext failed");
    av::FramePtr scaled = av::allocFrame();
    if (!scaled) return Status::error("out of memory");
    scaled->width = rung.width;
    scaled->height = rung.height;
    scaled->format = AV_PIX_FMT_YUV420P;
    int err = av_frame_get_buffer(scaled.get(), 0);
    if (err < 0) return av::error("scaled frame buffer", err);
    if ((err = av_frame_copy_props(scaled.get(), src)) < 0) return av::error("frame props", err);
    err = sws_scale(cached, input->data, input->linesize, 0, input->height, scaled->data, scaled->linesize);
    if (err < 0) return av::error("sws_scale", err);
    out[r] = std::move(scaled);
  }
  return out;
}

}  // namespace vigil::pipeline
