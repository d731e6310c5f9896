// libFuzzer entry point over the origin's request-target parsing: percent
// decoding, dot-segment and encoded-separator refusal, query and _HLS_
// directive parsing, and the URL layout. Build with -DVIGIL_FUZZ=ON and
// CXX=clang++; run: ./fuzz_request_target -max_total_time=60
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "request_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const std::string broken = origintest::checkTargetInvariants(target);
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
