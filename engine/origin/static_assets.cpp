#include "origin/static_assets.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/log.h"

namespace vigil::origin {

extern const char kViewerHtml[];  // generated from resources/web/viewer.html

namespace {

std::string etagOf(const std::string& body) {
  // snprintf, not string concatenation: GCC 12 reports a false -Wrestrict on that at -O3.
  char etag[48];
  std::snprintf(etag, sizeof etag, "\"%zx-%zx\"", std::hash<std::string>{}(body), body.size());
  return etag;
}

}  // namespace

void StaticAssets::load(const std::string& playerDir) {
  assets_.clear();
  auto add = [this](std::string path, std::string_view type, std::string body) {
    std::string etag = etagOf(body);
    assets_.push_back({std::move(path), type, makeBytes(std::move(body)), std::move(etag)});
  };
  add("/", "text/html; charset=utf-8", kViewerHtml);
  if (playerDir.empty()) return;
  // The fixed names the viewer page loads.
  for (const char* name : {"hls.min.js", "dash.all.min.js"}) {
    std::ifstream in(playerDir + "/" + name, std::ios::binary);
    if (!in) {
      log::get("origin")->warn("player library {}/{} not found: the viewer cannot use it", playerDir, name);
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    add(std::string("/player/") + name, "text/javascript; charset=utf-8", ss.str());
  }
}

const StaticAsset* StaticAssets::find(std::string_view path) const {
  for (const auto& a : assets_)
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace vigil::origin
