#include "origin/cache_policy.h"

namespace vigil::origin {

std::string_view objectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Master:
      return "master";
    case ObjectKind::MediaPlaylist:
      return "media_playlist";
    case ObjectKind::Part:
      return "part";
    case ObjectKind::Segment:
      return "segment";
    case ObjectKind::Init:
      return "init";
    case ObjectKind::Dash:
      return "dash";
    case ObjectKind::Other:
      return "other";
  }
  return "other";
}

std::string_view cacheControlFor(ObjectKind kind, unsigned status) {
  const bool media = kind != ObjectKind::Other;
  if (status == 200 || status == 304) {
    switch (kind) {
      case ObjectKind::Part:
      case ObjectKind::Segment:
      case ObjectKind::Init:
        return cache::kImmutable;
      case ObjectKind::Master:
      case ObjectKind::MediaPlaylist:
      case ObjectKind::Dash:
        return cache::kManifest;
      case ObjectKind::Other:
        return cache::kNoStore;  // health, metrics, time: always fresh
    }
  }
  // Not yet published, or evicted: a short negative cache, never a long one.
  if (status == 404 && media) return cache::kNegative;
  // 400/405/414/431 depend on the request, 503 on the moment: do not cache.
  return cache::kNoStore;
}

}  // namespace vigil::origin
