// Synthetic CMAF input for the packager tests: renditions, parts on the
// channel timeline (video parts tile segments exactly; audio parts are cut at
// the AAC frame nearest each nominal boundary, like the real fragmenter), and
// small text helpers for reading playlists back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/media_types.h"
#include "core/timeline.h"
#include "package/channel_packager.h"

namespace vigil::test {

// 2024-05-01T12:00:00Z
inline constexpr int64_t kT0Us = 1714564800LL * 1000000;
inline constexpr int64_t kSeg90k = 180000;  // 2 s
inline constexpr int64_t kPart90k = 18000;  // 200 ms
inline constexpr int kPartsPerSegment = 10;
inline constexpr int64_t kAacFrame90k = 1920;  // 1024 samples at 48 kHz

inline RenditionInfo videoInfo(const std::string& id, int w, int h, int64_t bps) {
  RenditionInfo r;
  r.id = id;
  r.kind = TrackKind::Video;
  r.codecs = "avc1.4d401e";
  r.bitrateBps = bps;
  r.peakBitrateBps = bps * 11 / 10;
  r.timescale = 90000;
  r.width = w;
  r.height = h;
  r.frameRate = 30;
  return r;
}

inline RenditionInfo audioInfo() {
  RenditionInfo r;
  r.id = "a0";
  r.kind = TrackKind::Audio;
  r.codecs = "mp4a.40.2";
  r.bitrateBps = 128000;
  r.peakBitrateBps = 128000;
  r.timescale = 48000;
  r.sampleRate = 48000;
  r.channels = 2;
  r.language = "en";
  return r;
}

inline Timeline startedTimeline(int64_t startUtcUs = kT0Us) {
  Timeline t(kSeg90k, kPart90k);
  t.begin(startUtcUs);
  return t;
}

inline int64_t nearestAacBoundary(int64_t t90k) { return (t90k + kAacFrame90k / 2) / kAacFrame90k * kAacFrame90k; }

inline CmafPart makePart(const std::string& rid, int64_t msn, int idx) {
  CmafPart p;
  p.renditionId = rid;
  p.segmentNumber = msn;
  p.partIndex = idx;
  const int64_t nominal = msn * kSeg90k + idx * kPart90k;
  if (rid.rfind("a", 0) == 0) {
    p.startTime90k = nearestAacBoundary(nominal);
    p.duration90k = nearestAacBoundary(nominal + kPart90k) - p.startTime90k;
    p.independent = true;
  } else {
    p.startTime90k = nominal;
    p.duration90k = kPart90k;
    p.independent = idx == 0;
  }
  p.lastInSegment = idx == kPartsPerSegment - 1;
  p.bytes = makeBytes(rid + ":" + std::to_string(msn) + "." + std::to_string(idx) + ";");
  return p;
}

inline std::vector<std::string> defaultRenditionIds() { return {"v0", "v1", "a0"}; }

inline void sendInits(package::ChannelPackager& pkg) {
  pkg.onInit(CmafInit{videoInfo("v0", 640, 360, 800000), makeBytes("init-v0")});
  pkg.onInit(CmafInit{videoInfo("v1", 480, 270, 450000), makeBytes("init-v1")});
  pkg.onInit(CmafInit{audioInfo(), makeBytes("init-a0")});
}

// Publishes parts [fromPart, toPart) counted from segment `firstMsn` part 0,
// for every rendition, interleaved as the pipeline threads would.
inline void feedParts(package::ChannelPackager& pkg, int64_t firstMsn, int fromPart, int toPart,
                      const std::vector<std::string>& ids = defaultRenditionIds()) {
  for (int n = fromPart; n < toPart; ++n)
    for (const std::string& id : ids) pkg.onPart(makePart(id, firstMsn + n / kPartsPerSegment, n % kPartsPerSegment));
}

inline std::string str(const Bytes& b) { return b ? *b : std::string(); }

inline std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

inline bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The value of attribute `name` in an attribute-list line, or "" (quotes stripped).
inline std::string attr(std::string_view line, std::string_view name) {
  const std::string key = std::string(name) + "=";
  size_t pos = 0;
  while ((pos = line.find(key, pos)) != std::string_view::npos) {
    if (pos == 0 || line[pos - 1] == ',' || line[pos - 1] == ':') break;
    pos += key.size();
  }
  if (pos == std::string_view::npos) return {};
  pos += key.size();
  if (pos < line.size() && line[pos] == '"') {
    const size_t end = line.find('"', pos + 1);
    return std::string(line.substr(pos + 1, end - pos - 1));
  }
  const size_t end = line.find(',', pos);
  return std::string(line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
}

// The value after "#TAG:" of the first line starting with it, or "".
inline std::string tagValue(std::string_view text, std::string_view tag) {
  for (const std::string& l : lines(text))
    if (startsWith(l, tag) && l.size() > tag.size() && l[tag.size()] == ':') return l.substr(tag.size() + 1);
  return {};
}

inline int countLines(std::string_view text, std::string_view prefix) {
  int n = 0;
  for (const std::string& l : lines(text)) n += startsWith(l, prefix) ? 1 : 0;
  return n;
}

// Index of the first line starting with prefix, or -1.
inline int indexOf(const std::vector<std::string>& ls, std::string_view prefix, int from = 0) {
  for (int i = from; i < static_cast<int>(ls.size()); ++i)
    if (startsWith(ls[i], prefix)) return i;
  return -1;
}

}  // namespace vigil::test
