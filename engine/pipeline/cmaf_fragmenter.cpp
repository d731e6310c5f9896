#include "pipeline/cmaf_fragmenter.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace vigil::pipeline {
namespace {

constexpr int kIoBufferSize = 64 * 1024;
constexpr AVRational kTimeline{1, static_cast<int>(kTimelineHz)};

struct DictDeleter {
  void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

}  // namespace

CmafFragmenter::CmafFragmenter(std::string renditionId, const Timeline& timeline, PartCallback emit)
    : renditionId_(std::move(renditionId)), timeline_(timeline), emit_(std::move(emit)) {}

CmafFragmenter::~CmafFragmenter() = default;

int CmafFragmenter::onWrite(void* opaque, uint8_t* buf, int size) {
  static_cast<CmafFragmenter*>(opaque)->pending_.append(reinterpret_cast<const char*>(buf), size);
  return size;
}

Result<std::string> CmafFragmenter::open(const AVCodecContext* enc, int trackTimescale) {
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr);
  if (err < 0) return av::error("mp4 muxer", err);
  ctx_.reset(raw);

  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferSize));
  if (!buffer) return Status::error("out of memory");
  io_.reset(avio_alloc_context(buffer, kIoBufferSize, 1, this, nullptr, &CmafFragmenter::onWrite, nullptr));
  if (!io_) {
    av_free(buffer);
    return Status::error("avio_alloc_context failed");
  }
  ctx_->pb = io_.get();
  ctx_->flags |= AVFMT_FLAG_CUSTOM_IO;
  // Keep the channel-timeline timestamps as they are. Without an edit list the
  // mp4 muxer would otherwise switch to "make zero", shifting the first
  // sample to 0 and making every tfdt relative to this muxer's start.
  ctx_->avoid_negative_ts = AVFMT_AVOID_NEG_TS_MAKE_NON_NEGATIVE;

  AVStream* st = avformat_new_stream(ctx_.get(), nullptr);
  if (!st) return Status::error("avformat_new_stream failed");
  if ((err = avcodec_parameters_from_context(st->codecpar, enc)) < 0) return av::error("stream parameters", err);
  st->time_base = AVRational{1, trackTimescale};
  packetTimeBase_ = enc->time_base;

  AVDictionary* rawOpts = nullptr;
  // frag_custom: we decide where fragments end (part boundaries).
  // empty_moov: the init segment carries no samples.
  // default_base_moof + cmaf: CMAF-conformant fragments (also no edit list).
  // skip_sidx/skip_trailer: live output has no index and no end.
  // frag_discont: the first fragment continues a stream that "started at 0",
  //   so tfdt = the absolute DTS on the channel timeline (with use_editlist 0).
  av_dict_set(&rawOpts, "movflags", "frag_custom+empty_moov+default_base_moof+cmaf+skip_sidx+skip_trailer+frag_discont",
              0);
  av_dict_set(&rawOpts, "use_editlist", "0", 0);
  if (enc->codec_type == AVMEDIA_TYPE_VIDEO)
    av_dict_set(&rawOpts, "video_track_timescale", std::to_string(trackTimescale).c_str(), 0);
  std::unique_ptr<AVDictionary, DictDeleter> opts(rawOpts);
  rawOpts = opts.release();
  err = avformat_write_header(ctx_.get(), &rawOpts);
  opts.reset(rawOpts);
  if (err < 0) return av::error("mp4 header", err);
  if (const AVDictionaryEntry* e = av_dict_get(opts.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    return Status::error(std::string("mp4 muxer option not supported: ") + e->key);
  streamTimeBase_ = st->time_base;
  avio_flush(ctx_->pb);
  std::string init;
  init.swap(pending_);
  if (init.empty()) return Status::error("mp4 muxer wrote no init segment");
  return init;
}

Status CmafFragmenter::write(AVPacket* pkt) {
  if (!ctx_ || finished_) return Status::error("fragmenter not open");
  const int64_t start = av_rescale_q(pkt->pts, packetTimeBase_, kTimeline);
  const int64_t end = start + av_rescale_q(pkt->duration, packetTimeBase_, kTimeline);
  if (partOpen_ && start >= partEnd_) {  // a gap (dropped frames): close the part before this packet
    if (Status s = cut(start >= segmentEnd_); !s) return s;
  }
  if (!partOpen_) {
    // The part's place comes from its start time, never from a counter.
    const int64_t segment = timeline_.segmentNumberAt(start);
    const int index = timeline_.partIndexAt(start);
    partOpen_ = true;
    partStart_ = start;
    partEnd_ = timeline_.partStart90k(segment, index + 1);
    segmentEnd_ = timeline_.segmentStart90k(segment + 1);
    independent_ = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
  }
  pkt->stream_index = 0;
  av_packet_rescale_ts(pkt, packetTimeBase_, streamTimeBase_);
  const int err = av_write_frame(ctx_.get(), pkt);
  if (err < 0) return av::error("mp4 write", err);
  lastEnd_ = end;
  // Emit as soon as the part is complete: the packet that reaches the
  // boundary is its last one, no need to wait for the next.
  if (end >= partEnd_) return cut(end >= segmentEnd_);
  return Status::ok();
}

Status CmafFragmenter::cut(bool lastInSegment) {
  int err = av_write_frame(ctx_.get(), nullptr);  // frag_custom: flush one fragment
  if (err < 0) return av::error("mp4 fragment", err);
  avio_flush(ctx_->pb);
  CmafPart part;
  part.renditionId = renditionId_;
  part.segmentNumber = timeline_.segmentNumberAt(partStart_);
  part.partIndex = timeline_.partIndexAt(partStart_);
  part.startTime90k = partStart_;
  part.duration90k = lastEnd_ - partStart_;
  part.independent = independent_;
  part.lastInSegment = lastInSegment;
  part.bytes = makeBytes(std::move(pending_));
  pending_.clear();
  partOpen_ = false;
  emit_(std::move(part));
  return Status::ok();
}

Status CmafFragmenter::finish() {
  if (!ctx_ || finished_) return Status::ok();
  finished_ = true;
  Status s = partOpen_ ? cut(true) : Status::ok();  // the stream ends: its last segment is complete
  const int err = av_write_trailer(ctx_.get());     // skip_trailer: writes nothing we keep
  pending_.clear();
  if (s && err < 0) return av::error("mp4 trailer", err);
  return s;
}

}  // namespace vigil::pipeline
