#include "ingest/file_source.h"

#include <algorithm>

#include "core/log.h"
#include "ingest/decode_rebase.h"

namespace vigil::ingest {

struct FileSource::Media {
  av::InputFormatContextPtr format;
  int videoIndex = -1;
  int audioIndex = -1;
  av::CodecContextPtr videoDecoder;
  av::CodecContextPtr audioDecoder;
  AVRational frameRate{0, 1};
  int64_t originPts = 0;  // the video stream's start time: timeline start of every loop
  AudioNormaliser audio;
};

FileSource::FileSource(std::string channelId, FileSourceSpec spec, Timeline timeline, int64_t maxDurationMs)
    : channelId_(std::move(channelId)),
      spec_(std::move(spec)),
      timeline_(std::move(timeline)),
      maxDurationMs_(maxDurationMs) {}

FileSource::~FileSource() { stop(); }

Status FileSource::open() {
  if (media_) return Status::ok();
  auto m = std::make_unique<Media>();
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, spec_.path.c_str(), nullptr, nullptr);
  if (err < 0) return av::error("open " + spec_.path, err);
  m->format.reset(raw);
  if ((err = avformat_find_stream_info(raw, nullptr)) < 0) return av::error("probe " + spec_.path, err);
  m->videoIndex = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (m->videoIndex < 0) return Status::error(spec_.path + ": no video stream");
  m->audioIndex = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, m->videoIndex, nullptr, 0);
  const AVStream* vs = raw->streams[m->videoIndex];
  m->frameRate = vs->avg_frame_rate.num > 0 ? vs->avg_frame_rate : vs->r_frame_rate;
  if (m->frameRate.num <= 0 || m->frameRate.den <= 0) return Status::error(spec_.path + ": unknown frame rate");
  m->originPts = vs->start_time != AV_NOPTS_VALUE ? vs->start_time : 0;
  auto vdec = openDecoder(vs);
  if (!vdec) return Status::error(spec_.path + ": video: " + vdec.message());
  m->videoDecoder = std::move(*vdec);
  if (m->audioIndex >= 0) {
    auto adec = openDecoder(raw->streams[m->audioIndex]);
    if (!adec) return Status::error(spec_.path + ": audio: " + adec.message());
    m->audioDecoder = std::move(*adec);
    if (Status s = m->audio.build(m->audioDecoder.get(), spec_.sampleRate, spec_.channels); !s) return s;
  }
  media_ = std::move(m);
  return Status::ok();
}

int FileSource::width() const { return media_ ? media_->videoDecoder->width : 0; }
int FileSource::height() const { return media_ ? media_->videoDecoder->height : 0; }
int FileSource::frameRateNum() const { return media_ ? media_->frameRate.num : 0; }
int FileSource::frameRateDen() const { return media_ ? media_->frameRate.den : 1; }
bool FileSource::hasAudio() const { return media_ && media_->audioIndex >= 0; }

Status FileSource::start(FrameSink* sink) {
  if (pacer_.running()) return Status::error("file source already started");
  if (timeline_.empty()) return Status::error("file source: the timeline has no period (begin() not called)");
  if (Status s = open(); !s) return s;
  pacer_.start([this, sink] { run(sink); });
  return Status::ok();
}

void FileSource::stop() { pacer_.stop(); }

