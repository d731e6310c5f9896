// The segments of one rendition: a deque ordered by segment number, each with
// its parts and, once complete, its bytes (the concatenation of its parts, so
// a classic client's segment request is one shared buffer, never a copy per
// request). Keeps the DVR window of complete segments plus the growing one;
// part bytes are dropped earlier (segments keep their own copy).
//
// Not thread-safe: the ChannelPackager guards it with its state mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "core/media_types.h"

namespace vigil::package {

struct StoredPart {
  int index = 0;
  int64_t start90k = 0;
  int64_t duration90k = 0;
  bool independent = false;
  Bytes bytes;  // nullptr once released (older than the part retention window)
};

struct StoredSegment {
  int64_t number = 0;
  std::vector<StoredPart> parts;
  bool complete = false;
  Bytes bytes;              // set once complete
  int64_t duration90k = 0;  // sum of the parts' durations
  int64_t start90k() const { return parts.empty() ? 0 : parts.front().start90k; }
};

class SegmentStore {
 public:
  // dvrWindowSegments: complete segments kept; partRetentionSegments: the
  // newest segments whose parts stay addressable (the rest are released).
  SegmentStore(int dvrWindowSegments, int partRetentionSegments, int partsPerSegment);

  struct AddOutcome {
    bool accepted = false;
    int segmentsCompleted = 0;  // this part (or skipping ahead) closed segments
    int segmentsEvicted = 0;
  };
  // Parts must move forward: a part at or before the newest position is a
  // duplicate (e.g. from a second pipeline) and is rejected.
  AddOutcome add(const CmafPart& part);

  const std::deque<StoredSegment>& segments() const { return segments_; }
  const StoredSegment* find(int64_t msn) const;
  bool empty() const { return segments_.empty(); }
  // Oldest segment still held, or -1 when empty.
  int64_t oldestMsn() const { return segments_.empty() ? -1 : segments_.front().number; }
  // Newest published part: msn -1 before the first.
  int64_t lastMsn() const { return segments_.empty() ? -1 : segments_.back().number; }
  int lastPart() const { return segments_.empty() ? -1 : segments_.back().parts.back().index; }
  const StoredPart* lastStoredPart() const { return segments_.empty() ? nullptr : &segments_.back().parts.back(); }
  // The part a player asks for next (the EXT-X-PRELOAD-HINT target).
  void nextPart(int64_t& msn, int& part) const;

  // Largest part / complete segment duration ever stored (target durations
  // must bound every listed duration).
  int64_t maxPartDuration90k() const { return maxPartDuration90k_; }
  int64_t maxSegmentDuration90k() const { return maxSegmentDuration90k_; }
  int partsPerSegment() const { return partsPerSegment_; }

 private:
  void complete(StoredSegment& s);
  int evict();

  int dvrWindowSegments_;
  int partRetentionSegments_;
  int partsPerSegment_;
  std::deque<StoredSegment> segments_;
  int64_t maxPartDuration90k_ = 0;
  int64_t maxSegmentDuration90k_ = 0;
};

}  // namespace vigil::package
