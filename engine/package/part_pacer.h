// Spaces the publication of each rendition's parts: a part goes downstream no
// sooner than half its predecessor's duration after it, so a rendition's
// playlist advances at most at twice real time.
//
// Why: a contribution feed's audio comes in bursts (an MPEG-TS encoder packs
// several AAC frames into one PES; ffmpeg's muxer about 300 ms of them), so
// two audio parts used to be published ~10 ms apart. When such a pair closes
// a segment, a player loading the first part while the playlist that adds the
// second (and completes the segment) arrives can lose track of the second:
// hls.js 1.7 then never loads it and its audio buffer runs dry (a 3 s stall,
// seen in the input-failover tests). Parts published at a steady cadence give
// a player time to finish one part before the next appears. Steady output
// (one part per part duration) passes straight through; only bursts wait, at
// most half a part each.
//
// Order is kept per rendition (an init segment waits behind the parts queued
// before it); renditions do not wait for each other.
#pragma once

#include <memory>

#include "core/part_sink.h"

namespace vigil::package {

class PartPacer final : public PartSink {
 public:
  // downstream must outlive the pacer.
  explicit PartPacer(PartSink* downstream);
  ~PartPacer() override;  // releases what is still queued, then stops
  PartPacer(const PartPacer&) = delete;
  PartPacer& operator=(const PartPacer&) = delete;

  void onInit(CmafInit init) override;
  void onPart(CmafPart part) override;
  void onPipelineState(PipelineState state, const std::string& why) override;

  // Parts that had to wait, and the longest wait (for /metrics and tests).
  struct Stats {
    uint64_t partsHeld = 0;
    int64_t longestHoldUs = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::package