void FileSource::run(FrameSink* sink) {
  auto logger = log::get("ingest");
  Media& m = *media_;
  AVFormatContext* fmt = m.format.get();
  const AVRational videoTb = fmt->streams[m.videoIndex]->time_base;
  const AVRational rate = m.frameRate;
  const int64_t start = timeline_.segmentStart90k(timeline_.current().firstSegment);
  const int64_t limit90k = maxDurationMs_ > 0 ? maxDurationMs_ * 90 : INT64_MAX;

  VideoGrid grid(start, rate);  // the file's timestamps, rescaled and snapped to its rate
  int64_t loopOffset90k = 0;    // timeline time of the current loop's first frame, from start
  bool done = false;
  auto packet = av::allocPacket();
  auto frame = av::allocFrame();

  // Paces (realtime) and delivers; false when stopped or past the limit.
  auto deliver = [&](AVFrame* f, bool video) -> bool {
    if (f->pts - start >= limit90k) {
      if (video) done = true;  // video drives the end; late audio is just not delivered
      return !video;
    }
    if (spec_.realtime ? !pacer_.waitUntilUtc(timeline_.utcUsAt(f->pts)) : pacer_.stopping()) return false;
    f->time_base = kTimelineTimeBase;
    video ? sink->onVideoFrame(f) : sink->onAudioFrame(f);
    return true;
  };
  auto deliverAudio = [&](AVFrame* f) { return deliver(f, false); };

  auto onVideo = [&](AVFrame* f) -> bool {
    const int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) return true;
    const auto placed = grid.place(loopOffset90k + av_rescale_q(pts - m.originPts, videoTb, kTimelineTimeBase));
    if (!placed) return true;  // a duplicate or out-of-grid frame
    f->pts = *placed;
    return deliver(f, true);
  };
  // Each loop's audio is anchored at its first frame's offset from the video start.
  auto onAudio = [&](AVFrame* f) -> bool {
    if (!m.audio.anchored()) {
      const AVRational audioTb = fmt->streams[m.audioIndex]->time_base;
      const int64_t first = f->best_effort_timestamp != AV_NOPTS_VALUE
                                ? av_rescale_q(f->best_effort_timestamp, audioTb, kTimelineTimeBase) -
                                      av_rescale_q(m.originPts, videoTb, kTimelineTimeBase)
                                : 0;
      m.audio.anchorAt(start + loopOffset90k + std::max<int64_t>(first, 0));
    }
    return m.audio.push(f, deliverAudio);
  };

  // Sends pkt (nullptr: drain at end of file) to its decoder and handles the output.
  auto decode = [&](AVCodecContext* dec, const AVPacket* pkt, bool video) -> bool {
    if (avcodec_send_packet(dec, pkt) < 0) return true;  // a damaged packet: skip it
    while (avcodec_receive_frame(dec, frame.get()) >= 0) {
      const bool ok = video ? onVideo(frame.get()) : onAudio(frame.get());
      av_frame_unref(frame.get());
      if (!ok) return false;
    }
    return true;
  };

  logger->info("[ch={}] file source {} ({}x{} @ {}/{}{}){}", channelId_, spec_.path, width(), height(), rate.num,
               rate.den, hasAudio() ? ", audio" : "", spec_.realtime ? " realtime" : "");
  bool ok = true;
  while (ok && !done) {
    const int err = av_read_frame(fmt, packet.get());
    if (err >= 0) {
      if (packet->stream_index == m.videoIndex)
        ok = decode(m.videoDecoder.get(), packet.get(), true);
      else if (packet->stream_index == m.audioIndex)
        ok = decode(m.audioDecoder.get(), packet.get(), false);
      av_packet_unref(packet.get());
      continue;
    }
    if (err != AVERROR_EOF) {
      logger->error("[ch={}] read {}: {}", channelId_, spec_.path, av::errorString(err));
      break;
    }
    // End of file: drain the decoders, then end or start over.
    ok = decode(m.videoDecoder.get(), nullptr, true) &&
         (!m.audioDecoder || decode(m.audioDecoder.get(), nullptr, false));
    if (!ok || done || !spec_.loop) break;
    if (grid.framesPlaced() == 0 ||
        av_seek_frame(fmt, -1, fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time : 0, AVSEEK_FLAG_BACKWARD) < 0) {
      logger->error("[ch={}] cannot loop {}", channelId_, spec_.path);
      break;
    }
    avcodec_flush_buffers(m.videoDecoder.get());
    loopOffset90k = grid.nextOffset90k();  // the next loop follows the last frame
    if (m.audioDecoder) {
      avcodec_flush_buffers(m.audioDecoder.get());
      // A new graph drops the partial AAC frame of the last loop.
      if (Status s = m.audio.build(m.audioDecoder.get(), spec_.sampleRate, spec_.channels); !s) {
        logger->error("[ch={}] {}", channelId_, s.message());
        break;
      }
    }
  }
  if (ok && m.audioDecoder && !spec_.loop) ok = m.audio.push(nullptr, deliverAudio);  // the short last audio frame
  if (pacer_.stopping()) return;                                                      // stop(): no further sink calls
  logger->info("[ch={}] file source ended after {} frames", channelId_, grid.framesPlaced());
  sink->onEndOfStream();
}

}  // namespace vigil::ingest
