#include "pipeline/rendition_worker.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "core/clock.h"
#include "core/log.h"
#include "pipeline/codec_string.h"

namespace vigil::pipeline {
namespace {

constexpr AVRational kTimeline{1, static_cast<int>(kTimelineHz)};

Status setOpt(AVCodecContext* c, const char* key, const std::string& value) {
  const int err = av_opt_set(c->priv_data, key, value.c_str(), 0);
  return err < 0 ? av::error(std::string("encoder option ") + key + "=" + value, err) : Status::ok();
}

// A fixed thread count keeps x264's output deterministic across machines
// (with zerolatency, threads are slices, and the slice count shapes the
// bitstream). Small rungs use one thread: the ladder's parallelism comes
// from running the renditions side by side.
int x264Threads(const VideoRenditionSpec& spec) { return spec.height > 540 ? 2 : 1; }

}  // namespace

RenditionWorker::RenditionWorker(const std::string& channelId, RenditionInfo info, const Timeline& timeline,
                                 PartSink* sink, OverflowPolicy policy, size_t queueFrames,
                                 std::chrono::microseconds burstWait)
    : channelId_(channelId),
      logContext_("[ch=" + channelId + " r=" + info.id + "]"),
      info_(std::move(info)),
      timeline_(timeline),
      sink_(sink),
      queue_(channelId + "/" + info_.id + "/encode", queueFrames, policy, burstWait),
      packet_(av::allocPacket()),
      fragmenter_(info_.id, timeline, [this](CmafPart part) { onPart(std::move(part)); }) {}

RenditionWorker::~RenditionWorker() {
  close();
  join();
}

Result<std::unique_ptr<RenditionWorker>> RenditionWorker::openVideo(const std::string& channelId,
                                                                    const VideoRenditionSpec& spec,
                                                                    const Timeline& timeline, PartSink* sink,
                                                                    OverflowPolicy policy, size_t queueFrames,
                                                                    std::chrono::microseconds burstWait) {
  RenditionInfo info;
  info.id = spec.id;
  info.kind = TrackKind::Video;
  info.bitrateBps = spec.bitrateBps;
  const VideoRateControl rate = videoRateControl(spec, timeline.segmentDuration90k());
  info.peakBitrateBps = rate.segmentPeakBps;
  info.timescale = static_cast<int>(kTimelineHz);
  info.width = spec.width;
  info.height = spec.height;
  info.frameRate = double(spec.frameRateNum) / spec.frameRateDen;
  std::unique_ptr<RenditionWorker> w(
      new RenditionWorker(channelId, info, timeline, sink, policy, queueFrames, burstWait));

  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) return Status::error("libx264 encoder not available");
  w->encoder_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = w->encoder_.get();
  if (!c) return Status::error("out of memory");
  const int framesPerSegment =
      static_cast<int>(av_rescale(timeline.segmentDuration90k(), spec.frameRateNum, kTimelineHz * spec.frameRateDen));
  c->width = spec.width;
  c->height = spec.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = kTimeline;  // pts = channel timeline
  c->framerate = AVRational{spec.frameRateNum, spec.frameRateDen};
  c->sample_aspect_ratio = AVRational{1, 1};
  c->bit_rate = spec.bitrateBps;
  c->rc_max_rate = rate.maxrateBps;
  c->rc_buffer_size = static_cast<int>(rate.bufsizeBits);
  c->max_b_frames = 0;
  // Longer than a segment: the only keyframes are the ones forced at segment boundaries.
  c->gop_size = 2 * framesPerSegment;
  c->thread_count = x264Threads(spec);
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // SPS/PPS in extradata -> avcC in the init segment
  if (!spec.level.empty()) {                // "4.1" -> level_idc 41
    char* end = nullptr;
    const double level = std::strtod(spec.level.c_str(), &end);
    if (end == spec.level.c_str() || *end != '\0' || level <= 0) return Status::error("invalid level " + spec.level);
    c->level = static_cast<int>(std::lround(level * 10));
  }

  // zerolatency: no B-frames and no lookahead, so one frame in gives one
  // packet out (low part latency) and every rung has the same GOP structure
  // (no composition-offset skew between rungs). forced-idr is the libx264
  // wrapper's option (x264 itself has no such param): it turns a frame sent
  // with pict_type I into an IDR. scenecut=0 and a keyint of two segments
  // leave the forced boundary IDRs as the only keyframes.
  for (Status s :
       {setOpt(c, "preset", spec.preset), setOpt(c, "tune", "zerolatency"), setOpt(c, "profile", spec.profile),
        setOpt(c, "forced-idr", "1"), setOpt(c, "x264-params", "scenecut=0:keyint=" + std::to_string(c->gop_size))})
    if (!s) return s;
  int err = avcodec_open2(c, codec, nullptr);
  if (err < 0) return av::error("open libx264 for " + spec.id, err);

