// One pipeline in its own worker process (DESIGN.md contract 6), seen from the
// engine: it spawns the worker (the vigil-pipeline executable), streams the
// channel's decoded frames to it and hands the CMAF objects it returns to a
// PartSink, and supervises it: a worker that dies, reports a fatal error, or
// hangs (no message for hangMs, or no part while frames flow) is killed and
// restarted with exponential backoff. Workers never outlive the engine: each
// is spawned by this object's supervisor thread with PR_SET_PDEATHSIG, and also
// exits when its socket closes.
//
// send() never blocks the caller (the input switch's thread): frames queue up
// to a byte budget and are dropped past it (counted), so a stopped worker
// costs the other pipeline nothing.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/part_sink.h"
#include "core/status.h"
#include "ingest/frame_source.h"

namespace vigil::pipeline {

struct PipelineProcessOptions {
  std::string workerPath;        // the vigil-pipeline executable
  int hangMs = 3000;             // silent (or producing no part while fed) this long: hung
  int backoffInitialMs = 250;    // first restart delay, doubled per quick death
  int backoffMaxMs = 8000;       //
  int stableAfterMs = 30000;     // up this long: the next death restarts at the initial delay
  size_t queueBytes = 64 << 20;  // frames waiting for the worker, at most
  // Told of every state change after the sink (supervisor thread; must not block).
  std::function<void(int index, PipelineState state, const std::string& why)> onState;
};

struct PipelineProcessStatus {
  int index = 0;
  PipelineState state = PipelineState::Down;
  pid_t pid = 0;
  int64_t restarts = 0;
  std::string lastExit;      // why the previous worker ended
  int64_t upSinceUtcUs = 0;  // 0 when not up
  uint64_t framesSent = 0;
  uint64_t framesDropped = 0;  // queue full or no worker
  uint64_t partsReceived = 0;
  size_t queuedBytes = 0;
};

class PipelineProcess {
 public:
  // hello: the wire Hello message (channel spec, timeline, index); sink gets
  // every Init and Part the worker sends, and the state changes.
  PipelineProcess(std::string channelId, int index, std::string hello, PartSink* sink, PipelineProcessOptions options);
  ~PipelineProcess();  // stop()
  PipelineProcess(const PipelineProcess&) = delete;
  PipelineProcess& operator=(const PipelineProcess&) = delete;

  // Starts the supervisor, which spawns the first worker.
  Status start();
  // Ends the stream (the worker flushes its last parts, given up to 3 s),
  // then stops supervising; no worker is left running.
  void stop();
  // The first half of stop(), so several pipelines flush at once.
  void requestStop();

  // A wire Video/Audio message (shared: the same bytes go to every pipeline).
  void send(std::shared_ptr<const std::string> frameMessage);

  // Operator / test actions. signal(): SIGKILL, SIGSTOP, SIGCONT... to the
  // current worker; restart(): kill it and spawn a new one at once.
  Status signal(int sig);
  Status restart(const std::string& why);
  Status injectFault(const std::string& kind);

  PipelineProcessStatus status() const;
  int index() const { return index_; }

 private:
  void supervise();
  bool runWorker(pid_t pid, int fd);  // false: stop requested
  void writerLoop(int fd);
  void setState(PipelineState state, const std::string& why);

  const std::string channelId_;
  const int index_;
  const std::string hello_;
  PartSink* const sink_;
  const PipelineProcessOptions options_;
  const std::string logContext_;

  mutable std::mutex mu_;  // guards everything below but the atomics
  std::condition_variable cv_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queuedBytes_ = 0;
  int fd_ = -1;  // the engine's end of the current worker's socket
  pid_t pid_ = 0;
  bool stopping_ = false;
  bool restartNow_ = false;
  PipelineState state_ = PipelineState::Down;
  std::string lastExit_;   // how the previous worker ended
  std::string endReason_;  // why the current one is being ended (empty: it ended by itself)
  int64_t restarts_ = 0;
  int64_t upSinceUtcUs_ = 0;
  std::thread supervisor_;

  std::atomic<uint64_t> framesSent_{0};
  std::atomic<uint64_t> framesDropped_{0};
  std::atomic<uint64_t> partsReceived_{0};
  std::atomic<int64_t> lastMessageUs_{0};  // steady clock
  std::atomic<int64_t> lastPartUs_{0};
  std::atomic<int64_t> lastFrameUs_{0};
  std::atomic<int64_t> feedingSinceUs_{0};  // first frame after a pause of more than a second
};

// Fans a channel's decoded frames out to its pipelines: each frame is
// serialised once and the same bytes queue for every worker.
class PipelineFanout final : public ingest::FrameSink {
 public:
  explicit PipelineFanout(std::vector<PipelineProcess*> targets) : targets_(std::move(targets)) {}
  void onVideoFrame(const AVFrame* frame) override;
  void onAudioFrame(const AVFrame* frame) override;
  void onEndOfStream() override {}  // the runtime stops the pipelines, which flush

 private:
  std::vector<PipelineProcess*> targets_;
};

// Where the worker executable is: $VIGIL_PIPELINE_WORKER, else beside the
// running executable, else the build tree's, else the installed one.
std::string findWorkerExecutable();

}  // namespace vigil::pipeline
