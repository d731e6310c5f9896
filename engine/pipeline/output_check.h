// A rendition's decode of its own output. Every packet its encoder emits is
// decoded again, as a player would, and measured: packets the decoder refuses
// or flags corrupt, black and frozen pictures, silent audio. The counts of one
// segment travel on its last part to the packager, which scores each
// pipeline's segments on them (package/pipeline_selector.h): a pipeline whose
// output is broken or black while the other's is not loses the air.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "core/media_types.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/av_handles.h"
#include "ingest/frame_analysis.h"

namespace vigil::pipeline {

class OutputCheck {
 public:
  // A decoder for what encoder (open, with its extradata) emits.
  static Result<std::unique_ptr<OutputCheck>> open(const AVCodecContext* encoder, const Timeline& timeline);
  ~OutputCheck();
  OutputCheck(const OutputCheck&) = delete;
  OutputCheck& operator=(const OutputCheck&) = delete;

  // Decodes pkt (timestamps in the encoder's time base) and counts what it
  // shows toward the segment pkt starts in. Never fails: a refusal is a count.
  void check(const AVPacket* pkt);
  // The counts of segment (and of any earlier one not taken), then forgets them.
  vigil::OutputCheck take(int64_t segment);

 private:
  OutputCheck(const Timeline& timeline, AVRational timeBase);
  void measure(const AVFrame* frame, vigil::OutputCheck& counts);

  const Timeline& timeline_;
  const AVRational timeBase_;
  av::CodecContextPtr decoder_;
  av::FramePtr frame_;
  std::map<int64_t, vigil::OutputCheck> segments_;  // by segment number; a few at most
  ingest::PictureSignature previous_;
};

}  // namespace vigil::pipeline
