// Strict parsing of a request target (origin-form path and query) before any
// routing. Everything that could reach a path differently from how it looks
// is refused: encoded '/', '\\' and NUL, dot segments in any spelling,
// invalid or truncated escapes, control bytes. Pure functions, fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::origin {

enum class TargetError {
  None,
  BadRequest,  // 400: malformed target, hostile path, bad query
  TooLong,     // 414: target or query over the configured limits
};

struct ParsedTarget {
  std::string path;                                        // percent-decoded, canonical
  std::vector<std::pair<std::string, std::string>> query;  // decoded name/value pairs, in order
};

struct TargetLimits {
  std::size_t maxTargetBytes = 2048;
  std::size_t maxQueryBytes = 256;
};

// The same, without a string per component: each view points into the
// target itself where nothing needed decoding, else into `decoded`. Reused
// across requests, it keeps its capacity; the views are valid until the
// next parse into it and while the target's bytes live.
struct TargetView {
  std::string_view path;
  std::vector<std::pair<std::string_view, std::string_view>> query;
  std::string decoded;
};

// Splits an origin-form target ("/path?query"), decodes and validates both
// parts. Absolute-form and asterisk-form targets are BadRequest.
TargetError parseTarget(std::string_view target, const TargetLimits& limits, ParsedTarget& out);
TargetError parseTarget(std::string_view target, const TargetLimits& limits, TargetView& out);

// Strict percent-decoding of a path: returns nullopt for invalid escapes,
// encoded '/', '\\' or NUL, raw '\\', control bytes, and '.'/'..' segments.
std::optional<std::string> decodePath(std::string_view raw);

// Delivery directives of a media playlist request (rfc8216bis 6.2.5).
struct PlaylistDirectives {
  std::optional<int64_t> msn;  // _HLS_msn
  std::optional<int> part;     // _HLS_part
  bool skip = false;           // _HLS_skip=YES or v2
  bool blocking() const { return msn.has_value(); }
};

// Validates the _HLS_ directives: decimal integers only, no duplicates,
// _HLS_part requires _HLS_msn (6.2.5.2), _HLS_skip is YES or v2 (6.2.5.1).
// Other parameters are ignored (players add cache busters). nullopt: 400.
std::optional<PlaylistDirectives> parseDirectives(const std::vector<std::pair<std::string, std::string>>& query);
std::optional<PlaylistDirectives> parseDirectives(std::span<const std::pair<std::string_view, std::string_view>> query);

}  // namespace vigil::origin
