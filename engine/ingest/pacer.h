// Wall-clock pacing shared by the sources: sleep until a frame's capture time
// on the channel timeline, and wake at once when the source is stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace vigil::ingest {

class Pacer {
 public:
  void reset() {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  void requestStop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
  }
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
};

}  // namespace vigil::ingest
