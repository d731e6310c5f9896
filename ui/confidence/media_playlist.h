// What a confidence probe needs from an LL-HLS media playlist: where the live
// edge is, how many parts a segment has and how long a segment is. A small
// reader of the tags our packager writes (RFC 8216 / rfc8216bis), tolerant of
// tags it does not know.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::ui::confidence {

struct PlaylistPart {
  int64_t msn = -1;
  int index = -1;
  double durationS = 0;
  bool independent = false;
  std::string uri;
};

struct PlaylistSegment {
  int64_t msn = -1;
  bool complete = false;            // has its EXTINF (the growing segment has not)
  double durationS = 0;             // EXTINF, when complete
  std::vector<PlaylistPart> parts;  // listed only for the newest segments
};

struct MediaPlaylist {
  int targetDurationS = 0;
  double partTargetS = 0;
  int64_t mediaSequence = 0;
  std::vector<PlaylistSegment> segments;  // in order; msn = mediaSequence + position
  std::optional<PlaylistPart> preloadHint;

  // Parts per segment: counted on a complete segment whose parts are all
  // listed, else the segment duration over the part target; 0 if unknown.
  int partsPerSegment() const;
  // The newest complete segment's duration (0 if none).
  double segmentDurationS() const;
  // The newest listed part, if any.
  const PlaylistPart* newestPart() const;
  // The newest segment whose part 0 is listed and independent: where a
  // decoder can start closest to the live edge.
  const PlaylistSegment* newestStartableSegment() const;
};

// nullopt: not a media playlist (no #EXTM3U, or no #EXT-X-TARGETDURATION).
std::optional<MediaPlaylist> parseMediaPlaylist(std::string_view text);

// "part_<msn>_<i>.m4s" (package/uri_layout.h) -> {msn, i}; false for anything else.
bool parsePartUri(std::string_view uri, int64_t& msn, int& index);

}  // namespace vigil::ui::confidence
