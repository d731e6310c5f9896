// One rendition's CMAF writer: libavformat's mp4 muxer writing fragmented MP4
// into memory. The bytes before the first fragment are the init segment; each
// fragment (moof+mdat) is one part, cut at the part boundaries of the channel
// timeline and emitted as soon as its last sample is written.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/media_types.h"
#include "core/status.h"
#include "core/timeline.h"
#include "ingest/av_handles.h"

namespace vigil::pipeline {

class CmafFragmenter {
 public:
  using PartCallback = std::function<void(CmafPart)>;

  CmafFragmenter(std::string renditionId, const Timeline& timeline, PartCallback emit);
  ~CmafFragmenter();
  CmafFragmenter(const CmafFragmenter&) = delete;
  CmafFragmenter& operator=(const CmafFragmenter&) = delete;

  // Opens a one-track muxer for the stream enc produces (its extradata must be
  // set, i.e. the encoder is open) and returns the init segment. trackTimescale:
  // 90000 for video (the channel timeline), the sample rate for audio.
  Result<std::string> open(const AVCodecContext* enc, int trackTimescale);

  // pkt timestamps and duration in enc->time_base, on the channel timeline.
  // Cuts and emits a part before pkt when pkt starts past the current part's
  // end (a gap), and after it when its end reaches the part boundary.
  Status write(AVPacket* pkt);

  // Emits the partial last part (marked last in its segment) and closes the muxer.
  Status finish();

 private:
  static int onWrite(void* opaque, uint8_t* buf, int size);
  Status cut(bool lastInSegment);

  const std::string renditionId_;
  const Timeline& timeline_;
  PartCallback emit_;

  av::IoContextPtr io_;  // declared before ctx_: destroyed after it
  av::FormatContextPtr ctx_;
  AVRational packetTimeBase_{1, 90000};
  AVRational streamTimeBase_{1, 90000};
  std::string pending_;  // bytes written by the muxer since the last cut

  // The part being written (90 kHz timeline).
  bool partOpen_ = false;
  int64_t partStart_ = 0;
  int64_t partEnd_ = 0;     // the part boundary that closes it
  int64_t segmentEnd_ = 0;  // the boundary of its segment
  int64_t lastEnd_ = 0;     // end of the newest sample written
  bool independent_ = false;
  bool finished_ = false;
};

}  // namespace vigil::pipeline
