// One rendition of the ladder: a bounded frame queue, an encoder (libx264 or
// FFmpeg's native AAC) and a CMAF fragmenter, driven by one thread. Parts of a
// rendition are therefore emitted in order from that thread; renditions run
// in parallel, which is how a ladder keeps both cores busy.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/channel_spec.h"
#include "core/media_types.h"
#include "core/part_sink.h"
#include "core/status.h"
#include "core/timeline.h"
#include "pipeline/cmaf_fragmenter.h"
#include "pipeline/frame_queue.h"
#include "pipeline/output_check.h"
#include "pipeline/pipeline_stats.h"

namespace vigil::pipeline {

class RenditionWorker {
 public:
  // Opens the encoder and the muxer and emits the init segment to sink.
  static Result<std::unique_ptr<RenditionWorker>> openVideo(const std::string& channelId,
                                                            const VideoRenditionSpec& spec, const Timeline& timeline,
                                                            PartSink* sink, OverflowPolicy policy, size_t queueFrames,
                                                            std::chrono::microseconds burstWait);
  static Result<std::unique_ptr<RenditionWorker>> openAudio(const std::string& channelId,
                                                            const AudioRenditionSpec& spec, const Timeline& timeline,
                                                            PartSink* sink, OverflowPolicy policy, size_t queueFrames);
  ~RenditionWorker();
  RenditionWorker(const RenditionWorker&) = delete;
  RenditionWorker& operator=(const RenditionWorker&) = delete;

  void start();
  // Queues a frame (pts on the channel timeline, 90 kHz); false if dropped.
  bool push(av::FramePtr frame);
  // Closes the queue: the thread encodes what is queued, flushes the encoder,
  // emits the partial last part and ends. join() waits for that.
  void close();
  void join();

  // Called once, on the worker's thread, when encoding fails (the rendition
  // then stops producing). Set before start().
  void onError(std::function<void(const std::string&)> handler) { onError_ = std::move(handler); }
  // Video: an IDR at every part boundary, not only at segment boundaries. Before start().
  void setIdrEveryPart(bool on) { idrEveryPart_ = on; }
  // Decodes every packet the encoder emits again and reports, on each
  // segment's last part, what the decode showed (pipeline/output_check.h). Before start().
  Status checkOutput();
  // Test hook: the next encode fails as an encoder error would.
  void injectError() { injectError_ = true; }

  const std::string& id() const { return info_.id; }
  RenditionStats stats() const;

 private:
  RenditionWorker(const std::string& channelId, RenditionInfo info, const Timeline& timeline, PartSink* sink,
                  OverflowPolicy policy, size_t queueFrames, std::chrono::microseconds burstWait = {});
  Status openMuxer();
  void run();
  Status encode(AVFrame* frame);  // nullptr flushes the encoder
  void onPart(CmafPart part);

  const std::string channelId_;
  const std::string logContext_;  // "[ch=<id> r=<rendition>]"
  RenditionInfo info_;
  const Timeline& timeline_;
  PartSink* const sink_;
  FrameQueue queue_;

  // Owned by the worker thread once start() has run.
  av::CodecContextPtr encoder_;
  av::PacketPtr packet_;
  CmafFragmenter fragmenter_;
  std::unique_ptr<OutputCheck> check_;
  uint64_t droppedReported_ = 0;     // queue drops already told on a segment's last part
  int64_t frameDuration90k_ = 0;     // video: one frame at the rung's rate
  bool finishing_ = false;           // the flush at the end: its last part is partial by design
  int64_t lastIdrUnit_ = INT64_MIN;  // video: the segment (or part) whose IDR has been forced
  bool idrEveryPart_ = false;
  int64_t firstAudioPts_ = AV_NOPTS_VALUE;  // audio, in 1/sampleRate
  std::thread thread_;

  // Counters read by stats() from any thread.
  std::function<void(const std::string&)> onError_;
  std::atomic<bool> injectError_{false};
  std::atomic<uint64_t> framesIn_{0};
  std::atomic<uint64_t> framesOut_{0};
  std::atomic<uint64_t> bytesOut_{0};
  std::atomic<uint64_t> partsOut_{0};
  std::atomic<int64_t> encodeNs_{0};
  std::atomic<int64_t> lastPartLatencyUs_{0};
};

}  // namespace vigil::pipeline
