#include "ingest/contribution_input.h"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

#include "core/clock.h"
#include "core/log.h"
#include "ingest/decode_rebase.h"
#include "ingest/input_health.h"
#include "ingest/session_queue.h"

namespace vigil::ingest {
namespace {

constexpr int kIoBufferBytes = 64 * 1024;
// Source time going back more than this, or ahead of the wall clock by more, is a jump.
constexpr int64_t kJumpBack90k = 90'000;
// Codec changes one session may go through before it is dropped as unusable.
constexpr int kMaxReprobes = 8;
constexpr int kMaxBadVideoRun = 30;
constexpr int64_t kJumpAhead90k = 2 * 90'000;

// The demuxer's view of the queue, with a budget: libavformat's MPEG-TS and
// FLV demuxers skip bytes they cannot sync on without returning, so garbage would
// be read for as long as its publisher sends it. A feed that yields no packet
// within the budget is declared invalid instead.
struct QueueReader {
  SessionQueue* queue;
  int64_t budgetBytes;
  int64_t sinceLastPacket = 0;
};

int readFromQueue(void* opaque, uint8_t* buf, int size) {
  auto* r = static_cast<QueueReader*>(opaque);
  const int n = r->queue->read(buf, size);
  if (n < 0) return AVERROR_EXIT;
  if (n == 0) return AVERROR_EOF;
  if ((r->sinceLastPacket += n) > r->budgetBytes) return AVERROR_INVALIDDATA;
  return n;
}

}  // namespace

// The listener's side: turns publisher events into queue sessions, and
// measures what arrives (time, rate, TS continuity). Never blocks for long.
class ContributionInput::Feed final : public PublisherSink {
 public:
  Feed(size_t maxBytes, bool ts) : queue(maxBytes), scanTs_(ts) {}
  void onPublisherConnected(const std::string&) override {
    continuity_.resetPids();
    queue.beginSession(nowUtcUs());
  }
  void onPayload(const uint8_t* data, size_t size) override {
    const int64_t now = nowUtcUs();
    lastPayloadUtcUs.store(now, std::memory_order_relaxed);
    {
      std::lock_guard lock(rateMutex_);
      rate_.add(now, size);
    }
    if (scanTs_) {
      continuity_.scan(data, size);
      continuityErrors.store(continuity_.errors(), std::memory_order_relaxed);
    }
    queue.push(data, size);
  }
  void onPublisherGone() override { queue.endSession(); }
  double bitrateKbps() const {
    std::lock_guard lock(rateMutex_);
    return rate_.kbps(nowUtcUs());
  }

  SessionQueue queue;
  std::atomic<int64_t> lastPayloadUtcUs{0};
  std::atomic<int64_t> continuityErrors{0};

