// Number and time formatting shared by the HLS and DASH builders. Everything
// is integer arithmetic on microseconds or 90 kHz ticks, so the same input
// always renders the same bytes (golden files depend on it).
#pragma once

#include <cstdint>
#include <string>

namespace vigil::package::format {

// ISO 8601 / xs:dateTime in UTC, rounded to the nearest millisecond: "2024-05-01T12:00:00.000Z".
std::string isoUtc(int64_t utcUs);
void appendIsoUtc(std::string& out, int64_t utcUs);

// Seconds with exactly three decimals, rounded to the nearest millisecond: "2.000".
void appendSeconds3(std::string& out, int64_t us);
// Same, rounded up to the next millisecond (for upper bounds such as PART-TARGET,
// so that no rounded DURATION can exceed it).
void appendSeconds3Ceil(std::string& out, int64_t us);

// xs:duration in seconds: "PT2S", "PT0.6S", "PT1234.567891S".
std::string xsDuration(int64_t us);

// v * to / from without overflow (timescale changes of timeline values).
int64_t rescale(int64_t v, int64_t from, int64_t to);

}  // namespace vigil::package::format
