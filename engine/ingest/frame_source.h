// The seam between a source and a pipeline. A source delivers decoded frames
// whose pts are already on the channel timeline (90 kHz). The built-in test
// source is one; contribution inputs (SRT, RTMP) decode into the same seam.
#pragma once

#include "core/status.h"

struct AVFrame;

namespace vigil::ingest {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // frame->pts is channel-timeline time in 90 kHz ticks. The frame is only
  // valid during the call: av_frame_ref() it to keep it.
  virtual void onVideoFrame(const AVFrame* frame) = 0;
  virtual void onAudioFrame(const AVFrame* frame) = 0;
  // The source ended (file input) or failed; no frame follows.
  virtual void onEndOfStream() = 0;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Starts delivering frames to sink on the source's own thread.
  virtual Status start(FrameSink* sink) = 0;
  // Stops and joins the thread; no call to the sink follows its return.
  virtual void stop() = 0;
};

}  // namespace vigil::ingest
