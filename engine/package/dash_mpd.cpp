#include "package/dash_mpd.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "package/manifest_format.h"
#include "package/uri_layout.h"

namespace vigil::package::dash {
namespace {

void appendSegmentTemplate(std::string& out, const MpdInput& in, const TimelinePeriod& p, int timescale) {
  fmt::format_to(std::back_inserter(out),
                 "        <SegmentTemplate timescale=\"{}\" duration=\"{}\" startNumber=\"{}\" "
                 "presentationTimeOffset=\"{}\" media=\"{}\" initialization=\"{}\"/>\n",
                 timescale, segmentDurationInTimescale(in.segmentDuration90k, timescale), p.firstSegment,
                 presentationTimeOffset(p.firstSegment, in.segmentDuration90k, timescale), uri::kDashMedia,
                 uri::kDashInit);
}

// XML attribute values we emit come from ids ([A-Za-z0-9_-]), codecs strings
// and language tags; escape anyway so a bad value cannot break the document.
std::string xmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

int64_t presentationTimeOffset(int64_t firstSegment, int64_t segmentDuration90k, int timescale) {
  return format::rescale(firstSegment * segmentDuration90k, kTimelineHz, timescale);
}

int64_t segmentDurationInTimescale(int64_t segmentDuration90k, int timescale) {
  return format::rescale(segmentDuration90k, kTimelineHz, timescale);
}

std::string frameRateAttr(double fps) {
  const double rounded = std::round(fps);
  if (std::abs(fps - rounded) < 1e-6) return fmt::format("{}", static_cast<int64_t>(rounded));
  const double ntsc = fps * 1.001;  // 29.97 -> 30000/1001
  if (std::abs(ntsc - std::round(ntsc)) < 1e-3)
    return fmt::format("{}/1001", static_cast<int64_t>(std::round(ntsc)) * 1000);
  return fmt::format("{}/1000", static_cast<int64_t>(std::round(fps * 1000)));
}

std::string renderMpd(const MpdInput& in) {
  std::string out;
  out.reserve(2048);
  auto it = std::back_inserter(out);
  const int64_t segmentUs = ticksToUs(in.segmentDuration90k);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out +=
      "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" "
      "profiles=\"urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019\" type=\"dynamic\"";
  fmt::format_to(it, " availabilityStartTime=\"{}\" publishTime=\"{}\"", format::isoUtc(in.availabilityStartUtcUs),
                 format::isoUtc(in.publishUtcUs));
  fmt::format_to(it,
                 " minimumUpdatePeriod=\"{}\" timeShiftBufferDepth=\"{}\" suggestedPresentationDelay=\"{}\" "
                 "minBufferTime=\"{}\" maxSegmentDuration=\"{}\">\n",
                 format::xsDuration(in.minimumUpdatePeriodUs), format::xsDuration(in.timeShiftBufferUs),
                 format::xsDuration(in.suggestedPresentationDelayUs), format::xsDuration(in.minBufferUs),
                 format::xsDuration(segmentUs));

  for (const TimelinePeriod& p : in.periods) {
    fmt::format_to(it, "  <Period id=\"p{}\" start=\"{}\">\n", p.discontinuitySequence,
                   format::xsDuration(periodStartUs(in, p)));
    if (!in.video.empty()) {
      int maxWidth = 0;
      int maxHeight = 0;
      for (const RenditionInfo& v : in.video) {
        maxWidth = std::max(maxWidth, v.width);
        maxHeight = std::max(maxHeight, v.height);
      }
      fmt::format_to(it,
                     "    <AdaptationSet id=\"0\" contentType=\"video\" mimeType=\"video/mp4\" "
                     "segmentAlignment=\"true\" startWithSAP=\"1\" maxWidth=\"{}\" maxHeight=\"{}\">\n",
                     maxWidth, maxHeight);
      for (const RenditionInfo& v : in.video) {
        fmt::format_to(it,
                       "      <Representation id=\"{}\" bandwidth=\"{}\" width=\"{}\" height=\"{}\" "
                       "frameRate=\"{}\" codecs=\"{}\">\n",
                       xmlEscape(v.id), v.peakBitrateBps > 0 ? v.peakBitrateBps : v.bitrateBps, v.width, v.height,
                       frameRateAttr(v.frameRate), xmlEscape(v.codecs));
        appendSegmentTemplate(out, in, p, v.timescale);
        out += "      </Representation>\n";
      }
      out += "    </AdaptationSet>\n";
    }
    for (size_t i = 0; i < in.audio.size(); ++i) {
      const RenditionInfo& a = in.audio[i];
      fmt::format_to(it,
                     "    <AdaptationSet id=\"{}\" contentType=\"audio\" mimeType=\"audio/mp4\" lang=\"{}\" "
                     "segmentAlignment=\"true\" startWithSAP=\"1\">\n",
                     i + 1, xmlEscape(a.language));
      fmt::format_to(it,
                     "      <AudioChannelConfiguration "
                     "schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\" value=\"{}\"/>\n",
                     a.channels);
      fmt::format_to(it, "      <Representation id=\"{}\" bandwidth=\"{}\" audioSamplingRate=\"{}\" codecs=\"{}\">\n",
                     xmlEscape(a.id), a.peakBitrateBps > 0 ? a.peakBitrateBps : a.bitrateBps,
                     a.sampleRate > 0 ? a.sampleRate : a.timescale, xmlEscape(a.codecs));
      appendSegmentTemplate(out, in, p, a.timescale);
      out += "      </Representation>\n    </AdaptationSet>\n";
    }
    out += "  </Period>\n";
  }
  fmt::format_to(it, "  <UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:http-iso:2014\" value=\"{}\"/>\n",
                 xmlEscape(in.utcTimingUrl));
  out += "</MPD>\n";
  return out;
}

}  // namespace vigil::package::dash
