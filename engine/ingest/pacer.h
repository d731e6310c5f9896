// The thread of a source and its wall-clock pacing: sleep until a frame's
// capture time on the channel timeline, and wake at once when stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace vigil::ingest {

class Pacer {
 public:
  ~Pacer() { stop(); }

  // Runs body on the source's thread; false if one is already running.
  bool start(std::function<void()> body) {
    if (thread_.joinable()) return false;
    {
      std::lock_guard lock(mutex_);
      stopping_ = false;
    }
    thread_ = std::thread(std::move(body));
    return true;
  }
  // Wakes a pacing sleep and joins the thread.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool running() const { return thread_.joinable(); }
  bool stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
  }
  // Sleeps until utcUs (system clock, UTC microseconds); false when stopped.
  bool waitUntilUtc(int64_t utcUs) {
    using namespace std::chrono;
    const auto deadline = system_clock::time_point(duration_cast<system_clock::duration>(microseconds(utcUs)));
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, deadline, [this] { return stopping_; });
    return !stopping_;
  }

 private:
  mutable std::mutex mutex_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // started and joined by the owner's thread only
};

}  // namespace vigil::ingest
