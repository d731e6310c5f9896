// Cache-Control per object kind and status (DESIGN.md contract 5). Pure, so a
// CDN's view of every response can be tested without a socket.
//
// Immutable objects (parts, segments, init) are cached for a year: a part's
// bytes never change once published. Manifests get max-age=1 and never
// no-store, so a collapsing CDN fetches each render about once. Objects that
// do not exist yet (or any more) get a one-second negative cache: long enough
// to collapse a thundering herd, short enough not to hide the part once it is
// published. Client errors and server-state answers are not cached.
#pragma once

#include <string_view>

namespace vigil::origin {

// What a request addressed; also the "kind" label of the request metrics.
enum class ObjectKind { Master, MediaPlaylist, Part, Segment, Init, Dash, Other };
inline constexpr int kObjectKindCount = 7;

std::string_view objectKindName(ObjectKind kind);

namespace cache {
inline constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
inline constexpr std::string_view kManifest = "public, max-age=1";
inline constexpr std::string_view kNegative = "public, max-age=1";
inline constexpr std::string_view kNoStore = "no-store";
}  // namespace cache

// The Cache-Control value for a response of `status` about `kind`.
// `status` is the numeric HTTP status (304 is treated like 200).
std::string_view cacheControlFor(ObjectKind kind, unsigned status);

}  // namespace vigil::origin
