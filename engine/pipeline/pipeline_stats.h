// What a pipeline reports about each rendition (thread-safe snapshot).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/media_types.h"

namespace vigil::pipeline {

struct RenditionStats {
  std::string id;
  TrackKind kind = TrackKind::Video;
  uint64_t framesIn = 0;       // frames accepted into the queue
  uint64_t framesOut = 0;      // encoded packets written to the fragmenter
  uint64_t droppedFrames = 0;  // refused by the full queue (DropNewest)
  uint64_t bytesOut = 0;       // CMAF part bytes emitted
  uint64_t partsOut = 0;
  size_t queueDepth = 0;
  size_t queueCapacity = 0;
  std::string queueName;
  // Frames encoded per second of time spent inside the encoder: the capacity
  // of this rendition's encoder, independent of how fast the input arrives.
  double encodeFps = 0;
  // Wall clock at emission minus the capture time of the end of the newest
  // part (Timeline::utcUsAt): the pipeline's share of glass-to-glass latency.
  // Negative when the input runs ahead of real time.
  int64_t lastPartLatencyUs = 0;
};

}  // namespace vigil::pipeline
