// A named, bounded queue of decoded frames between the pipeline's feeding
// thread (the source's) and one encoder thread. It reports its depth and what
// it dropped, so an overloaded rendition is visible in the stats and the log
// instead of silently growing memory or stalling the other rungs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "ingest/av_handles.h"

namespace vigil::pipeline {

enum class OverflowPolicy {
  // Live input: a full queue drops the incoming frame. The encoder still puts
  // its IDR on the first frame at or after each segment boundary that it does
  // get, and the dropped frame is counted (the packager's keyframe check sees
  // any misalignment this causes under sustained overload).
  DropNewest,
  // File or as-fast-as-possible input: a full queue blocks the producer
  // (backpressure), so nothing is ever dropped.
  Block,
};

class FrameQueue {
 public:
  // burstWait (DropNewest): how long a push into a full queue waits for room
  // before the frame is dropped.
  FrameQueue(std::string name, size_t capacity, OverflowPolicy policy,
             std::chrono::microseconds burstWait = std::chrono::microseconds{0})
      : name_(std::move(name)), capacity_(capacity), policy_(policy), burstWait_(burstWait) {}

  const std::string& name() const { return name_; }
  size_t capacity() const { return capacity_; }

  // false when the frame was dropped (full, DropNewest) or the queue is closed.
  bool push(av::FramePtr frame) {
    std::unique_lock lock(mutex_);
    const auto room = [this] { return closed_ || items_.size() < capacity_; };
    if (policy_ == OverflowPolicy::Block)
      notFull_.wait(lock, room);
    else if (burstWait_.count() > 0)
      notFull_.wait_for(lock, burstWait_, room);
    if (closed_) return false;
    if (items_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    items_.push_back(std::move(frame));
    notEmpty_.notify_one();
    return true;
  }

  // Blocks for the next frame; nullopt once the queue is closed and drained.
  std::optional<av::FramePtr> pop() {
    std::unique_lock lock(mutex_);
    notEmpty_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    av::FramePtr f = std::move(items_.front());
    items_.pop_front();
    notFull_.notify_one();
    return f;
  }

  // No more pushes; pop() drains what is queued, then returns nullopt.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    notEmpty_.notify_all();
    notFull_.notify_all();
  }

  size_t depth() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  const std::string name_;
  const size_t capacity_;
  const OverflowPolicy policy_;
  const std::chrono::microseconds burstWait_;
  mutable std::mutex mutex_;  // guards items_, closed_, dropped_
  std::condition_variable notEmpty_;
  std::condition_variable notFull_;
  std::deque<av::FramePtr> items_;
  bool closed_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace vigil::pipeline
