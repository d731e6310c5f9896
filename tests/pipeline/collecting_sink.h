// Test helpers: a PartSink that keeps everything it is given, a reader for
// the tfdt box of a CMAF chunk, and a FrameSink tee that notices the end.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/part_sink.h"
#include "ingest/frame_source.h"

namespace vigil::testing {

class CollectingPartSink : public PartSink {
 public:
  void onInit(CmafInit init) override {
    std::lock_guard lock(mutex_);
    inits_[init.rendition.id] = init;
  }
  void onPart(CmafPart part) override {
    std::lock_guard lock(mutex_);
    if (!inits_.count(part.renditionId)) partBeforeInit_ = true;
    parts_[part.renditionId].push_back(part);
  }
  std::map<std::string, CmafInit> inits() const {
    std::lock_guard lock(mutex_);
    return inits_;
  }
  std::map<std::string, std::vector<CmafPart>> parts() const {
    std::lock_guard lock(mutex_);
    return parts_;
  }
  bool partBeforeInit() const {
    std::lock_guard lock(mutex_);
    return partBeforeInit_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, CmafInit> inits_;
  std::map<std::string, std::vector<CmafPart>> parts_;
  bool partBeforeInit_ = false;
};

// Forwards frames to a sink and records that the source ended.
class EndWatch : public ingest::FrameSink {
 public:
  explicit EndWatch(ingest::FrameSink* next) : next_(next) {}
  void onVideoFrame(const AVFrame* f) override { next_->onVideoFrame(f); }
  void onAudioFrame(const AVFrame* f) override { next_->onAudioFrame(f); }
  void onEndOfStream() override {
    next_->onEndOfStream();
    ended = true;
  }
  std::atomic<bool> ended{false};

 private:
  ingest::FrameSink* next_;
};

// baseMediaDecodeTime of the first traf of a moof+mdat chunk (ISO/IEC 14496-12 8.8.12).
inline std::optional<uint64_t> readTfdt(const std::string& bytes) {
  auto be32 = [&](size_t at) -> uint64_t {
    uint64_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
    return v;
  };
  // Walk boxes, descending into the containers on the way to tfdt.
  size_t pos = 0, end = bytes.size();
  while (pos + 8 <= end) {
    const uint64_t size = be32(pos);
    const std::string type = bytes.substr(pos + 4, 4);
    if (size < 8 || pos + size > end) return std::nullopt;
    if (type == "moof" || type == "traf") {
      end = pos + size;
      pos += 8;
      continue;
    }
    if (type == "tfdt") {
      const bool v1 = bytes[pos + 8] == 1;
      return v1 ? (be32(pos + 12) << 32) | be32(pos + 16) : be32(pos + 12);
    }
    pos += size;
  }
  return std::nullopt;
}

}  // namespace vigil::testing
