// The engine's one wall clock: UTC microseconds since the Unix epoch. The
// channel timeline maps onto it (core/timeline.h).
#pragma once

#include <chrono>
#include <cstdint>

namespace vigil {

inline int64_t nowUtcUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace vigil
