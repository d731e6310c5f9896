// What must hold for any request target the origin accepts, shared by the
// libFuzzer target and the deterministic random-request test. Returns an
// empty string when every invariant holds, else what broke.
#pragma once

#include <string>
#include <string_view>

#include "origin/request_target.h"
#include "package/uri_layout.h"

namespace origintest {

inline std::string checkTargetInvariants(std::string_view target) {
  using namespace vigil::origin;
  TargetLimits limits;
  ParsedTarget parsed;
  const TargetError err = parseTarget(target, limits, parsed);
  if (err != TargetError::None) return {};
  const std::string& p = parsed.path;
  if (p.empty() || p.front() != '/') return "accepted path does not start with '/'";
  for (unsigned char c : p)
    if (c < 0x20 || c == 0x7f || c == '\\') return "accepted path holds a control byte or backslash";
  if (p.find("/../") != std::string::npos || p.find("/./") != std::string::npos || p.ends_with("/..") ||
      p.ends_with("/."))
    return "accepted path holds a dot segment";
  if (target.size() > limits.maxTargetBytes) return "over-long target accepted";
  (void)parseDirectives(parsed.query);  // must not crash on anything
  if (auto obj = vigil::package::uri::parse(p)) {
    // Anything the layout accepts is canonical: formatting it again gives
    // back the same path, so one object has exactly one URL.
    namespace uri = vigil::package::uri;
    std::string again;
    using K = uri::ObjectPath::Kind;
    switch (obj->kind) {
      case K::Master:
        again = uri::channelPath(obj->channel, uri::kMaster);
        break;
      case K::Dash:
        again = uri::channelPath(obj->channel, uri::kDash);
        break;
      case K::MediaPlaylist:
        again = uri::channelPath(obj->channel, uri::mediaPlaylist(obj->rendition));
        break;
      case K::Init:
        again = uri::channelPath(obj->channel, obj->rendition + "/" + std::string(uri::kInit));
        break;
      case K::Segment:
        again = uri::channelPath(obj->channel, obj->rendition + "/" + uri::segment(obj->msn));
        break;
      case K::Part:
        again = uri::channelPath(obj->channel, obj->rendition + "/" + uri::part(obj->msn, obj->part));
        break;
    }
    // Leading zeros are the layout's one alias ("seg_007"); compare numbers.
    if (again != p && obj->kind != K::Segment && obj->kind != K::Part) return "non-canonical object path: " + p;
  }
  return {};
}

}  // namespace origintest