 private:
  const bool scanTs_;
  TsContinuityCounter continuity_;  // the listener's thread only
  mutable std::mutex rateMutex_;    // guards rate_
  ByteRateWindow rate_;
};

// What one session hands on to the next, so the timeline never goes back.
struct ContributionInput::Continuity {
  int64_t nextVideo90k = 0;  // the earliest timeline time of the next video frame
  AudioNormaliser audio;     // its end carries over; rebuilt per session
};

ContributionInput::ContributionInput(std::string channelId, std::string inputId, Timeline timeline,
                                     ContributionInputOptions options)
    : channelId_(std::move(channelId)),
      inputId_(std::move(inputId)),
      timeline_(std::move(timeline)),
      options_(options),
      feed_(
          std::make_shared<Feed>(options.queueBytes, options.container == ContributionInputOptions::Container::MpegTs)),
      continuity_(std::make_unique<Continuity>()) {}

ContributionInput::~ContributionInput() { stop(); }

std::shared_ptr<PublisherSink> ContributionInput::publisherSink() const { return feed_; }

Status ContributionInput::start(FrameSink* sink) {
  if (pacer_.running()) return Status::error("contribution input already started");
  if (timeline_.empty()) return Status::error("contribution input: the timeline has no period (begin() not called)");
  feed_->queue.reopen();
  continuity_->nextVideo90k = timeline_.segmentStart90k(timeline_.current().firstSegment);
  pacer_.start([this, sink] { run(sink); });
  return Status::ok();
}

void ContributionInput::stop() {
  feed_->queue.close();  // wakes a demuxer blocked in a read
  pacer_.stop();
}

int64_t ContributionInput::lastPayloadUtcUs() const { return feed_->lastPayloadUtcUs.load(std::memory_order_relaxed); }

ContributionInputStatus ContributionInput::status() const {
  std::lock_guard lock(statusMutex_);
  ContributionInputStatus s = status_;
  s.bytesDropped = feed_->queue.bytesDropped();
  s.lastPayloadUtcUs = lastPayloadUtcUs();
  s.bitrateKbps = feed_->bitrateKbps();
  s.continuityErrors = feed_->continuityErrors.load(std::memory_order_relaxed);
  return s;
}

const char* ContributionInput::containerName() const {
  return options_.container == ContributionInputOptions::Container::Flv ? "FLV" : "MPEG-TS";
}

void ContributionInput::run(FrameSink* sink) {
  auto logger = log::get("ingest");
  auto setState = [this](ContributionInputStatus::State st) {
    std::lock_guard lock(statusMutex_);
    status_.state = st;
  };
  while (!pacer_.stopping()) {
    setState(ContributionInputStatus::State::Waiting);
    const auto connectedAt = feed_->queue.waitSession();
    if (!connectedAt) break;
    {
      std::lock_guard lock(statusMutex_);
      ++status_.sessions;
      status_.state = ContributionInputStatus::State::Probing;
      status_.firstFrameMs = -1;
      status_.frameRate = 0;
      status_.videoCodec.clear();
      status_.audioCodec.clear();
      status_.keyframeIntervalMs = 0;
      status_.avSyncDriftMs = 0;
    }
    bool reprobe = false;
    Status s = runSession(sink, *connectedAt, reprobe);
    for (int again = 0; reprobe && again < kMaxReprobes && !pacer_.stopping(); ++again) {
      logger->error("[ch={} in={}] {} feed: {}", channelId_, inputId_, containerName(), s.message());
      if (feedError_) feedError_(s.message());
      {
        std::lock_guard lock(statusMutex_);
        ++status_.codecChanges;
        status_.lastError = s.message();
        status_.state = ContributionInputStatus::State::Probing;
      }
      s = runSession(sink, *connectedAt, reprobe);
    }
    if (pacer_.stopping()) break;
    if (!s) {
      logger->error("[ch={} in={}] {} feed: {}", channelId_, inputId_, containerName(), s.message());
      if (feedError_) feedError_(s.message());
      std::lock_guard lock(statusMutex_);
      ++status_.failedSessions;
      status_.lastError = s.message();
    } else {
      logger->info("[ch={} in={}] {} feed ended; waiting for a publisher", channelId_, inputId_, containerName());
    }
  }
}

Status ContributionInput::runSession(FrameSink* sink, int64_t connectedAtUs, bool& reprobe) {
  reprobe = false;
  auto logger = log::get("ingest");
  // Custom IO over the queue. The AVIOContext outlives the format context
  // (declared first), which does not free a custom pb.
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
  if (!buffer) return Status::error("out of memory");
  // Probing must find the programme within a few probe sizes; after it,
  // one packet is at most a large PES.
  QueueReader reader{&feed_->queue, std::max<int64_t>(4 * options_.probeSizeBytes, 1 << 20)};
  av::IoContextPtr io(avio_alloc_context(buffer, kIoBufferBytes, 0, &reader, &readFromQueue, nullptr, nullptr));
  if (!io) {
    av_free(buffer);
    return Status::error("out of memory");
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) return Status::error("out of memory");
  raw->pb = io.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVDictionary* opts = nullptr;
  av_dict_set_int(&opts, "probesize", options_.probeSizeBytes, 0);
  av_dict_set_int(&opts, "analyzeduration", options_.analyzeDurationUs, 0);
  const bool ts = options_.container == ContributionInputOptions::Container::MpegTs;
  const std::string name = containerName();
  const AVInputFormat* format = av_find_input_format(ts ? "mpegts" : "flv");
  if (!format) return Status::error("libavformat has no " + name + " demuxer");
  int err = avformat_open_input(&raw, nullptr, format, &opts);  // frees raw on failure
  av_dict_free(&opts);
  if (err < 0) return av::error("open " + name, err);
  av::InputFormatContextPtr fmt(raw);
  err = avformat_find_stream_info(raw, nullptr);
  if (err < 0 && (raw->nb_streams == 0 || err == AVERROR_INVALIDDATA))
    return Status::error(ts ? "no MPEG-TS program in the feed (garbage or not a TS?)"
                            : "no FLV stream in the feed (garbage or not FLV?)");
  if (err < 0) return av::error("probe " + name, err);
  if (pacer_.stopping()) return Status::ok();

  const int videoIndex = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (videoIndex < 0) return Status::error("no video stream in the " + name + " (garbage?)");
  const int audioIndex = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, videoIndex, nullptr, 0);
  const AVStream* vs = raw->streams[videoIndex];
  auto vdec = openDecoder(vs);
  if (!vdec) return Status::error("video: " + vdec.message());
  av::CodecContextPtr videoDecoder = std::move(*vdec);
  AVRational rate = vs->avg_frame_rate.num > 0 ? vs->avg_frame_rate : vs->r_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = videoDecoder->framerate;
  if (options_.frameRateNum > 0 && options_.frameRateDen > 0) {
    // Frames go on the channel's grid whatever the feed's rate: a faster feed
    // loses the frames that share a slot, a slower one leaves slots empty.
    const AVRational channel{options_.frameRateNum, options_.frameRateDen};
    if (rate.num > 0 && rate.den > 0 && std::abs(av_q2d(rate) / av_q2d(channel) - 1.0) > 0.02)
      logger->warn(
          "[ch={} in={}] the feed runs at {:.3f} fps, the channel at {:.3f}: its frames are placed on the "
          "channel's frame grid",
          channelId_, inputId_, av_q2d(rate), av_q2d(channel));
    rate = channel;
  }
  if (rate.num <= 0 || rate.den <= 0) return Status::error("video frame rate unknown");
  av::CodecContextPtr audioDecoder;
  AudioNormaliser& audio = continuity_->audio;
  if (audioIndex >= 0) {
    auto adec = openDecoder(raw->streams[audioIndex]);
    if (!adec) return Status::error("audio: " + adec.message());
    audioDecoder = std::move(*adec);
    if (Status s = audio.build(audioDecoder.get(), options_.sampleRate, options_.channels); !s) return s;
  }
  {
    std::lock_guard lock(statusMutex_);
    status_.width = videoDecoder->width;
    status_.height = videoDecoder->height;
    status_.videoCodec = avcodec_get_name(vs->codecpar->codec_id);
    if (audioDecoder) status_.audioCodec = avcodec_get_name(raw->streams[audioIndex]->codecpar->codec_id);
  }
  logger->info("[ch={} in={}] {} feed: {}x{} {} @ {}/{}{}", channelId_, inputId_, containerName(), videoDecoder->width,
               videoDecoder->height, avcodec_get_name(vs->codecpar->codec_id), rate.num, rate.den,
               audioDecoder ? std::string(", ") + avcodec_get_name(raw->streams[audioIndex]->codecpar->codec_id) : "");

