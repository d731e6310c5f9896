// RFC 6381 codec strings for manifests (HLS CODECS, DASH @codecs), derived
// from what the encoder actually produced rather than from its settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace vigil::pipeline {

// "avc1.PPCCLL" from H.264 decoder configuration: either an avcC record
// (mp4 style, first byte 1) or Annex B NAL units (start codes, as libx264
// emits with AV_CODEC_FLAG_GLOBAL_HEADER). PP = profile_idc, CC = the
// constraint_set flags byte, LL = level_idc of the first SPS, in hex.
Result<std::string> avc1CodecString(const uint8_t* data, size_t size);

}  // namespace vigil::pipeline
