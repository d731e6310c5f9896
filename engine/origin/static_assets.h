// The few static files the origin serves besides media: the viewer page at
// "/" (built in) and the player libraries it loads, read once at start from
// a configured directory. A fixed table of names: no request path ever
// reaches the filesystem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/media_types.h"

namespace vigil::origin {

struct StaticAsset {
  std::string path;  // request path, e.g. "/player/hls.min.js"
  std::string_view contentType;
  Bytes body;
  std::string etag;
};

class StaticAssets {
 public:
  // playerDir may be empty: then only the viewer page is served, and it says
  // how to enable the players.
  void load(const std::string& playerDir);
  const StaticAsset* find(std::string_view path) const;

 private:
  std::vector<StaticAsset> assets_;
};

}  // namespace vigil::origin