  auto codecs = avc1CodecString(c->extradata, static_cast<size_t>(c->extradata_size));
  if (!codecs) return codecs.status();
  w->info_.codecs = *codecs;
  w->frameDuration90k_ = av_rescale(kTimelineHz, spec.frameRateDen, spec.frameRateNum);
  if (Status s = w->openMuxer(); !s) return s;
  return w;
}

Result<std::unique_ptr<RenditionWorker>> RenditionWorker::openAudio(const std::string& channelId,
                                                                    const AudioRenditionSpec& spec,
                                                                    const Timeline& timeline, PartSink* sink,
                                                                    OverflowPolicy policy, size_t queueFrames) {
  RenditionInfo info;
  info.id = spec.id;
  info.kind = TrackKind::Audio;
  info.codecs = "mp4a.40.2";  // AAC-LC, the native encoder's default profile
  info.bitrateBps = spec.bitrateBps;
  info.peakBitrateBps = spec.bitrateBps;
  info.timescale = spec.sampleRate;
  info.sampleRate = spec.sampleRate;
  info.channels = spec.channels;
  info.language = spec.language;
  std::unique_ptr<RenditionWorker> w(new RenditionWorker(channelId, info, timeline, sink, policy, queueFrames));

  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  if (!codec) return Status::error("aac encoder not available");
  w->encoder_.reset(avcodec_alloc_context3(codec));
  AVCodecContext* c = w->encoder_.get();
  if (!c) return Status::error("out of memory");
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = spec.sampleRate;
  av_channel_layout_default(&c->ch_layout, spec.channels);
  c->bit_rate = spec.bitrateBps;
  c->time_base = AVRational{1, spec.sampleRate};
  c->profile = FF_PROFILE_AAC_LOW;
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  int err = avcodec_open2(c, codec, nullptr);
  if (err < 0) return av::error("open aac for " + spec.id, err);
  if (Status s = w->openMuxer(); !s) return s;
  return w;
}

Status RenditionWorker::openMuxer() {
  const int timescale = info_.kind == TrackKind::Video ? static_cast<int>(kTimelineHz) : info_.sampleRate;
  auto init = fragmenter_.open(encoder_.get(), timescale);
  if (!init) return init.status();
  log::get("pipeline")
      ->info("{} {} {} init {} bytes", logContext_, info_.codecs,
             info_.kind == TrackKind::Video ? std::to_string(info_.width) + "x" + std::to_string(info_.height)
                                            : std::to_string(info_.sampleRate) + " Hz",
             init->size());
  sink_->onInit(CmafInit{info_, makeBytes(std::move(*init))});
  return Status::ok();
}

Status RenditionWorker::checkOutput() {
  auto check = OutputCheck::open(encoder_.get(), timeline_);
  if (!check) return check.status();
  check_ = std::move(*check);
  return Status::ok();
}

void RenditionWorker::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

bool RenditionWorker::push(av::FramePtr frame) {
  if (!queue_.push(std::move(frame))) return false;
  ++framesIn_;
  return true;
}

void RenditionWorker::close() { queue_.close(); }

void RenditionWorker::join() {
  if (thread_.joinable()) thread_.join();
}

void RenditionWorker::run() {
  auto logger = log::get("pipeline");
  Status status;
  while (auto frame = queue_.pop()) {
    if (status = encode(frame->get()); !status) break;
  }
  finishing_ = true;
  if (status) status = encode(nullptr);
  if (status) status = fragmenter_.finish();
  if (!status) {
    // Keep draining so the producer never blocks on a dead rendition.
    logger->error("{} {}", logContext_, status.message());
    if (onError_) onError_(status.message());
    while (queue_.pop()) {
    }
  }
  logger->info("{} ended: {} frames in, {} out, {} parts, {} bytes, {} dropped", logContext_, framesIn_.load(),
               framesOut_.load(), partsOut_.load(), bytesOut_.load(), queue_.dropped());
}

