// Pre-serialized response heads for the hot replies: a 200 with the
// packager's bytes (parts, segments, init, playlists, manifests, static
// assets). Their headers depend only on the object (kind, type, ETag,
// length) and on keep-alive, so they are rendered once per object and
// reused; a thousand held requests woken by one publish share one head.
// The Date line changes once a second and is a separate shared buffer, so a
// reply is one gathered write of {head, date line + blank line, body}.
#pragma once

#include <string_view>

#include "core/media_types.h"
#include "origin/cache_policy.h"

namespace vigil::origin {

struct Reply;

// Header values shared by every reply, pre-serialized or not.
namespace headers {
inline constexpr std::string_view kServer = "vigil";
// Browser players (hls.js, dash.js, Shaka) fetch cross-origin.
inline constexpr std::string_view kAllowOrigin = "*";
inline constexpr std::string_view kExposeHeaders = "Age, Date, ETag, Content-Length";
}  // namespace headers

// IMF-fixdate of the current second ("Sun, 06 Nov 1994 08:49:37 GMT"),
// rendered once a second per thread. Valid until the calling coroutine
// next suspends.
std::string_view httpDate();

// "Date: <IMF-fixdate>\r\n\r\n": the last header line and the end of the
// head. Shared ownership, so a write in flight keeps the second it began with.
Bytes dateTail();

// True if `reply` can use a pre-serialized head (a 200 that carries an ETag,
// without per-request headers such as Allow or Retry-After).
bool hasCacheableHead(const Reply& reply);

// The status line and every header except Date for such a reply, through
// the CRLF of the last line, from a small per-thread cache keyed by what the
// head depends on. HEAD shares GET's head (same Content-Length, RFC 9110 9.3.2).
Bytes cachedHead200(const Reply& reply, bool keepAlive);

// Renders that head without caching (the cache's miss path; tests).
Bytes renderHead200(const Reply& reply, bool keepAlive);

}  // namespace vigil::origin
