#include "pipeline/pipeline_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/log.h"
#include "pipeline/worker_protocol.h"

namespace vigil::pipeline {
namespace {

int64_t steadyUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string describeExit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return std::string("killed by SIG") + (name ? name : std::to_string(WTERMSIG(status)).c_str());
  }
  return "ended (status " + std::to_string(status) + ")";
}

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

}  // namespace

std::string findWorkerExecutable() {
  if (const char* env = std::getenv("VIGIL_PIPELINE_WORKER"); env && executable(env)) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = (self.parent_path() / "vigil-pipeline").string();
    if (executable(beside)) return beside;
  }
#ifdef VIGIL_PIPELINE_WORKER_BUILD
  if (executable(VIGIL_PIPELINE_WORKER_BUILD)) return VIGIL_PIPELINE_WORKER_BUILD;
#endif
#ifdef VIGIL_PIPELINE_WORKER_INSTALL
  if (executable(VIGIL_PIPELINE_WORKER_INSTALL)) return VIGIL_PIPELINE_WORKER_INSTALL;
#endif
  return {};
}

void PipelineFanout::onVideoFrame(const AVFrame* frame) {
  auto m = std::make_shared<const std::string>(wire::encodeFrame(wire::Type::Video, frame));
  for (auto* t : targets_) t->send(m);
}

void PipelineFanout::onAudioFrame(const AVFrame* frame) {
  auto m = std::make_shared<const std::string>(wire::encodeFrame(wire::Type::Audio, frame));
  for (auto* t : targets_) t->send(m);
}

PipelineProcess::PipelineProcess(std::string channelId, int index, std::string hello, PartSink* sink,
                                 PipelineProcessOptions options)
    : channelId_(std::move(channelId)),
      index_(index),
      hello_(std::move(hello)),
      sink_(sink),
      options_(std::move(options)),
      logContext_("[ch=" + channelId_ + " p=" + std::to_string(index) + "]") {}

PipelineProcess::~PipelineProcess() { stop(); }

Status PipelineProcess::start() {
  if (!executable(options_.workerPath))
    return Status::error("pipeline worker executable not found ('" + options_.workerPath +
                         "'); set VIGIL_PIPELINE_WORKER");
  std::lock_guard lock(mu_);
  if (supervisor_.joinable()) return Status::error("pipeline " + std::to_string(index_) + " already started");
  stopping_ = false;
  supervisor_ = std::thread([this] { supervise(); });
  return Status::ok();
}

void PipelineProcess::stop() {
  requestStop();
  if (supervisor_.joinable()) supervisor_.join();
}

void PipelineProcess::requestStop() {
  {
    std::lock_guard lock(mu_);
    if (!supervisor_.joinable()) return;
    if (!stopping_) {
      stopping_ = true;
      // The end of the stream goes after the frames already queued; the
      // supervisor gives the worker flushMs to emit its last parts.
      auto eos = std::make_shared<const std::string>(wire::encode(wire::Type::EndOfStream, nlohmann::json::object()));
      queue_.push_back(std::move(eos));
    }
  }
  cv_.notify_all();
}

void PipelineProcess::send(std::shared_ptr<const std::string> message) {
  const int64_t now = steadyUs();
  if (now - lastFrameUs_.exchange(now) > 1'000'000) feedingSinceUs_ = now;
  {
    std::lock_guard lock(mu_);
    if (fd_ < 0 || stopping_ || queuedBytes_ + message->size() > options_.queueBytes) {
      ++framesDropped_;
      return;
    }
    queuedBytes_ += message->size();
    queue_.push_back(std::move(message));
  }
  cv_.notify_all();
}

Status PipelineProcess::signal(int sig) {
  std::lock_guard lock(mu_);
  if (pid_ <= 0) return Status::error("pipeline " + std::to_string(index_) + " has no running worker");
  if (::kill(pid_, sig) != 0) return Status::error(std::string("kill: ") + std::strerror(errno));
  log::get("pipeline")->warn("{} worker {} sent signal {}", logContext_, pid_, sig);
  return Status::ok();
}