Status RenditionWorker::encode(AVFrame* frame) {
  AVCodecContext* c = encoder_.get();
  const auto t0 = std::chrono::steady_clock::now();
  if (frame && injectError_.exchange(false)) return Status::error("encode: injected encoder error (test hook)");
  if (frame) {
    if (info_.kind == TrackKind::Video) {
      // An IDR on the first frame at or after every segment boundary: the same
      // PTS in every rung, since every rung sees the boundary frame.
      // (Or of every part, when asked: every part then decodes on its own.)
      const int64_t unit =
          idrEveryPart_ ? frame->pts / timeline_.partDuration90k() : timeline_.segmentNumberAt(frame->pts);
      frame->pict_type = unit != lastIdrUnit_ ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
      lastIdrUnit_ = unit;
    } else {
      if (frame->format != c->sample_fmt || frame->sample_rate != c->sample_rate ||
          frame->ch_layout.nb_channels != c->ch_layout.nb_channels || frame->nb_samples > c->frame_size)
        return Status::error("audio frames must be fltp, " + std::to_string(c->sample_rate) + " Hz, " +
                             std::to_string(c->ch_layout.nb_channels) +
                             " channels, <= " + std::to_string(c->frame_size) + " samples");
      frame->pts = av_rescale_q(frame->pts, kTimeline, c->time_base);
      if (firstAudioPts_ == AV_NOPTS_VALUE) firstAudioPts_ = frame->pts;
    }
  }
  int err = avcodec_send_frame(c, frame);
  if (err < 0 && err != AVERROR_EOF) return av::error("send frame to encoder", err);
  Status status;
  while (status) {
    err = avcodec_receive_packet(c, packet_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
    if (err < 0) return av::error("encode", err);
    if (info_.kind == TrackKind::Video) {
      packet_->duration = frameDuration90k_;
    } else if (packet_->pts < firstAudioPts_) {
      // The AAC encoder's priming frame lies before the first input sample,
      // i.e. before the period start. A live CMAF track has no edit list to
      // hide it, so it is dropped: every part then starts at or after its
      // boundary (a decoder fades in over the first 21 ms).
      av_packet_unref(packet_.get());
      continue;
    }
    ++framesOut_;
    if (check_) check_->check(packet_.get());  // before the fragmenter rescales it
    status = fragmenter_.write(packet_.get());
    av_packet_unref(packet_.get());
  }
  encodeNs_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  return status;
}

void RenditionWorker::onPart(CmafPart part) {
  // A part that ends more than a frame and a half before its boundary lost
  // frames at its end (the next one went past the boundary): players see a
  // hole there. Not the flushed last part, nor a first part (it may start late).
  const int64_t frame90k = info_.kind == TrackKind::Video ? frameDuration90k_
                                                          : av_rescale(std::max(1, encoder_->frame_size), kTimelineHz,
                                                                       std::max(1, info_.sampleRate));
  const int64_t end90k = part.startTime90k + part.duration90k;
  const int64_t boundary90k = timeline_.partStart90k(part.segmentNumber, part.partIndex + 1);
  if (!finishing_ && partsOut_ > 0 && end90k < boundary90k - frame90k * 3 / 2)
    log::get("pipeline")
        ->warn("{} part {}.{} ends {:.1f} ms before its boundary: frames missing at its end", logContext_,
               part.segmentNumber, part.partIndex, (boundary90k - end90k) / 90.0);
  ++partsOut_;
  bytesOut_ += part.bytes->size();
  lastPartLatencyUs_ = nowUtcUs() - timeline_.utcUsAt(part.startTime90k + part.duration90k);
  if (part.lastInSegment) {
    if (check_) part.check = check_->take(part.segmentNumber);
    const uint64_t dropped = queue_.dropped();
    part.check.dropped = static_cast<int>(dropped - droppedReported_);
    droppedReported_ = dropped;
  }
  sink_->onPart(std::move(part));
}

RenditionStats RenditionWorker::stats() const {
  RenditionStats s;
  s.id = info_.id;
  s.kind = info_.kind;
  s.framesIn = framesIn_;
  s.framesOut = framesOut_;
  s.droppedFrames = queue_.dropped();
  s.bytesOut = bytesOut_;
  s.partsOut = partsOut_;
  s.queueDepth = queue_.depth();
  s.queueCapacity = queue_.capacity();
  s.queueName = queue_.name();
  const int64_t ns = encodeNs_;
  s.encodeFps = ns > 0 ? double(s.framesOut) * 1e9 / double(ns) : 0;
  s.lastPartLatencyUs = lastPartLatencyUs_;
  return s;
}

}  // namespace vigil::pipeline