  // Source time origin (90 kHz): the video stream's start, so audio keeps its
  // offset from video. The session's timeline base is fixed at its first
  // decoded frame: the timeline time when the session's first bytes arrived
  // (that frame's ingest time; decoding comes later, after probing), on the
  // frame grid, never before what an earlier session delivered. Anchoring at
  // decode time instead would stamp the probed backlog in the future and
  // make program date times, and so players' latency figures, dishonest.
  const int64_t periodStart = timeline_.segmentStart90k(timeline_.current().firstSegment);
  VideoGrid grid(periodStart, rate);
  int64_t origin90k = vs->start_time != AV_NOPTS_VALUE ? av_rescale_q(vs->start_time, vs->time_base, kTimelineTimeBase)
                                                       : AV_NOPTS_VALUE;
  int64_t base90k = AV_NOPTS_VALUE;  // timeline offset from periodStart of source time origin90k
  auto fixBase = [&](int64_t firstTs90k) {
    if (base90k != AV_NOPTS_VALUE) return;
    if (origin90k == AV_NOPTS_VALUE) origin90k = firstTs90k;
    const int64_t earliest = std::max(timeline_.timeAtUtcUs(connectedAtUs), continuity_->nextVideo90k) - periodStart;
    const int64_t slot = av_rescale_rnd(std::max<int64_t>(earliest, 0), rate.num, kTimelineHz * rate.den, AV_ROUND_UP);
    base90k = av_rescale(slot, kTimelineHz * rate.den, rate.num);
  };