Status PipelineProcess::restart(const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (!supervisor_.joinable() || stopping_)
      return Status::error("pipeline " + std::to_string(index_) + " is stopped");
    restartNow_ = true;
    endReason_ = "restarted: " + why;
  }
  cv_.notify_all();
  return Status::ok();
}

Status PipelineProcess::injectFault(const std::string& kind) {
  if (kind != "encoder-error") return Status::error("unknown fault '" + kind + "' (known: encoder-error)");
  {
    std::lock_guard lock(mu_);
    if (fd_ < 0) return Status::error("pipeline " + std::to_string(index_) + " has no running worker");
    auto m = std::make_shared<const std::string>(wire::encode(wire::Type::Fault, {{"kind", kind}}));
    queuedBytes_ += m->size();
    queue_.push_back(std::move(m));
  }
  cv_.notify_all();
  return Status::ok();
}

PipelineProcessStatus PipelineProcess::status() const {
  PipelineProcessStatus s;
  s.index = index_;
  s.framesSent = framesSent_;
  s.framesDropped = framesDropped_;
  s.partsReceived = partsReceived_;
  std::lock_guard lock(mu_);
  s.state = state_;
  s.pid = pid_;
  s.restarts = restarts_;
  s.lastExit = lastExit_;
  s.upSinceUtcUs = upSinceUtcUs_;
  s.queuedBytes = queuedBytes_;
  return s;
}

void PipelineProcess::setState(PipelineState state, const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (state_ == state) return;
    state_ = state;
    upSinceUtcUs_ = state == PipelineState::Up ? nowUtcUs() : 0;
  }
  auto logger = log::get("pipeline");
  bool stopping = false;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
  }
  if (state == PipelineState::Down && stopping)
    logger->info("{} worker stopped: {}", logContext_, why);
  else if (state == PipelineState::Down)
    logger->warn("{} worker down: {}", logContext_, why);
  else
    logger->info("{} worker {}{}{}", logContext_, stateName(state), why.empty() ? "" : ": ", why);
  sink_->onPipelineState(state, why);
  if (options_.onState) options_.onState(index_, state, why);
}

void PipelineProcess::supervise() {
  auto logger = log::get("pipeline");
  int backoffMs = options_.backoffInitialMs;
  // Prepared before fork(): the child may only call async-signal-safe functions.
  const std::string indexArg = std::to_string(index_);
  const std::string path = options_.workerPath;
  const char* argv[] = {path.c_str(),       "--fd", "3", "--index", indexArg.c_str(), "--channel",
                        channelId_.c_str(), nullptr};
  const pid_t parent = ::getpid();
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      restartNow_ = false;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      logger->error("{} socketpair: {}", logContext_, std::strerror(errno));
      break;
    }
    const int sndbuf = 4 << 20;
    (void)::setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    setState(PipelineState::Starting, "");
    const pid_t pid = ::fork();
    if (pid == 0) {
      // The worker dies with the thread that spawned it (this supervisor),
      // hence with the engine, even on kill -9.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      ::dup2(sv[1], 3);
      ::close_range(4, ~0U, 0);
      ::execv(argv[0], const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::close(sv[1]);
    if (pid < 0) {
      logger->error("{} fork: {}", logContext_, std::strerror(errno));
      ::close(sv[0]);
      break;
    }
    const int64_t spawnedUs = steadyUs();
    bool keep = true;
    if (Status s = wire::sendAll(sv[0], hello_); !s) {
      std::lock_guard lock(mu_);
      endReason_ = "hello: " + s.message();
    } else {
      keep = runWorker(pid, sv[0]);
    }
    ::kill(pid, SIGKILL);  // no-op when it already exited (it is not reaped yet)
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string why;
    {
      std::lock_guard lock(mu_);
      ::close(fd_);
      fd_ = -1;
      pid_ = 0;
      queue_.clear();
      queuedBytes_ = 0;
      lastExit_ = endReason_.empty() ? describeExit(status) : endReason_ + " (" + describeExit(status) + ")";
      endReason_.clear();
      why = lastExit_;
      keep = keep && !stopping_;
      if (keep) ++restarts_;
    }
    setState(PipelineState::Down, why);
    if (!keep) break;
    if (steadyUs() - spawnedUs >= int64_t{options_.stableAfterMs} * 1000) backoffMs = options_.backoffInitialMs;
    std::unique_lock lock(mu_);
    if (!restartNow_) {
      logger->info("{} restarting the worker in {} ms", logContext_, backoffMs);
      cv_.wait_for(lock, std::chrono::milliseconds(backoffMs), [this] { return stopping_ || restartNow_; });
      backoffMs = std::min(backoffMs * 2, options_.backoffMaxMs);
    }
  }
  std::lock_guard lock(mu_);
  state_ = PipelineState::Down;
}

