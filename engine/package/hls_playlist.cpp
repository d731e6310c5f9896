#include "package/hls_playlist.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "core/timeline.h"
#include "package/manifest_format.h"
#include "package/uri_layout.h"

namespace vigil::package::hls {
namespace {

// RFC 8216 section 7: EXT-X-MAP in a playlist without EXT-X-I-FRAMES-ONLY
// needs version 6; rfc8216bis section 8: EXT-X-SKIP needs version 9. No other
// low-latency tag carries a version requirement.
constexpr int kVersion = 6;
constexpr int kDeltaVersion = 9;

int64_t partsListedFrom90k(int targetDurationS) { return int64_t{3} * targetDurationS * kTimelineHz; }

void appendPart(std::string& out, int64_t msn, const PartEntry& p) {
  out += "#EXT-X-PART:DURATION=";
  format::appendSeconds3(out, ticksToUs(p.duration90k));
  out += ",URI=\"";
  out += uri::part(msn, p.index);
  out += '"';
  if (p.independent) out += ",INDEPENDENT=YES";
  out += '\n';
}

}  // namespace

int targetDurationSeconds(int64_t longestSegment90k) {
  const int64_t rounded = (longestSegment90k + kTimelineHz / 2) / kTimelineHz;
  return static_cast<int>(std::max<int64_t>(1, rounded));
}

int64_t partHoldBackUs(int64_t configuredUs, int64_t maxPartTargetUs) {
  // From the part target as printed (rounded up to the millisecond), so the
  // rule also holds between the rendered numbers.
  const int64_t printedPartTargetUs = (maxPartTargetUs + 999) / 1000 * 1000;
  return std::max(configuredUs, 3 * printedPartTargetUs);
}

int skippableSegments(const MediaPlaylistInput& in) {
  // Distance from the end of the playlist to the end of each segment, walking
  // back from the live edge. The growing segment is never skipped.
  const int64_t boundary90k = usToTicks(skipBoundaryUs(in.targetDurationS));
  int64_t endDistance90k = 0;
  int skippable = 0;
  for (auto it = in.segments.rbegin(); it != in.segments.rend(); ++it) {
    if (endDistance90k > boundary90k && it->complete) {
      skippable = static_cast<int>(std::distance(it, in.segments.rend()));
      break;
    }
    endDistance90k += it->duration90k;
  }
  return skippable;
}

std::string renderMediaPlaylist(const MediaPlaylistInput& in, bool deltaUpdate) {
  std::string out;
  out.reserve(256 + in.segments.size() * 96 + 64 * in.segments.size());
  const int skipped = deltaUpdate ? skippableSegments(in) : 0;
  const int64_t firstMsn = in.segments.empty() ? 0 : in.segments.front().msn;
  const int64_t firstDsn = in.segments.empty() ? 0 : in.segments.front().discontinuitySequence;

  auto it = std::back_inserter(out);
  fmt::format_to(it, "#EXTM3U\n#EXT-X-VERSION:{}\n#EXT-X-TARGETDURATION:{}\n", skipped > 0 ? kDeltaVersion : kVersion,
                 in.targetDurationS);
  fmt::format_to(it, "#EXT-X-MEDIA-SEQUENCE:{}\n#EXT-X-DISCONTINUITY-SEQUENCE:{}\n", firstMsn, firstDsn);
  out += "#EXT-X-PART-INF:PART-TARGET=";
  format::appendSeconds3Ceil(out, in.partTargetUs);
  out += "\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=";
  format::appendSeconds3Ceil(out, in.partHoldBackUs);
  out += ",HOLD-BACK=";
  format::appendSeconds3(out, holdBackUs(in.targetDurationS));
  out += ",CAN-SKIP-UNTIL=";
  format::appendSeconds3(out, skipBoundaryUs(in.targetDurationS));
  out += '\n';
  // Skipped segments take their tags with them (4.4.5.2); the discontinuity
  // sequence is unchanged by the skip.
  if (skipped > 0) fmt::format_to(it, "#EXT-X-SKIP:SKIPPED-SEGMENTS={}\n", skipped);
  // After the skip: the map applies to the segments that are still listed.
  out += "#EXT-X-MAP:URI=\"";
  out += uri::kInit;
  out += "\"\n";

  // Parts are listed for the segments that start within three target
  // durations of the end of the playlist (rfc8216bis 6.2.2) and always for the
  // growing segment. Whole segments only, so a player sees either all of a
  // segment's parts or none.
  std::vector<bool> listParts(in.segments.size(), false);
  {
    int64_t startDistance90k = 0;
    for (size_t i = in.segments.size(); i-- > 0;) {
      startDistance90k += in.segments[i].duration90k;
      listParts[i] = !in.segments[i].complete || startDistance90k <= partsListedFrom90k(in.targetDurationS);
    }
  }

  for (size_t i = static_cast<size_t>(skipped); i < in.segments.size(); ++i) {
    const SegmentEntry& s = in.segments[i];
    // Tags applied to a parent segment go before its first EXT-X-PART (4.4.4.9).
    if (i > 0 && s.discontinuitySequence != in.segments[i - 1].discontinuitySequence) out += "#EXT-X-DISCONTINUITY\n";
    out += "#EXT-X-PROGRAM-DATE-TIME:";
    format::appendIsoUtc(out, s.startUtcUs);
    out += '\n';
    if (listParts[i])
      for (const PartEntry& p : s.parts) appendPart(out, s.msn, p);
    if (s.complete) {
      out += "#EXTINF:";
      format::appendSeconds3(out, ticksToUs(s.duration90k));
      out += ",\n";
      out += uri::segment(s.msn);
      out += '\n';
    }
  }

  if (in.preloadMsn >= 0)
    fmt::format_to(it, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"{}\"\n", uri::part(in.preloadMsn, in.preloadPart));
  for (const RenditionReport& r : in.reports) {
    if (r.lastMsn < 0) continue;  // nothing published there yet: nothing to report
    fmt::format_to(it, "#EXT-X-RENDITION-REPORT:URI=\"../{}\",LAST-MSN={}", uri::mediaPlaylist(r.renditionId),
                   r.lastMsn);
    if (r.lastPart >= 0) fmt::format_to(it, ",LAST-PART={}", r.lastPart);
    out += '\n';
  }
  return out;
}

std::string renderMultivariantPlaylist(const MultivariantInput& in) {
  if (in.video.empty()) return {};
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "#EXTM3U\n#EXT-X-VERSION:{}\n#EXT-X-INDEPENDENT-SEGMENTS\n", kVersion);