  bool firstVideo = true;
  FrameRateWindow frameRate;
  AvDriftMeter drift;
  bool audioDelivered = false;  // this session's: audio.end90k() is the session's own
  auto onVideo = [&](AVFrame* f) {
    const int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) return;
    const int64_t ts90k = av_rescale_q(pts, vs->time_base, kTimelineTimeBase);
    fixBase(ts90k);
    // A source clock that jumps (an encoder restarted behind a relay, a
    // splice, a wrap) re-anchors at the next slot, as a new session would,
    // instead of every frame being dropped until the source time passes its
    // old maximum, or stamped ahead of the wall clock.
    if (grid.framesPlaced() > 0) {
      const int64_t offset = base90k + ts90k - origin90k;
      const int64_t expected = grid.nextOffset90k();
      const int64_t now = timeline_.timeAtUtcUs(nowUtcUs()) - periodStart;
      if (offset < expected - kJumpBack90k || offset > std::max(expected, now) + kJumpAhead90k) {
        logger->warn("[ch={} in={}] source timestamps jumped by {} ms: re-anchored at the next frame", channelId_,
                     inputId_, (offset - expected) / 90);
        origin90k = ts90k;
        base90k = expected;
        std::lock_guard lock(statusMutex_);
        ++status_.timestampJumps;
      }
    }
    const auto placed = grid.place(base90k + ts90k - origin90k);
    if (!placed || *placed < continuity_->nextVideo90k) return;  // duplicate, or before the last session's end
    f->pts = *placed;
    f->time_base = kTimelineTimeBase;
    sink->onVideoFrame(f);
    continuity_->nextVideo90k = periodStart + grid.nextOffset90k();
    frameRate.add(ts90k);
    if (audioDelivered) drift.onVideo(audio.end90k(), *placed);
    std::lock_guard lock(statusMutex_);
    ++status_.videoFrames;
    status_.frameRate = frameRate.fps();
    status_.avSyncDriftMs = drift.driftMs();
    status_.width = f->width;  // a resolution change mid-stream shows
    status_.height = f->height;
    if (firstVideo) {
      status_.state = ContributionInputStatus::State::Live;
      status_.firstFrameMs = (nowUtcUs() - connectedAtUs) / 1000;
      firstVideo = false;
    }
  };
  auto deliverAudio = [&](AVFrame* f) {
    f->time_base = kTimelineTimeBase;
    sink->onAudioFrame(f);
    audioDelivered = true;
    std::lock_guard lock(statusMutex_);
    ++status_.audioFrames;
    return true;
  };
  auto onAudio = [&](AVFrame* f) {
    if (!audio.anchored()) {
      if (f->best_effort_timestamp == AV_NOPTS_VALUE) return;
      const AVRational tb = raw->streams[audioIndex]->time_base;
      const int64_t ts90k = av_rescale_q(f->best_effort_timestamp, tb, kTimelineTimeBase);
      fixBase(ts90k);
      audio.anchorAt(periodStart + base90k + std::max<int64_t>(ts90k - origin90k, 0));
    }
    audio.push(f, deliverAudio);
  };

  auto packet = av::allocPacket();
  auto frame = av::allocFrame();
  // Video packets in a row that did not decode cleanly (refused, or a
  // concealed picture): a few are loss; a long run is a stream this decoder
  // cannot read (a codec change the demuxer did not report).
  int badVideoRun = 0;
  auto decode = [&](AVCodecContext* dec, const AVPacket* pkt, bool video) {
    if (avcodec_send_packet(dec, pkt) < 0) {  // a damaged packet: skip it
      if (video && pkt) ++badVideoRun;
      return;
    }
    while (!pacer_.stopping() && avcodec_receive_frame(dec, frame.get()) >= 0) {
      if (video) {
        const bool clean = frame->decode_error_flags == 0 && !(frame->flags & AV_FRAME_FLAG_CORRUPT);
        badVideoRun = clean ? 0 : badVideoRun + 1;
      }
      video ? onVideo(frame.get()) : onAudio(frame.get());
      av_frame_unref(frame.get());
    }
  };
  reader.budgetBytes = options_.maxBytesWithoutPacket;
  int64_t lastKeyMs = AV_NOPTS_VALUE;
  for (;;) {
    err = av_read_frame(raw, packet.get());
    if (err < 0) break;
    reader.sinceLastPacket = 0;
    if (packet->stream_index == videoIndex && (packet->flags & AV_PKT_FLAG_KEY)) {
      const int64_t t = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
      if (t != AV_NOPTS_VALUE) {
        const int64_t ms = av_rescale_q(t, vs->time_base, AVRational{1, 1000});
        if (lastKeyMs != AV_NOPTS_VALUE && ms > lastKeyMs) {
          std::lock_guard lock(statusMutex_);
          status_.keyframeIntervalMs = ms - lastKeyMs;
        }
        lastKeyMs = ms;
      }
    }
    // A codec change mid-stream (the demuxer updates the stream, or a new
    // video stream appears): this decoder cannot take it; probe the rest of
    // the session afresh.
    const AVStream* ps =
        packet->stream_index < static_cast<int>(raw->nb_streams) ? raw->streams[packet->stream_index] : nullptr;
    if (ps && ps->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        (ps->codecpar->codec_id != videoDecoder->codec_id || packet->stream_index != videoIndex)) {
      av_packet_unref(packet.get());
      decode(videoDecoder.get(), nullptr, true);
      reprobe = true;
      return Status::error(std::string("video codec changed mid-stream (") + avcodec_get_name(videoDecoder->codec_id) +
                           " -> " + avcodec_get_name(ps->codecpar->codec_id) + "): probing the feed again");
    }
    if (packet->stream_index == videoIndex) {
      decode(videoDecoder.get(), packet.get(), true);
      if (badVideoRun >= kMaxBadVideoRun) {
        av_packet_unref(packet.get());
        reprobe = true;
        return Status::error(std::string("video undecodable as ") + avcodec_get_name(videoDecoder->codec_id) + " for " +
                             std::to_string(badVideoRun) +
                             " packets in a row (a codec change mid-stream?): probing the feed again");
      }
    } else if (audioDecoder && packet->stream_index == audioIndex)
      decode(audioDecoder.get(), packet.get(), false);
    av_packet_unref(packet.get());
    if (pacer_.stopping()) return Status::ok();
  }
  if (err == AVERROR_EXIT || pacer_.stopping()) return Status::ok();  // stop()
  // End of the session: the frames still in the decoders are complete; the
  // partial last AAC frame is dropped (the next session anchors its audio anew).
  decode(videoDecoder.get(), nullptr, true);
  if (audioDecoder) decode(audioDecoder.get(), nullptr, false);
  if (err == AVERROR_INVALIDDATA)
    return Status::error("no " + name + " packet in the last " + std::to_string(reader.budgetBytes) +
                         " bytes (garbage?)");
  if (err != AVERROR_EOF) return av::error("read " + name, err);
  if (grid.framesPlaced() == 0) return Status::error("the feed ended before its first video frame");
  return Status::ok();
}

}  // namespace vigil::ingest
