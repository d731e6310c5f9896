#include "package/uri_layout.h"

#include <charconv>

namespace vigil::package::uri {
namespace {

bool parseNumber(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool consumeSuffix(std::string_view& s, std::string_view suffix) {
  if (s.size() < suffix.size() || s.substr(s.size() - suffix.size()) != suffix) return false;
  s.remove_suffix(suffix.size());
  return true;
}

bool consumePrefix(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::string mediaPlaylist(std::string_view rendition) {
  return std::string(rendition) + "/" + std::string(kMediaPlaylist);
}
std::string segment(int64_t msn) { return "seg_" + std::to_string(msn) + ".m4s"; }
std::string part(int64_t msn, int partIndex) {
  return "part_" + std::to_string(msn) + "_" + std::to_string(partIndex) + ".m4s";
}
std::string channelPath(std::string_view channel, std::string_view object) {
  return std::string(kLivePrefix) + std::string(channel) + "/" + std::string(object);
}

bool isValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<ObjectPath> parse(std::string_view path) {
  if (!consumePrefix(path, kLivePrefix)) return std::nullopt;
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ObjectPath out{};
  out.channel = std::string(path.substr(0, slash));
  if (!isValidId(out.channel)) return std::nullopt;
  std::string_view rest = path.substr(slash + 1);

  if (rest == kMaster) {
    out.kind = ObjectPath::Kind::Master;
    return out;
  }
  if (rest == kDash) {
    out.kind = ObjectPath::Kind::Dash;
    return out;
  }

  const auto slash2 = rest.find('/');
  if (slash2 == std::string_view::npos) return std::nullopt;
  out.rendition = std::string(rest.substr(0, slash2));
  if (!isValidId(out.rendition)) return std::nullopt;
  std::string_view object = rest.substr(slash2 + 1);

  if (object == kMediaPlaylist) {
    out.kind = ObjectPath::Kind::MediaPlaylist;
    return out;
  }
  if (object == kInit) {
    out.kind = ObjectPath::Kind::Init;
    return out;
  }
  if (!consumeSuffix(object, ".m4s")) return std::nullopt;
  if (consumePrefix(object, "seg_")) {
    if (!parseNumber(object, out.msn)) return std::nullopt;
    out.kind = ObjectPath::Kind::Segment;
    return out;
  }
  if (consumePrefix(object, "part_")) {
    const auto us = object.find('_');
    if (us == std::string_view::npos) return std::nullopt;
    int64_t partIndex = 0;
    if (!parseNumber(object.substr(0, us), out.msn) || !parseNumber(object.substr(us + 1), partIndex) ||
        partIndex > 1000)
      return std::nullopt;
    out.part = static_cast<int>(partIndex);
    out.kind = ObjectPath::Kind::Part;
    return out;
  }
  return std::nullopt;
}

}  // namespace vigil::package::uri
