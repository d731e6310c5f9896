// The heartbeat's measurement (DESIGN.md contract 4), taken from the bytes a
// player gets: the end of the newest media an HLS media playlist announces is
// its last EXT-X-PROGRAM-DATE-TIME plus the media listed after it, the
// EXTINF durations of the full segments and then the EXT-X-PART durations of
// the segment still growing (the parts of a full segment repeat its EXTINF
// and are not counted twice). Manifest age = now - that end.
//
// Pure functions: no clock, no allocation beyond the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::monitor {

struct PlaylistEdge {
  int64_t programDateTimeUs = 0;  // the last EXT-X-PROGRAM-DATE-TIME, UTC
  int64_t afterUs = 0;            // media listed after it
  int segments = 0;               // full segments after it
  int parts = 0;                  // parts after the last full segment
  int64_t endUtcUs() const { return programDateTimeUs + afterUs; }
};

// nullopt when the playlist has no EXT-X-PROGRAM-DATE-TIME (or a malformed
// last one): without it the media has no wall-clock time.
std::optional<PlaylistEdge> scanPlaylistEdge(std::string_view playlist);

// ISO 8601 / RFC 3339 date-time as EXT-X-PROGRAM-DATE-TIME carries it:
// YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm|+hhmm|-hhmm).
std::optional<int64_t> parseDateTimeUs(std::string_view text);

}  // namespace vigil::monitor
