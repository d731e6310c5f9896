#include "origin/request_target.h"

#include <charconv>

namespace vigil::origin {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Decodes %XX escapes. In a path, an escape that produces '/', '\\' or NUL is
// refused: it would let one string name two different resources. Without
// escapes the result is `raw` itself; else the decoded bytes are appended to
// `store`, whose capacity the caller has reserved (so earlier views stay valid).
bool percentDecode(std::string_view raw, bool isPath, std::string& store, std::string_view& out) {
  const std::size_t firstEscape = raw.find('%');
  for (std::size_t i = 0; i < std::min(firstEscape, raw.size()); ++i)
    if (isControl(static_cast<unsigned char>(raw[i])) || raw[i] == '\\') return false;
  if (firstEscape == std::string_view::npos) {
    out = raw;
    return true;
  }
  const std::size_t begin = store.size();
  store.append(raw.substr(0, firstEscape));
  for (std::size_t i = firstEscape; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return false;  // truncated escape
      const int hi = hexValue(raw[i + 1]);
      const int lo = hexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return false;
      const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
      if (decoded == 0 || isControl(decoded)) return false;
      if (isPath && (decoded == '/' || decoded == '\\')) return false;
      store.push_back(static_cast<char>(decoded));
      i += 2;
      continue;
    }
    if (isControl(static_cast<unsigned char>(c)) || c == '\\') return false;
    store.push_back(c);
  }
  out = std::string_view(store).substr(begin);
  return true;
}

// decodePath on a view: `store` as for percentDecode.
bool decodePathInto(std::string_view raw, std::string& store, std::string_view& out) {
  if (raw.empty() || raw.front() != '/') return false;
  std::string_view p;
  if (!percentDecode(raw, true, store, p)) return false;
  // Refuse dot segments however they were spelled ("..", "%2e%2e", ".%2E").
  std::size_t start = 1;
  while (start <= p.size()) {
    const std::size_t end = std::min(p.find('/', start), p.size());
    const std::string_view seg = p.substr(start, end - start);
    if (seg == "." || seg == "..") return false;
    start = end + 1;
  }
  out = p;
  return true;
}

bool parseDecimal(std::string_view s, int64_t maxValue, int64_t& out) {
  // rfc8216bis decimal-integer: digits only, no sign, no whitespace.
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out <= maxValue;
}

}  // namespace

std::optional<std::string> decodePath(std::string_view raw) {
  std::string store;
  store.reserve(raw.size());
  std::string_view path;
  if (!decodePathInto(raw, store, path)) return std::nullopt;
  return std::string(path);
}

TargetError parseTarget(std::string_view target, const TargetLimits& limits, TargetView& out) {
  out.path = {};
  out.query.clear();
  out.decoded.clear();
  if (target.size() > limits.maxTargetBytes) return TargetError::TooLong;
  // Origin-form only: absolute-form ("http://host/...") is for proxies.
  if (target.empty() || target.front() != '/') return TargetError::BadRequest;
  // Decoding never grows a component, so this holds every decoded byte and
  // the views into it stay valid.
  out.decoded.reserve(target.size());
  const std::size_t q = target.find('?');
  const std::string_view rawPath = target.substr(0, q);
  if (rawPath.find('#') != std::string_view::npos) return TargetError::BadRequest;
  if (!decodePathInto(rawPath, out.decoded, out.path)) return TargetError::BadRequest;
  if (q == std::string_view::npos) return TargetError::None;

  const std::string_view rawQuery = target.substr(q + 1);
  if (rawQuery.size() > limits.maxQueryBytes) return TargetError::TooLong;
  std::size_t start = 0;
  while (start <= rawQuery.size() && !rawQuery.empty()) {
    const std::size_t end = std::min(rawQuery.find('&', start), rawQuery.size());
    const std::string_view item = rawQuery.substr(start, end - start);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      std::string_view name, value;
      if (!percentDecode(item.substr(0, eq), false, out.decoded, name) ||
          !percentDecode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), false, out.decoded,
                         value) ||
          name.empty())
        return TargetError::BadRequest;
      out.query.emplace_back(name, value);
    }
    start = end + 1;
  }
  return TargetError::None;
}

TargetError parseTarget(std::string_view target, const TargetLimits& limits, ParsedTarget& out) {
  out.path.clear();
  out.query.clear();
  TargetView view;
  const TargetError err = parseTarget(target, limits, view);
  if (err != TargetError::None) return err;
  out.path = view.path;
  for (const auto& [name, value] : view.query) out.query.emplace_back(name, value);
  return TargetError::None;
}

namespace {

template <class Query>
std::optional<PlaylistDirectives> directivesOf(const Query& query) {
  PlaylistDirectives d;
  bool sawSkip = false;
  for (const auto& [name, value] : query) {
    if (name == "_HLS_msn") {
      int64_t v = 0;
      if (d.msn || !parseDecimal(value, INT64_MAX / 2, v)) return std::nullopt;
      d.msn = v;
    } else if (name == "_HLS_part") {
      int64_t v = 0;
      // A part index beyond any sane parts-per-segment is malformed, not "later".
      if (d.part || !parseDecimal(value, 100000, v)) return std::nullopt;
      d.part = static_cast<int>(v);
    } else if (name == "_HLS_skip") {
      if (sawSkip || (value != "YES" && value != "v2")) return std::nullopt;
      sawSkip = true;
      d.skip = true;
    }
  }
  if (d.part && !d.msn) return std::nullopt;  // rfc8216bis 6.2.5.2: MUST return 400
  return d;
}

}  // namespace

std::optional<PlaylistDirectives> parseDirectives(const std::vector<std::pair<std::string, std::string>>& query) {
  return directivesOf(query);
}

std::optional<PlaylistDirectives> parseDirectives(
    std::span<const std::pair<std::string_view, std::string_view>> query) {
  return directivesOf(query);
}

}  // namespace vigil::origin
