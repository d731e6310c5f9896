#include "confidence/media_playlist.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "package/uri_layout.h"

namespace vigil::ui::confidence {
namespace {

// The value of KEY= in an attribute list (quoted or not); empty if absent.
std::string_view attribute(std::string_view list, std::string_view key) {
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t eq = list.find('=', pos);
    if (eq == std::string_view::npos) return {};
    const std::string_view name = list.substr(pos, eq - pos);
    size_t end;
    std::string_view value;
    if (eq + 1 < list.size() && list[eq + 1] == '"') {
      const size_t close = list.find('"', eq + 2);
      if (close == std::string_view::npos) return {};
      value = list.substr(eq + 2, close - eq - 2);
      end = close + 1;
    } else {
      end = list.find(',', eq + 1);
      if (end == std::string_view::npos) end = list.size();
      value = list.substr(eq + 1, end - eq - 1);
    }
    if (name == key) return value;
    pos = end < list.size() && list[end] == ',' ? end + 1 : end;
  }
  return {};
}

double toDouble(std::string_view s) { return std::strtod(std::string(s).c_str(), nullptr); }

template <typename T>
bool toInt(std::string_view s, T& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

PlaylistPart partFrom(std::string_view attrs, int64_t msn, int position) {
  PlaylistPart p;
  p.durationS = toDouble(attribute(attrs, "DURATION"));
  p.independent = attribute(attrs, "INDEPENDENT") == "YES";
  p.uri = std::string(attribute(attrs, "URI"));
  if (!parsePartUri(p.uri, p.msn, p.index)) {
    p.msn = msn;
    p.index = position;
  }
  return p;
}

}  // namespace

bool parsePartUri(std::string_view uri, int64_t& msn, int& index) {
  constexpr std::string_view kPrefix = "part_", kSuffix = ".m4s";
  if (!uri.starts_with(kPrefix) || !uri.ends_with(kSuffix)) return false;
  const std::string_view mid = uri.substr(kPrefix.size(), uri.size() - kPrefix.size() - kSuffix.size());
  const size_t us = mid.find('_');
  if (us == std::string_view::npos) return false;
  int64_t m;
  int i;
  if (!toInt(mid.substr(0, us), m) || !toInt(mid.substr(us + 1), i) || m < 0 || i < 0) return false;
  if (package::uri::part(m, i) != uri) return false;  // canonical form only
  msn = m;
  index = i;
  return true;
}

std::optional<MediaPlaylist> parseMediaPlaylist(std::string_view text) {
  MediaPlaylist out;
  bool header = false, hasTarget = false;
  PlaylistSegment current;
  auto flush = [&](bool complete, double durationS) {
    current.msn = out.mediaSequence + static_cast<int64_t>(out.segments.size());
    current.complete = complete;
    current.durationS = durationS;
    for (auto& p : current.parts)
      if (p.msn < 0) p.msn = current.msn;
    out.segments.push_back(std::move(current));
    current = {};
  };
  double pendingInf = -1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto tag = [&](std::string_view name, std::string_view& rest) {
      if (!line.starts_with(name)) return false;
      rest = line.substr(name.size());
      return true;
    };
    std::string_view rest;
    if (line == "#EXTM3U") {
      header = true;
    } else if (tag("#EXT-X-TARGETDURATION:", rest)) {
      hasTarget = toInt(rest, out.targetDurationS);
    } else if (tag("#EXT-X-MEDIA-SEQUENCE:", rest)) {
      toInt(rest, out.mediaSequence);
    } else if (tag("#EXT-X-PART-INF:", rest)) {
      out.partTargetS = toDouble(attribute(rest, "PART-TARGET"));
    } else if (tag("#EXT-X-PART:", rest)) {
      const int64_t msn = out.mediaSequence + static_cast<int64_t>(out.segments.size());
      current.parts.push_back(partFrom(rest, msn, static_cast<int>(current.parts.size())));
    } else if (tag("#EXTINF:", rest)) {
      pendingInf = toDouble(rest.substr(0, rest.find(',')));
    } else if (tag("#EXT-X-PRELOAD-HINT:", rest)) {
      if (attribute(rest, "TYPE") == "PART") {
        const int64_t msn = out.mediaSequence + static_cast<int64_t>(out.segments.size());
        out.preloadHint = partFrom(rest, msn, static_cast<int>(current.parts.size()));
      }
    } else if (line.front() != '#') {  // a segment URI closes the segment
      flush(true, pendingInf < 0 ? 0 : pendingInf);
      pendingInf = -1;
    }
  }
  if (!current.parts.empty()) flush(false, 0);
  if (!header || !hasTarget) return std::nullopt;
  return out;
}

int MediaPlaylist::partsPerSegment() const {
  for (auto it = segments.rbegin(); it != segments.rend(); ++it)
    if (it->complete && !it->parts.empty() && it->parts.front().index == 0) return it->parts.back().index + 1;
  const double segS = segmentDurationS() > 0 ? segmentDurationS() : targetDurationS;
  if (partTargetS <= 0 || segS <= 0) return 0;
  return static_cast<int>(std::lround(segS / partTargetS));
}

double MediaPlaylist::segmentDurationS() const {
  for (auto it = segments.rbegin(); it != segments.rend(); ++it)
    if (it->complete) return it->durationS;
  return 0;
}

const PlaylistPart* MediaPlaylist::newestPart() const {
  for (auto it = segments.rbegin(); it != segments.rend(); ++it)
    if (!it->parts.empty()) return &it->parts.back();
  return nullptr;
}

const PlaylistSegment* MediaPlaylist::newestStartableSegment() const {
  for (auto it = segments.rbegin(); it != segments.rend(); ++it)
    if (!it->parts.empty() && it->parts.front().index == 0 && it->parts.front().independent) return &*it;
  return nullptr;
}

}  // namespace vigil::ui::confidence
