// libFuzzer entry point over what an RTMP publisher controls before and
// after publishing: the chunk stream (fed in pieces cut where the input's
// first byte says, as reads from a socket would cut it) and the AMF0 of
// every command and data message. Build with -DVIGIL_FUZZ=ON and
// CXX=clang++; run: ./fuzz_rtmp_messages -max_total_time=60
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <span>

#include "ingest/amf0.h"
#include "ingest/rtmp_chunk.h"

using namespace vigil::ingest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::span<const uint8_t> in(data + 1, size - 1);
  rtmp::ChunkLimits limits;
  limits.maxMessageBytes = 1 << 16;  // small, so the fuzzer reaches the limits
  limits.maxPendingBytes = 1 << 17;
  limits.maxChunkStreams = 8;
  rtmp::ChunkReader reader(limits);
  std::deque<rtmp::Message> out;
  for (size_t at = 0; at < in.size(); at += piece) {
    if (!reader.feed(in.subspan(at, std::min(piece, in.size() - at)), out).isOk()) break;
    if (reader.chunkStreams() > limits.maxChunkStreams) {
      std::fprintf(stderr, "chunk stream limit broken\n");
      std::abort();
    }
  }
  for (const auto& m : out) {
    if (m.payload.size() > limits.maxMessageBytes) {
      std::fprintf(stderr, "message limit broken\n");
      std::abort();
    }
    if (m.type == rtmp::kCommandAmf0 || m.type == rtmp::kDataAmf0) {
      auto values = amf0::decodeAll(m.payload);
      if (values) {
        // What decodes re-encodes and decodes to the same values.
        std::vector<uint8_t> again;
        for (const auto& v : *values) amf0::encode(v, again);
        auto back = amf0::decodeAll(again);
        if (!back || !(*back == *values)) {
          std::fprintf(stderr, "AMF0 round trip broken\n");
          std::abort();
        }
      }
    }
  }
  return 0;
}
