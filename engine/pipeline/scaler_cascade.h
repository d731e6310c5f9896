// The ladder's scaler cascade (libswscale) and frame-rate reduction. Each
// rung is scaled from the smallest frame already produced for this input
// frame that is at least as large as the rung (another rung, else the
// source): the nearest larger picture is the cheapest input (fewest pixels to
// read) and, being a downscale of a downscale, loses little; a rung is never
// upscaled from a smaller one.
#pragma once

#include <memory>
#include <vector>

#include "core/media_types.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/av_handles.h"

struct SwsContext;

namespace vigil::pipeline {

struct CascadeRung {
  int width = 0;
  int height = 0;
  int frameRateNum = 30;
  int frameRateDen = 1;
};

class ScalerCascade {
 public:
  // Fails when a rung's frame rate does not divide the source's.
  static Result<std::unique_ptr<ScalerCascade>> create(std::vector<CascadeRung> rungs, AVRational sourceRate,
                                                       const Timeline& timeline);
  ~ScalerCascade();

  // One entry per rung (in the order given to create()): the rung's frame
  // (same pts as src), or null when the rung's lower rate skips this frame.
  Result<std::vector<av::FramePtr>> process(const AVFrame* src);

 private:
  struct SwsDeleter {
    void operator()(SwsContext* s) const;
  };
  ScalerCascade(std::vector<CascadeRung> rungs, AVRational sourceRate, const Timeline& timeline);

  std::vector<CascadeRung> rungs_;
  std::vector<int> decimation_;                               // keep every n-th source frame
  std::vector<size_t> largestFirst_;                          // rung indices by area, descending
  std::vector<std::unique_ptr<SwsContext, SwsDeleter>> sws_;  // per rung, cached by input geometry
  AVRational sourceRate_;
  const Timeline& timeline_;
};

}  // namespace vigil::pipeline
