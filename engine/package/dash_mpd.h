// Pure DASH MPD builder (dynamic, live profile + CMAF): snapshot struct in,
// XML out. Numbered SegmentTemplate: segment k of every rendition covers
// [k*D, (k+1)*D) on the channel timeline (DESIGN.md contract 2), so
// $Number$ is the segment number and the media's tfdt is absolute timeline
// time, hence presentationTimeOffset = firstSegment*D in the track timescale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/media_types.h"
#include "core/timeline.h"

namespace vigil::package::dash {

struct MpdInput {
  int64_t availabilityStartUtcUs = 0;  // wall clock of the timeline's first period start
  int64_t publishUtcUs = 0;
  int64_t segmentDuration90k = 0;
  int64_t timeShiftBufferUs = 0;  // DVR window
  int64_t suggestedPresentationDelayUs = 0;
  int64_t minBufferUs = 0;
  int64_t minimumUpdatePeriodUs = 0;
  std::vector<TimelinePeriod> periods;  // those with segments in the DVR window, oldest first
  std::vector<RenditionInfo> video;
  std::vector<RenditionInfo> audio;
  std::string utcTimingUrl = "/time";
};

// Timing arithmetic, exposed for tests.
// Period@start relative to availabilityStartTime.
inline int64_t periodStartUs(const MpdInput& in, const TimelinePeriod& p) {
  return p.startUtcUs - in.availabilityStartUtcUs;
}
// SegmentTemplate@presentationTimeOffset: the period's first segment start in the track timescale.
int64_t presentationTimeOffset(int64_t firstSegment, int64_t segmentDuration90k, int timescale);
// SegmentTemplate@duration: D in the track timescale.
int64_t segmentDurationInTimescale(int64_t segmentDuration90k, int timescale);

// DASH @frameRate: "30", "30000/1001", or a /1000 fraction.
std::string frameRateAttr(double fps);

std::string renderMpd(const MpdInput& in);

}  // namespace vigil::package::dash
