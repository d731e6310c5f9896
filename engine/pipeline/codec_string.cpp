#include "pipeline/codec_string.h"

#include <cstdio>
#include <vector>

namespace vigil::pipeline {
namespace {

std::string format(uint8_t profile, uint8_t constraints, uint8_t level) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "avc1.%02x%02x%02x", profile, constraints, level);
  return buf;
}

// The first bytes of an SPS payload with emulation prevention removed
// (00 00 03 -> 00 00); only the three bytes after the NAL header are needed.
std::vector<uint8_t> unescape(const uint8_t* p, size_t n, size_t want) {
  std::vector<uint8_t> out;
  int zeros = 0;
  for (size_t i = 0; i < n && out.size() < want; ++i) {
    if (zeros >= 2 && p[i] == 3) {
      zeros = 0;
      continue;
    }
    zeros = p[i] == 0 ? zeros + 1 : 0;
    out.push_back(p[i]);
  }
  return out;
}

}  // namespace

Result<std::string> avc1CodecString(const uint8_t* data, size_t size) {
  if (!data || size < 4) return Status::error("avc1 codec string: no decoder configuration");
  if (data[0] == 1) {  // avcC: version, profile, compatibility, level
    return format(data[1], data[2], data[3]);
  }
  // Annex B: find the first NAL unit of type 7 (SPS) after a start code.
  for (size_t i = 0; i + 3 < size; ++i) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
      const size_t nal = i + 3;
      if ((data[nal] & 0x1f) == 7) {
        auto sps = unescape(data + nal + 1, size - nal - 1, 3);
        if (sps.size() < 3) return Status::error("avc1 codec string: truncated SPS");
        return format(sps[0], sps[1], sps[2]);
      }
      i = nal - 1;
    }
  }
  return Status::error("avc1 codec string: no SPS in the decoder configuration");
}

}  // namespace vigil::pipeline
