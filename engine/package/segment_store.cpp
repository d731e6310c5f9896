#include "package/segment_store.h"

#include <algorithm>

namespace vigil::package {

SegmentStore::SegmentStore(int dvrWindowSegments, int partRetentionSegments, int partsPerSegment)
    : dvrWindowSegments_(std::max(1, dvrWindowSegments)),
      partRetentionSegments_(std::max(1, partRetentionSegments)),
      partsPerSegment_(std::max(1, partsPerSegment)) {}

const StoredSegment* SegmentStore::find(int64_t msn) const {
  if (segments_.empty() || msn < segments_.front().number || msn > segments_.back().number) return nullptr;
  // Numbers are increasing but may have holes (gaps, restarts): start at the
  // dense guess and walk back.
  size_t i = static_cast<size_t>(std::min<int64_t>(msn - segments_.front().number, int64_t(segments_.size()) - 1));
  while (segments_[i].number > msn && i > 0) --i;
  return segments_[i].number == msn ? &segments_[i] : nullptr;
}

void SegmentStore::nextPart(int64_t& msn, int& part) const {
  if (segments_.empty()) {
    msn = -1;
    part = -1;
    return;
  }
  const StoredSegment& s = segments_.back();
  if (s.complete || s.parts.back().index + 1 >= partsPerSegment_) {
    msn = s.number + 1;
    part = 0;
  } else {
    msn = s.number;
    part = s.parts.back().index + 1;
  }
}

SegmentStore::AddOutcome SegmentStore::add(const CmafPart& in) {
  AddOutcome out;
  if (in.partIndex < 0 || in.segmentNumber < 0 || !in.bytes) return out;
  if (!segments_.empty()) {
    const StoredSegment& last = segments_.back();
    if (in.segmentNumber < last.number) return out;
    if (in.segmentNumber == last.number && (last.complete || in.partIndex <= last.parts.back().index)) return out;
  }
  if (segments_.empty() || in.segmentNumber > segments_.back().number) {
    // Moving on without a lastInSegment part (input gap, pipeline switch):
    // the previous segment ends where it is.
    if (!segments_.empty() && !segments_.back().complete) {
      complete(segments_.back());
      ++out.segmentsCompleted;
    }
    StoredSegment s;
    s.number = in.segmentNumber;
    segments_.push_back(std::move(s));
  }
  StoredSegment& s = segments_.back();
  s.parts.push_back(StoredPart{in.partIndex, in.startTime90k, in.duration90k, in.independent, in.bytes});
  s.duration90k += in.duration90k;
  maxPartDuration90k_ = std::max(maxPartDuration90k_, in.duration90k);
  if (in.lastInSegment) {
    complete(s);
    ++out.segmentsCompleted;
  }
  out.accepted = true;
  out.segmentsEvicted = evict();
  return out;
}

void SegmentStore::complete(StoredSegment& s) {
  size_t size = 0;
  for (const StoredPart& p : s.parts) size += p.bytes ? p.bytes->size() : 0;
  std::string bytes;
  bytes.reserve(size);
  for (const StoredPart& p : s.parts)
    if (p.bytes) bytes += *p.bytes;
  s.bytes = makeBytes(std::move(bytes));
  s.complete = true;
  maxSegmentDuration90k_ = std::max(maxSegmentDuration90k_, s.duration90k);
}

int SegmentStore::evict() {
  int complete = 0;
  for (const StoredSegment& s : segments_) complete += s.complete ? 1 : 0;
  int evicted = 0;
  while (complete > dvrWindowSegments_ && segments_.front().complete) {
    segments_.pop_front();
    --complete;
    ++evicted;
  }
  // Release part bytes outside the retention window (the newest
  // partRetentionSegments segments). Segments keep their concatenated copy.
  const int64_t keepFrom = segments_.back().number - partRetentionSegments_ + 1;
  for (StoredSegment& s : segments_) {
    if (s.number >= keepFrom) break;
    if (!s.complete || s.parts.front().bytes == nullptr) continue;
    for (StoredPart& p : s.parts) p.bytes.reset();
  }
  return evicted;
}

}  // namespace vigil::package
