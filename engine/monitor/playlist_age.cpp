#include "monitor/playlist_age.h"

#include <chrono>

namespace vigil::monitor {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// A decimal number of seconds ("2.000", "0.2", "4") in microseconds.
std::optional<int64_t> secondsUs(std::string_view s) {
  int64_t whole = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) whole = whole * 10 + (s[i] - '0');
  if (i == 0 && (i >= s.size() || s[i] != '.')) return std::nullopt;
  int64_t frac = 0;
  int64_t scale = 1'000'000;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (scale > 1) {
        scale /= 10;
        frac += (s[i] - '0') * scale;
      }
    }
  }
  return whole * 1'000'000 + frac;
}

// The value of an attribute-list attribute (unquoted), e.g. DURATION.
std::string_view attribute(std::string_view list, std::string_view name) {
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t eq = list.find('=', pos);
    if (eq == std::string_view::npos) break;
    const std::string_view key = list.substr(pos, eq - pos);
    size_t end = eq + 1;
    if (end < list.size() && list[end] == '"') {
      end = list.find('"', end + 1);
      end = end == std::string_view::npos ? list.size() : end + 1;
    } else {
      end = list.find(',', end);
      if (end == std::string_view::npos) end = list.size();
    }
    if (key == name) return list.substr(eq + 1, end - eq - 1);
    pos = end + 1;
  }
  return {};
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::optional<int64_t> parseDateTimeUs(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  size_t i = 19;
  int64_t fracUs = 0;
  if (i < s.size() && s[i] == '.') {
    int64_t scale = 100'000;
    size_t start = ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      fracUs += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (i == start) return std::nullopt;
  }
  int64_t offsetS = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    int oh, om;
    if (!digits(s, i + 1, 2, oh)) return std::nullopt;
    size_t m = i + 3;
    if (m < s.size() && s[m] == ':') ++m;
    if (!digits(s, m, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offsetS = sign * (oh * 3600 + om * 60);
    i = m + 2;
  } else {
    return std::nullopt;  // a date-time without a zone is ambiguous
  }
  if (i != s.size()) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const int64_t days = sys_days{ymd}.time_since_epoch().count();
  const int64_t seconds = days * 86400 + h * 3600 + mi * 60 + sec - offsetS;
  return seconds * 1'000'000 + fracUs;
}

std::optional<PlaylistEdge> scanPlaylistEdge(std::string_view text) {
  std::optional<PlaylistEdge> edge;
  int64_t partsUs = 0;  // parts since the last full segment (or the PDT)
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 4 || line[0] != '#') continue;
    if (startsWith(line, "#EXT-X-PROGRAM-DATE-TIME:")) {
      const auto t = parseDateTimeUs(line.substr(25));
      if (!t) {
        edge.reset();  // a PDT we cannot read: what follows has no known time
        continue;
      }
      edge = PlaylistEdge{*t, 0, 0, 0};
      partsUs = 0;
    } else if (!edge) {
      continue;
    } else if (startsWith(line, "#EXTINF:")) {
      const std::string_view value = line.substr(8);
      const auto us = secondsUs(value.substr(0, value.find(',')));
      if (!us) continue;
      edge->afterUs += *us;
      ++edge->segments;
      partsUs = 0;  // the segment's parts were its own media
      edge->parts = 0;
    } else if (startsWith(line, "#EXT-X-PART:")) {
      const auto us = secondsUs(attribute(line.substr(12), "DURATION"));
      if (!us) continue;
      partsUs += *us;
      ++edge->parts;
    }
  }
  if (edge) edge->afterUs += partsUs;
  return edge;
}

}  // namespace vigil::monitor