bool PipelineProcess::runWorker(pid_t pid, int fd) {
  auto logger = log::get("pipeline");
  const int64_t spawnedUs = steadyUs();
  lastMessageUs_ = spawnedUs;
  lastPartUs_ = 0;
  int64_t stopRequestedUs = 0;
  {
    std::lock_guard lock(mu_);
    fd_ = fd;
    pid_ = pid;
  }
  // The reader wakes every 100 ms to judge the worker.
  timeval tv{0, 100'000};
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bool writerStop = false;
  std::thread writer([this, fd, &writerStop] {
    for (;;) {
      std::shared_ptr<const std::string> m;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return writerStop || !queue_.empty(); });
        if (writerStop) return;
        m = std::move(queue_.front());
        queue_.pop_front();
        queuedBytes_ -= std::min(queuedBytes_, m->size());
      }
      if (!wire::sendAll(fd, *m)) return;  // the worker is gone: the reader sees it
      ++framesSent_;
    }
  });

  std::string ended;  // why the reader gave up; empty: stop or restart requested
  const int64_t hangUs = int64_t{options_.hangMs} * 1000;
  wire::Reader reader(fd, [&] {
    const int64_t now = steadyUs();
    std::lock_guard lock(mu_);
    if (restartNow_) return false;
    if (stopping_) {
      if (!stopRequestedUs) stopRequestedUs = now;
      return now - stopRequestedUs < 3'000'000;  // the worker flushes, then closes
    }
    if (now - lastMessageUs_ > hangUs) {
      ended = "hung: no message for " + std::to_string((now - lastMessageUs_) / 1000) + " ms";
      return false;
    }
    // Fed (frames flowing for a while) but producing nothing: counted from
    // the last part, the spawn, or the moment frames began, whichever is last.
    const int64_t since = std::max({lastPartUs_.load(), spawnedUs, feedingSinceUs_.load()});
    if (now - lastFrameUs_ < 1'000'000 && now - since > hangUs) {
      ended = "hung: fed but no part for " + std::to_string((now - since) / 1000) + " ms";
      return false;
    }
    return true;
  });
  bool first = true;
  for (;;) {
    auto m = reader.next();
    if (!m) {
      if (ended.empty() && m.message() != "timeout") ended = wire::isEof(m.status()) ? "" : m.message();
      break;
    }
    lastMessageUs_ = steadyUs();
    switch (m->type) {
      case wire::Type::Init:
        if (auto init = wire::decodeInit(*m)) sink_->onInit(std::move(*init));
        break;
      case wire::Type::Part:
        if (auto part = wire::decodePart(*m)) {
          lastPartUs_ = lastMessageUs_.load();
          ++partsReceived_;
          if (first) {
            first = false;
            setState(PipelineState::Up, "first part after " + std::to_string((steadyUs() - spawnedUs) / 1000) + " ms");
          }
          sink_->onPart(std::move(*part));
        }
        break;
      case wire::Type::Error:
        ended = "error: " + nlohmann::json::parse(m->meta, nullptr, false).value("message", std::string("?"));
        break;
      default:
        break;  // Stats: the heartbeat (lastMessageUs_)
    }
    if (m->type == wire::Type::Error) break;
  }
  {
    std::lock_guard lock(mu_);
    writerStop = true;
    if (!ended.empty()) endReason_ = ended;
  }
  cv_.notify_all();
  ::shutdown(fd, SHUT_RDWR);  // unblocks a writer stuck on a stopped worker
  writer.join();
  if (!ended.empty()) logger->warn("{} worker {}: {}", logContext_, pid, ended);
  std::lock_guard lock(mu_);
  return !stopping_;
}

}  // namespace vigil::pipeline
