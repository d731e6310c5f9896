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
// refused: it would let one string name two different resources.
std::optional<std::string> percentDecode(std::string_view raw, bool isPath) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;  // truncated escape
      const int hi = hexValue(raw[i + 1]);
      const int lo = hexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
      if (decoded == 0 || isControl(decoded)) return std::nullopt;
      if (isPath && (decoded == '/' || decoded == '\\')) return std::nullopt;
      out.push_back(static_cast<char>(decoded));
      i += 2;
      continue;
    }
    if (isControl(static_cast<unsigned char>(c)) || c == '\\') return std::nullopt;
    out.push_back(c);
  }
  return out;
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
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  auto decoded = percentDecode(raw, true);
  if (!decoded) return std::nullopt;
  // Refuse dot segments however they were spelled ("..", "%2e%2e", ".%2E").
  std::string_view p = *decoded;
  std::size_t start = 1;
  while (start <= p.size()) {
    const std::size_t end = std::min(p.find('/', start), p.size());
    const std::string_view seg = p.substr(start, end - start);
    if (seg == "." || seg == "..") return std::nullopt;
    start = end + 1;
  }
  return decoded;
}

TargetError parseTarget(std::string_view target, const TargetLimits& limits, ParsedTarget& out) {
  out.path.clear();
  out.query.clear();
  if (target.size() > limits.maxTargetBytes) return TargetError::TooLong;
  // Origin-form only: absolute-form ("http://host/...") is for proxies.
  if (target.empty() || target.front() != '/') return TargetError::BadRequest;
  const std::size_t q = target.find('?');
  const std::string_view rawPath = target.substr(0, q);
  if (rawPath.find('#') != std::string_view::npos) return TargetError::BadRequest;
  auto path = decodePath(rawPath);
  if (!path) return TargetError::BadRequest;
  out.path = std::move(*path);
  if (q == std::string_view::npos) return TargetError::None;

  const std::string_view rawQuery = target.substr(q + 1);
  if (rawQuery.size() > limits.maxQueryBytes) return TargetError::TooLong;
  std::size_t start = 0;
  while (start <= rawQuery.size() && !rawQuery.empty()) {
    const std::size_t end = std::min(rawQuery.find('&', start), rawQuery.size());
    const std::string_view item = rawQuery.substr(start, end - start);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      auto name = percentDecode(item.substr(0, eq), false);
      auto value = percentDecode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), false);
      if (!name || !value || name->empty()) return TargetError::BadRequest;
      out.query.emplace_back(std::move(*name), std::move(*value));
    }
    start = end + 1;
  }
  return TargetError::None;
}

std::optional<PlaylistDirectives> parseDirectives(const std::vector<std::pair<std::string, std::string>>& query) {
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

}  // namespace vigil::origin
