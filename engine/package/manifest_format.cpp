#include "package/manifest_format.h"

#include <chrono>

#include <fmt/format.h>

namespace vigil::package::format {
namespace {
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
}  // namespace

void appendIsoUtc(std::string& out, int64_t utcUs) {
  using namespace std::chrono;
  const int64_t ms = floorDiv(utcUs + 500, 1000);  // nearest millisecond
  const int64_t days = floorDiv(ms, 86'400'000);
  const int64_t msOfDay = ms - days * 86'400'000;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(ymd.year()),
                 unsigned(ymd.month()), unsigned(ymd.day()), msOfDay / 3'600'000, msOfDay / 60'000 % 60,
                 msOfDay / 1000 % 60, msOfDay % 1000);
}

std::string isoUtc(int64_t utcUs) {
  std::string s;
  appendIsoUtc(s, utcUs);
  return s;
}

void appendSeconds3(std::string& out, int64_t us) {
  const int64_t ms = floorDiv(us + 500, 1000);
  fmt::format_to(std::back_inserter(out), "{}.{:03}", ms / 1000, ms % 1000);
}

void appendSeconds3Ceil(std::string& out, int64_t us) {
  const int64_t ms = floorDiv(us + 999, 1000);
  fmt::format_to(std::back_inserter(out), "{}.{:03}", ms / 1000, ms % 1000);
}

std::string xsDuration(int64_t us) {
  const char* sign = us < 0 ? "-" : "";
  if (us < 0) us = -us;
  const int64_t whole = us / 1'000'000;
  int64_t frac = us % 1'000'000;
  if (frac == 0) return fmt::format("{}PT{}S", sign, whole);
  // Trim trailing zeros: PT0.6S, PT1.234567S.
  int digits = 6;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  return fmt::format("{}PT{}.{:0{}}S", sign, whole, frac, digits);
}

int64_t rescale(int64_t v, int64_t from, int64_t to) {
  // Split so that no intermediate product overflows for timescales below 2^31.
  return floorDiv(v, from) * to + floorDiv((v - floorDiv(v, from) * from) * to, from);
}

}  // namespace vigil::package::format
