// Pure HLS / LL-HLS playlist builders: plain snapshot structs in, text out.
// No locks, no clocks, no store: the ChannelPackager takes a snapshot under
// its lock and renders outside it; tests feed these structs directly.
//
// Spec: RFC 8216 and draft-pantos-hls-rfc8216bis (section numbers below are
// the draft's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/media_types.h"

namespace vigil::package::hls {

struct PartEntry {
  int index = 0;
  int64_t duration90k = 0;
  bool independent = false;
};

// One Media Segment as listed: complete, or the growing one at the live edge
// (only the last entry may be growing).
struct SegmentEntry {
  int64_t msn = 0;
  int64_t discontinuitySequence = 0;  // of the timeline period holding the segment
  int64_t startUtcUs = 0;             // wall clock of its first sample (EXT-X-PROGRAM-DATE-TIME)
  int64_t duration90k = 0;            // sum of its parts' durations
  bool complete = true;
  std::vector<PartEntry> parts;  // every part published; the builder picks which to list
};

struct RenditionReport {
  std::string renditionId;
  int64_t lastMsn = -1;
  int lastPart = -1;
};

struct MediaPlaylistInput {
  int targetDurationS = 0;             // EXT-X-TARGETDURATION (see targetDurationSeconds)
  int64_t partTargetUs = 0;            // EXT-X-PART-INF:PART-TARGET
  int64_t partHoldBackUs = 0;          // already >= 3 part targets (see partHoldBackUs)
  std::vector<SegmentEntry> segments;  // oldest first
  int64_t preloadMsn = -1;             // EXT-X-PRELOAD-HINT target; -1: none
  int preloadPart = -1;
  std::vector<RenditionReport> reports;  // every other rendition (rfc8216bis appendix B.1)
};

// EXT-X-TARGETDURATION: the longest EXTINF rounded to the nearest integer
// (RFC 8216 4.3.3.1), never below 1.
int targetDurationSeconds(int64_t longestSegment90k);
// PART-HOLD-BACK: the configured value, raised to three times the largest
// Part Target Duration of any rendition (4.4.3.8: SHOULD be >= 3x, MUST >= 2x).
int64_t partHoldBackUs(int64_t configuredUs, int64_t maxPartTargetUs);
// Skip Boundary (CAN-SKIP-UNTIL): six target durations, the minimum of 4.4.3.8.
inline int64_t skipBoundaryUs(int targetDurationS) { return int64_t{6} * targetDurationS * 1'000'000; }
inline int64_t holdBackUs(int targetDurationS) { return int64_t{3} * targetDurationS * 1'000'000; }

// How many leading segments a delta update replaces with EXT-X-SKIP: those
// whose end is further than the Skip Boundary from the end of the playlist
// (6.2.5.1). 0 means the delta update would equal the full playlist.
int skippableSegments(const MediaPlaylistInput& in);

// Renders the media playlist; deltaUpdate=true replaces skippableSegments()
// leading segments with EXT-X-SKIP (and declares version 9, section 8).
std::string renderMediaPlaylist(const MediaPlaylistInput& in, bool deltaUpdate);

struct MultivariantInput {
  std::vector<RenditionInfo> video;  // any order; rendered highest BANDWIDTH first
  std::vector<RenditionInfo> audio;  // the first is DEFAULT=YES
  std::string audioName = "Main";
};

// Empty string when there is no video rendition.
std::string renderMultivariantPlaylist(const MultivariantInput& in);

}  // namespace vigil::package::hls
