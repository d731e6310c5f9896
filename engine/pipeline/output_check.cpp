#include "pipeline/output_check.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
}

namespace vigil::pipeline {
namespace {

constexpr AVRational kTimeline{1, static_cast<int>(kTimelineHz)};

}  // namespace

OutputCheck::OutputCheck(const Timeline& timeline, AVRational timeBase)
    : timeline_(timeline), timeBase_(timeBase), frame_(av::allocFrame()) {}

OutputCheck::~OutputCheck() = default;

Result<std::unique_ptr<OutputCheck>> OutputCheck::open(const AVCodecContext* encoder, const Timeline& timeline) {
  const AVCodec* codec = avcodec_find_decoder(encoder->codec_id);
  if (!codec) return Status::error(std::string("no decoder for ") + avcodec_get_name(encoder->codec_id));
  std::unique_ptr<OutputCheck> c(new OutputCheck(timeline, encoder->time_base));
  c->decoder_.reset(avcodec_alloc_context3(codec));
  av::ParametersPtr par(avcodec_parameters_alloc());
  if (!c->decoder_ || !par || !c->frame_) return Status::error("out of memory");
  int err = avcodec_parameters_from_context(par.get(), encoder);
  if (err >= 0) err = avcodec_parameters_to_context(c->decoder_.get(), par.get());
  if (err < 0) return av::error("output check: decoder parameters", err);
  c->decoder_->pkt_timebase = encoder->time_base;
  c->decoder_->thread_count = 1;  // one frame in, one out, on the rendition's thread
  // Bitstream errors and 8x8 block means do not need the deblocking filter,
  // a third of an H.264 decode.
  c->decoder_->skip_loop_filter = AVDISCARD_ALL;
  if (err = avcodec_open2(c->decoder_.get(), codec, nullptr); err < 0)
    return av::error("output check: open decoder", err);
  return c;
}

void OutputCheck::check(const AVPacket* pkt) {
  auto& counts = segments_[timeline_.segmentNumberAt(av_rescale_q(pkt->pts, timeBase_, kTimeline))];
  counts.checked = true;
  AVCodecContext* d = decoder_.get();
  if (avcodec_send_packet(d, pkt) < 0) {
    ++counts.decodeErrors;
    return;
  }
  int pictures = 0;
  for (;;) {
    const int err = avcodec_receive_frame(d, frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
    if (err < 0) {
      ++counts.decodeErrors;
      break;
    }
    ++pictures;
    const int64_t pts = frame_->best_effort_timestamp != AV_NOPTS_VALUE ? frame_->best_effort_timestamp : pkt->pts;
    auto& own = segments_[timeline_.segmentNumberAt(av_rescale_q(pts, timeBase_, kTimeline))];
    own.checked = true;
    measure(frame_.get(), own);
    av_frame_unref(frame_.get());
  }
  // The encoders run without reordering (zerolatency, no B-frames): every
  // video packet is a picture at once, and one that is not was not decodable.
  if (pictures == 0 && d->codec_type == AVMEDIA_TYPE_VIDEO) ++counts.decodeErrors;
}

void OutputCheck::measure(const AVFrame* frame, vigil::OutputCheck& counts) {
  ++counts.frames;
  if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0) ++counts.decodeErrors;
  if (decoder_->codec_type == AVMEDIA_TYPE_AUDIO) {
    if (ingest::audioPeak(frame) < ingest::kSilencePeak) ++counts.silent;
    return;
  }
  const ingest::PictureSignature sig = ingest::signatureOf(frame);
  if (!sig.valid) return;
  if (ingest::isBlack(sig)) ++counts.black;
  if (previous_.valid && ingest::isRepeat(previous_, sig)) ++counts.frozen;
  previous_ = sig;
}

vigil::OutputCheck OutputCheck::take(int64_t segment) {
  vigil::OutputCheck out;
  while (!segments_.empty() && segments_.begin()->first <= segment) {
    const auto& c = segments_.begin()->second;
    out.checked = true;
    out.frames += c.frames;
    out.decodeErrors += c.decodeErrors;
    out.black += c.black;
    out.frozen += c.frozen;
    out.silent += c.silent;
    segments_.erase(segments_.begin());
  }
  return out;
}

}  // namespace vigil::pipeline
