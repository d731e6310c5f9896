// A pipeline turns a channel's decoded frames into CMAF parts for the whole
// ladder: scaler cascade -> one libx264 encoder per video rendition and one
// AAC encoder -> one CMAF fragmenter per rendition -> PartSink. It is a
// FrameSink: a source (TestSource, FileSource, a decoded contribution input)
// drives it from the source's thread, which does the scaling; each rendition
// encodes on its own thread.
//
// Input contract: video frame pts on the channel timeline (90 kHz) at the
// rate of spec.source (frameRateNum/Den), any size and pixel format (the
// scaler converts); audio frames fltp at spec.audio's sample rate and channel
// count, one AAC frame (1024 samples) each.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "core/part_sink.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/frame_source.h"
#include "pipeline/frame_queue.h"
#include "pipeline/pipeline_stats.h"

namespace vigil::pipeline {

class RenditionWorker;
class ScalerCascade;

struct PipelineOptions {
  enum class Overflow {
    Auto,        // Block when spec.source.realtime is false (as fast as possible), else DropNewest
    DropNewest,  // live: an overloaded encoder loses frames, the others carry on
    Block,       // offline/benchmarks: backpressure on the source
  };
  Overflow overflow = Overflow::Auto;
  size_t queueFrames = 30;  // per video rendition; ~1 s at 30 fps
  // Audio frames are small and the AAC encoder runs ~100x real time: its
  // queue fills only while a starved or stopped worker catches up, and a
  // dropped audio frame is a hole every player stalls on. ~5 s at 48 kHz.
  size_t audioQueueFrames = 240;
  // DropNewest: a full video queue gives its encoder one frame time to make
  // room before the frame is dropped. A burst (catching up after a stall)
  // then waits on the encoders instead of losing frames (a frame lost at a
  // part boundary is a hole players stall on, seen here under CPU
  // starvation), while an encoder that cannot keep up still loses frames,
  // delaying the feeding thread by at most a frame time per frame.
  bool waitAFrameWhenFull = true;
  // Every part starts with an IDR (INDEPENDENT=YES): a stream that may go on
  // air at any part boundary (the emergency slate). Costs bits; a still
  // picture's IDRs are small.
  bool idrEveryPart = false;
  // Renditions that decode their own output and report what it shows on
  // each segment's last part (pipeline/output_check.h):
  //   Lowest: the smallest video rendition and the audio. Black, frozen and
  //     silent come from the source and the scaler, the same on every rung;
  //     a full-ladder decode costs a third more CPU than the encodes
  //     (bench/RESULTS.md), the smallest rung about a tenth of that.
  //   All: every rendition (a rung's own decode errors too).
  //   Off: none (the still slate, frozen by design).
  enum class Check { Off, Lowest, All };
  Check checkOutput = Check::Lowest;
};

class Pipeline final : public ingest::FrameSink {
 public:
  // timeline must outlive the pipeline; sink too, and it must be thread-safe
  // (renditions call it concurrently; one rendition's parts arrive in order).
  Pipeline(std::string channelId, const ChannelSpec& spec, const Timeline& timeline, PartSink* sink,
           PipelineOptions options = {});
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Opens every encoder and muxer, emits the init segments, starts the threads.
  Status start();
  // Flushes: queued frames are encoded and every rendition's partial last
  // part is emitted. Stop the source first: no frame may arrive during stop().
  void stop();

  std::vector<RenditionStats> stats() const;

  // Called (on a rendition's thread) when a rendition's encoder fails; that
  // rendition stops producing. Set before start().
  void onError(std::function<void(const std::string&)> handler) { onError_ = std::move(handler); }
  // Test hook: the first video rendition's next encode fails.
  void injectEncoderError();

  // ingest::FrameSink (called from the source's thread).
  void onVideoFrame(const AVFrame* frame) override;
  void onAudioFrame(const AVFrame* frame) override;
  void onEndOfStream() override;

 private:
  const std::string channelId_;
  const ChannelSpec spec_;
  const Timeline& timeline_;
  PartSink* const sink_;
  const PipelineOptions options_;

  // Built by start(); read-only afterwards except through their own locking,
  // so stats() may run concurrently with the source thread.
  std::vector<std::unique_ptr<RenditionWorker>> video_;  // spec order
  std::unique_ptr<RenditionWorker> audio_;
  std::function<void(const std::string&)> onError_;
  std::unique_ptr<ScalerCascade> scaler_;  // used only from the source's thread
  // Serialises start/stop/end-of-stream and guards the worker list against
  // stats() during start(); the frame path reads only the flags below.
  mutable std::mutex lifecycleMutex_;
  std::atomic<bool> started_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace vigil::pipeline
