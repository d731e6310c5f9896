// The bounded byte queue between a network thread (producer) and a demux
// thread (consumer) of one contribution input, in publisher sessions: a
// session starts when a publisher connects and ends when it goes, so the
// demuxer sees each publisher's stream from its start to a clean EOF.
//
// Policy: the producer never blocks (one network thread serves every
// channel). When the queue holds maxBytes, the oldest payload chunks are
// dropped and counted: for a live feed, fresh data is worth more than old,
// and whole chunks (whole SRT messages = whole TS packets; whole FLV tags)
// keep the demuxer in sync. Session markers are never dropped. The consumer blocks until data,
// the end of its session, or close().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vigil::ingest {

class SessionQueue {
 public:
  explicit SessionQueue(size_t maxBytes) : maxBytes_(maxBytes) {}

  // Producer side.
  void beginSession(int64_t atUs) { pushMarker(Chunk::Begin, atUs); }
  void endSession() { pushMarker(Chunk::End, 0); }
  void push(const uint8_t* data, size_t size) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      while (bytes_ + size > maxBytes_ && dropOldestPayload()) {
      }
      chunks_.push_back(Chunk{Chunk::Data, 0, std::vector<uint8_t>(data, data + size)});
      bytes_ += size;
    }
    ready_.notify_all();
  }

  // Consumer side. Waits for the next session start, skipping what is left
  // of earlier sessions; its timestamp, or nothing once closed.
  std::optional<int64_t> waitSession() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [this] { return closed_ || !chunks_.empty(); });
      if (closed_) return std::nullopt;
      Chunk c = std::move(chunks_.front());
      chunks_.pop_front();
      bytes_ -= c.bytes.size();
      offset_ = 0;
      if (c.kind == Chunk::Begin) return c.atUs;
    }
  }
  // Reads up to size bytes of the current session: > 0 bytes, 0 at its end
  // (the end marker stays, so every later read also returns 0), -1 once closed.
  int read(uint8_t* out, int size) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !chunks_.empty(); });
    if (closed_) return -1;
    Chunk& c = chunks_.front();
    if (c.kind != Chunk::Data) return 0;  // End (or a Begin: the producer lost the End)
    const size_t n = std::min(static_cast<size_t>(size), c.bytes.size() - offset_);
    std::memcpy(out, c.bytes.data() + offset_, n);
    offset_ += n;
    if (offset_ == c.bytes.size()) {
      bytes_ -= c.bytes.size();
      chunks_.pop_front();
      offset_ = 0;
    }
    return static_cast<int>(n);
  }

  // Either side: wakes the consumer for good; later pushes are ignored.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  void reopen() {
    std::lock_guard lock(mutex_);
    closed_ = false;
    chunks_.clear();
    bytes_ = offset_ = 0;
  }

  size_t bytesQueued() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  int64_t bytesDropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  struct Chunk {
    enum Kind { Begin, Data, End } kind;
    int64_t atUs;
    std::vector<uint8_t> bytes;
  };
  void pushMarker(Chunk::Kind kind, int64_t atUs) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      chunks_.push_back(Chunk{kind, atUs, {}});
    }
    ready_.notify_all();
  }
  // The oldest data chunk not being read; false when there is none.
  bool dropOldestPayload() {
    for (auto it = chunks_.begin(); it != chunks_.end(); ++it) {
      if (it->kind != Chunk::Data || (it == chunks_.begin() && offset_ > 0)) continue;
      bytes_ -= it->bytes.size();
      dropped_ += static_cast<int64_t>(it->bytes.size());
      chunks_.erase(it);
      return true;
    }
    return false;
  }

  const size_t maxBytes_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable ready_;
  std::deque<Chunk> chunks_;
  size_t bytes_ = 0;   // payload bytes in chunks_
  size_t offset_ = 0;  // read position in chunks_.front()
  int64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace vigil::ingest
