// The packager's choice between a channel's redundant pipelines (DESIGN.md
// contract 6). Every pipeline sends its CMAF parts here (input(p)); for each
// rendition the selector publishes each part once, in timeline order, from
// one pipeline, to the packager:
//   - from the rendition's current pipeline (normally the preferred one) as
//     soon as its part arrives;
//   - from another pipeline when the current one is down, or lags: the other
//     delivered the part lagMs ago and the current one still has not. The
//     rendition then stays on the other pipeline;
//   - back to the preferred pipeline only at a segment boundary (an IDR in
//     every pipeline), and only once it is steady;
//   - from the last resort (the emergency slate) only while no pipeline
//     delivers, back to the programme at a segment boundary.
// Audio parts of different sources may start up to a quarter part apart
// (AAC frames do not fall on part boundaries); video starts match exactly.
// A pipeline whose segments score clearly worse (bitrate out of bounds, parts
// late behind the other's, decode errors, dropped frames, black, frozen or
// silent output where the other's is not, contract 2 broken) gives the air to
// a better one at a segment boundary.
// A pipeline that restarted is not steady until steadySegments complete
// segments in every video rendition stay within spikeBound x max(target,
// the same segment from a steady pipeline): an encoder starting cold must not
// reach viewers with a bitrate spike. It is still taken when no steady
// pipeline is alive (a spike beats a stall).
// Parts arrive on the pipelines' reader threads; a 20 ms tick judges lags.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/part_sink.h"
#include "core/status.h"
#include "core/timeline.h"

namespace vigil::package {

struct PipelineSelectorOptions {
  int pipelines = 2;
  int preferred = 0;
  int lagMs = 250;
  int steadySegments = 2;   // 0: a restarted pipeline is taken at once (no spike guard)
  double spikeBound = 1.1;  // segment bitrate / max(target, steady peer)
  // The index of the last-resort input (the emergency slate), -1: none. Its
  // parts go out only while no pipeline delivers; the programme comes back
  // from it at a segment boundary. Never judged for steadiness, never a peer.
  int lastResort = -1;
  // The last resort goes on air when no pipeline delivered a part this long
  // after its end (wall clock), or at once when none is alive. Larger than
  // lagMs: two slow pipelines must not flash the slate.
  int lastResortLagMs = 750;
  // Called (outside the selector's lock) when the last resort is needed but
  // not running: start it with video parts from videoFrom90k on and audio
  // from audioFrom90k (on the audio's own sample grid; -1: not known).
  std::function<void(int64_t videoFrom90k, int64_t audioFrom90k)> wakeLastResort;
};

struct PipelineSwitchEvent {
  int64_t utcUs = 0;
  int from = -1;
  int to = -1;
  std::string reason;     // "pipeline 0 down: ...", "pipeline 0 lags", "return to preferred", ...
  std::string rendition;  // the first rendition that switched
  int64_t atSegment = 0;  // where (segment.part of that rendition)
  int atPart = 0;
};

// One video rendition of a pipeline against contract 2.
struct SelectorRenditionStatus {
  std::string id;
  uint64_t keyframeViolations = 0;
};

struct SelectorPipelineStatus {
  int index = 0;
  PipelineState state = PipelineState::Down;
  bool steady = false;  // eligible for the manifest (no restart spike)
  bool onAir = false;   // the first video rendition is published from it
  uint64_t partsReceived = 0;
  uint64_t partsPublished = 0;
  int64_t restarts = 0;         // Starting after having been up
  double lastSegmentRatio = 0;  // newest complete segment: bytes / max(target, steady peer)
  // Contract 2: video parts 0 that did not start with an IDR at the segment boundary.
  uint64_t keyframeViolations = 0;
  std::vector<SelectorRenditionStatus> renditions;  // the same per video rendition, ladder order
  bool lastResort = false;                          // the emergency slate, not a pipeline
  // 0-100: its newest complete segment as the packager sees it (bitrate
  // against max(target, the steady peer's), lateness behind the first copy of
  // each part, contract 2) and as the pipeline's decode of its output saw it
  // (decode errors, dropped frames, black, frozen, silent), the worst
  // rendition's. A pipeline scoring 25 more takes the air at the next segment
  // boundary.
  double qualityScore = 100;
  std::string qualityNote;  // what took points off, for the operator ("v0: black 100%"); empty at 100
};

struct PipelineSelectorStatus {
  int preferred = 0;
  int onAir = -1;  // pipeline of the first video rendition's newest part
  uint64_t switches = 0;
  uint64_t gapParts = 0;  // parts published after a hole no pipeline could fill (beyond the audio grid tolerance)
  std::vector<SelectorPipelineStatus> pipelines;
};

class PipelineSelector {
 public:
  struct Rendition {
    std::string id;
    bool video = true;
    int64_t targetBps = 0;
  };
  // downstream (the packager) must outlive the selector.
  PipelineSelector(std::string channelId, const Timeline& timeline, PartSink* downstream,
                   std::vector<Rendition> renditions, PipelineSelectorOptions options);
  ~PipelineSelector();
  PipelineSelector(const PipelineSelector&) = delete;
  PipelineSelector& operator=(const PipelineSelector&) = delete;

  // The sink pipeline p sends to (also told of p's state changes).
  PartSink* input(int pipeline);
  // Starts / stops the tick thread.
  void start();
  void stop();

  // Operator: return to pipeline p at the next segment boundary (when steady).
  Status prefer(int pipeline);
  // Called outside the selector's lock, on a pipeline or tick thread.
  void onSwitch(std::function<void(const PipelineSwitchEvent&)> handler);
  PipelineSelectorStatus status() const;

  // Judges lags now (the tick thread calls it; tests may too).
  void tick();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::package
