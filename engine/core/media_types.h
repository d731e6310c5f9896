// The value types that flow down the signal path: pipeline -> packager -> origin.
// They are small, immutable once published, and share their bytes (one buffer
// answers every HTTP request for an object).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace vigil {

// Immutable shared bytes of a published object (init segment, part, manifest).
using Bytes = std::shared_ptr<const std::string>;
inline Bytes makeBytes(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

// The channel timeline runs at 90 kHz (DESIGN.md contract 1).
inline constexpr int64_t kTimelineHz = 90000;

enum class TrackKind { Video, Audio };

// What the packager needs to describe one rendition in HLS and DASH manifests.
// Filled in by the pipeline once the encoder is open (codecs come from its SPS).
struct RenditionInfo {
  std::string id;  // URI-safe: "v0", "v1", ..., "a0"
  TrackKind kind = TrackKind::Video;
  std::string codecs;           // RFC 6381: "avc1.64001f", "mp4a.40.2"
  int64_t bitrateBps = 0;       // target (average) bitrate
  int64_t peakBitrateBps = 0;   // maxrate (VBV) or target when unset
  int timescale = kTimelineHz;  // mp4 track timescale (audio: sample rate)
  // Video only.
  int width = 0;
  int height = 0;
  double frameRate = 0;
  // Audio only.
  int sampleRate = 0;
  int channels = 0;
  std::string language = "und";
};

// The init segment (ftyp+moov) of one rendition.
struct CmafInit {
  RenditionInfo rendition;
  Bytes bytes;
};

// What a pipeline's decode of its own output showed over one segment of one
// rendition, carried on the segment's last part (checked false: no decode).
struct OutputCheck {
  bool checked = false;
  int frames = 0;        // decoded (video pictures, audio frames)
  int decodeErrors = 0;  // packets the decoder refused, frames it flagged corrupt
  int black = 0;         // video: pictures black as blackdetect defines it
  int frozen = 0;        // video: pictures that repeat the one before
  int silent = 0;        // audio: frames under -60 dBFS
  int dropped = 0;       // frames the encoder never saw (its queue was full)
};

// One CMAF chunk (moof+mdat) = one LL-HLS partial segment. Its position is
// derived from its start time on the channel timeline, never from a counter:
//   segmentNumber = floor(startTime90k / segmentDuration90k)
//   partIndex     = floor((startTime90k - segmentNumber*segmentDuration90k) / partDuration90k)
struct CmafPart {
  std::string renditionId;
  int64_t segmentNumber = 0;
  int partIndex = 0;
  int64_t startTime90k = 0;  // PTS of the first sample on the channel timeline
  int64_t duration90k = 0;
  bool independent = false;    // starts with an IDR (audio: always)
  bool lastInSegment = false;  // the segment is complete once this part is published
  Bytes bytes;
  OutputCheck check;  // on the segment's last part, from a pipeline that checks its output
};

}  // namespace vigil