  int64_t audioPeak = 0;
  int64_t audioAverage = 0;
  std::string audioCodecs;
  for (size_t i = 0; i < in.audio.size(); ++i) {
    const RenditionInfo& a = in.audio[i];
    // The group's bandwidth is that of its most demanding member (RFC 8216 4.3.4.2).
    audioPeak = std::max(audioPeak, a.peakBitrateBps > 0 ? a.peakBitrateBps : a.bitrateBps);
    audioAverage = std::max(audioAverage, a.bitrateBps);
    if (audioCodecs.empty()) audioCodecs = a.codecs;
    fmt::format_to(it,
                   "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"{}\",LANGUAGE=\"{}\",DEFAULT={},AUTOSELECT=YES,"
                   "CHANNELS=\"{}\",URI=\"{}\"\n",
                   i == 0 ? in.audioName : in.audioName + " " + std::to_string(i + 1), a.language,
                   i == 0 ? "YES" : "NO", a.channels, uri::mediaPlaylist(a.id));
  }

  std::vector<const RenditionInfo*> video;
  for (const RenditionInfo& v : in.video) video.push_back(&v);
  auto peak = [](const RenditionInfo* v) { return v->peakBitrateBps > 0 ? v->peakBitrateBps : v->bitrateBps; };
  std::stable_sort(video.begin(), video.end(),
                   [&](const RenditionInfo* a, const RenditionInfo* b) { return peak(a) > peak(b); });
  for (const RenditionInfo* v : video) {
    fmt::format_to(it, "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={},CODECS=\"{}{}{}\",RESOLUTION={}x{},",
                   peak(v) + audioPeak, v->bitrateBps + audioAverage, v->codecs, audioCodecs.empty() ? "" : ",",
                   audioCodecs, v->width, v->height);
    fmt::format_to(it, "FRAME-RATE={:.3f}", v->frameRate);
    if (!in.audio.empty()) out += ",AUDIO=\"aud\"";
    out += '\n';
    out += uri::mediaPlaylist(v->id);
    out += '\n';
  }
  return out;
}

}  // namespace vigil::package::hls
