// The one place that knows the URL layout of a channel's objects. The packager
// formats URIs with it (relative, so a CDN can sit at any prefix) and the
// origin parses request paths with it.
//
//   /live/<channel>/master.m3u8            HLS multivariant playlist
//   /live/<channel>/manifest.mpd           DASH MPD
//   /live/<channel>/<rendition>/playlist.m3u8
//   /live/<channel>/<rendition>/init.mp4
//   /live/<channel>/<rendition>/seg_<msn>.m4s
//   /live/<channel>/<rendition>/part_<msn>_<i>.m4s
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::package::uri {

inline constexpr std::string_view kLivePrefix = "/live/";
inline constexpr std::string_view kMaster = "master.m3u8";
inline constexpr std::string_view kDash = "manifest.mpd";
inline constexpr std::string_view kMediaPlaylist = "playlist.m3u8";
inline constexpr std::string_view kInit = "init.mp4";

// Relative to the channel directory.
std::string mediaPlaylist(std::string_view rendition);  // "<r>/playlist.m3u8"
// Relative to the rendition directory.
std::string segment(int64_t msn);              // "seg_<msn>.m4s"
std::string part(int64_t msn, int partIndex);  // "part_<msn>_<i>.m4s"
// DASH SegmentTemplate, relative to the MPD.
inline constexpr std::string_view kDashMedia = "$RepresentationID$/seg_$Number$.m4s";
inline constexpr std::string_view kDashInit = "$RepresentationID$/init.mp4";

// Absolute paths, for logs and the playback URLs vigild prints.
std::string channelPath(std::string_view channel, std::string_view object);

// An id is URI-safe: 1..64 of [A-Za-z0-9_-].
bool isValidId(std::string_view id);

struct ObjectPath {
  enum class Kind { Master, Dash, MediaPlaylist, Init, Segment, Part };
  Kind kind;
  std::string channel;
  std::string rendition;  // empty for Master and Dash
  int64_t msn = -1;
  int part = -1;
};

// Parses an already percent-decoded, query-free path starting with /live/.
// Anything that is not exactly one of the shapes above (extra slashes, dot
// segments, invalid ids, numbers with signs or leading junk) yields nullopt.
std::optional<ObjectPath> parse(std::string_view path);

}  // namespace vigil::package::uri
