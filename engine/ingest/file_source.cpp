#include "ingest/file_source.h"

#include <algorithm>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

#include "core/log.h"
#include "core/media_types.h"
#include "ingest/av_handles.h"

namespace vigil::ingest {
namespace {

constexpr int kAudioFrameSamples = 1024;  // one AAC frame
constexpr AVRational kTimeline{1, static_cast<int>(kTimelineHz)};

Result<av::CodecContextPtr> openDecoder(const AVStream* st) {
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) return Status::error(std::string("no decoder for ") + avcodec_get_name(st->codecpar->codec_id));
  av::CodecContextPtr c(avcodec_alloc_context3(codec));
  if (!c) return Status::error("out of memory");
  int err = avcodec_parameters_to_context(c.get(), st->codecpar);
  if (err < 0) return av::error("decoder parameters", err);
  c->pkt_timebase = st->time_base;
  c->thread_count = 1;  // the encoders need the cores more than the decoder
  if ((err = avcodec_open2(c.get(), codec, nullptr)) < 0) return av::error("open decoder", err);
  return c;
}

}  // namespace

struct FileSource::Media {
  av::InputFormatContextPtr format;
  int videoIndex = -1;
  int audioIndex = -1;
  av::CodecContextPtr videoDecoder;
  av::CodecContextPtr audioDecoder;
  AVRational frameRate{0, 1};
  int64_t originPts = 0;  // the video stream's start time: timeline start of every loop
  // Audio normaliser: decoder output -> fltp, spec rate and channels, 1024-sample frames.
  av::FilterGraphPtr audioGraph;
  AVFilterContext* audioIn = nullptr;   // owned by audioGraph
  AVFilterContext* audioOut = nullptr;  // owned by audioGraph

  Status buildAudioGraph(const FileSourceSpec& spec) {
    audioGraph.reset(avfilter_graph_alloc());
    if (!audioGraph) return Status::error("out of memory");
    audioGraph->nb_threads = 1;
    const AVCodecContext* d = audioDecoder.get();
    AVChannelLayout layout;
    if (d->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
      av_channel_layout_default(&layout, d->ch_layout.nb_channels);
    else
      av_channel_layout_copy(&layout, &d->ch_layout);
    char inLayout[64] = {}, outLayout[64] = {};
    av_channel_layout_describe(&layout, inLayout, sizeof inLayout);
    av_channel_layout_uninit(&layout);
    av_channel_layout_default(&layout, spec.channels);
    av_channel_layout_describe(&layout, outLayout, sizeof outLayout);
    av_channel_layout_uninit(&layout);
    const std::string inArgs = "time_base=1/" + std::to_string(d->sample_rate) +
                               ":sample_rate=" + std::to_string(d->sample_rate) +
                               ":sample_fmt=" + av_get_sample_fmt_name(d->sample_fmt) + ":channel_layout=" + inLayout;
    const std::string outArgs =
        "sample_fmts=fltp:sample_rates=" + std::to_string(spec.sampleRate) + ":channel_layouts=" + outLayout;
    AVFilterContext* fmt = nullptr;
    int err = 0;
    if ((err = avfilter_graph_create_filter(&audioIn, avfilter_get_by_name("abuffer"), "in", inArgs.c_str(), nullptr,
                                            audioGraph.get())) < 0 ||
        (err = avfilter_graph_create_filter(&fmt, avfilter_get_by_name("aformat"), "fmt", outArgs.c_str(), nullptr,
                                            audioGraph.get())) < 0 ||
        (err = avfilter_graph_create_filter(&audioOut, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr,
                                            audioGraph.get())) < 0 ||
        (err = avfilter_link(audioIn, 0, fmt, 0)) < 0 || (err = avfilter_link(fmt, 0, audioOut, 0)) < 0 ||
        (err = avfilter_graph_config(audioGraph.get(), nullptr)) < 0)
      return av::error("audio normaliser", err);
    av_buffersink_set_frame_size(audioOut, kAudioFrameSamples);
    return Status::ok();
  }
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
    if (Status s = m->buildAudioGraph(spec_); !s) return s;
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
  auto slotTime = [&](int64_t slot) { return av_rescale(slot, kTimelineHz * rate.den, rate.num); };

  int64_t loopOffset90k = 0;  // timeline time of the current loop's first frame, from start
  int64_t lastSlot = -1;      // newest video frame slot delivered (frame grid from start)
  int64_t audioAnchor90k = AV_NOPTS_VALUE, audioSamples = 0, audioEnd90k = start;
  bool done = false;
  auto packet = av::allocPacket();
  auto frame = av::allocFrame();
  auto filtered = av::allocFrame();

  // Paces (realtime) and delivers; false when stopped or past the limit.
  auto deliver = [&](AVFrame* f, bool video) -> bool {
    if (f->pts - start >= limit90k) {
      if (video) done = true;  // video drives the end; late audio is just not delivered
      return !video;
    }
    if (spec_.realtime ? !pacer_.waitUntilUtc(timeline_.utcUsAt(f->pts)) : pacer_.stopping()) return false;
    f->time_base = kTimeline;
    video ? sink->onVideoFrame(f) : sink->onAudioFrame(f);
    return true;
  };

  // The file's timestamps, rescaled and snapped to the frame grid of its
  // rate, so the pipeline's rate reduction and IDR placement see exact slots.
  auto onVideo = [&](AVFrame* f) -> bool {
    const int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) return true;
    const int64_t t = loopOffset90k + av_rescale_q(pts - m.originPts, videoTb, kTimeline);
    const int64_t slot = av_rescale_rnd(t, rate.num, kTimelineHz * rate.den, AV_ROUND_NEAR_INF);
    if (slot <= lastSlot) return true;  // a duplicate or out-of-grid frame
    lastSlot = slot;
    f->pts = start + slotTime(slot);
    return deliver(f, true);
  };

  // Audio is counted in samples from an anchor (the loop's audio start), so
  // its timestamps are exact and contiguous, as the AAC encoder wants.
  auto drainAudio = [&]() -> bool {
    while (av_buffersink_get_frame(m.audioOut, filtered.get()) >= 0) {
      filtered->pts = audioAnchor90k + av_rescale(audioSamples, kTimelineHz, spec_.sampleRate);
      audioSamples += filtered->nb_samples;
      audioEnd90k = audioAnchor90k + av_rescale(audioSamples, kTimelineHz, spec_.sampleRate);
      const bool ok = deliver(filtered.get(), false);
      av_frame_unref(filtered.get());
      if (!ok) return false;
    }
    return true;
  };
  auto onAudio = [&](AVFrame* f) -> bool {
    if (audioAnchor90k == AV_NOPTS_VALUE) {
      const AVRational audioTb = fmt->streams[m.audioIndex]->time_base;
      const int64_t first = f->best_effort_timestamp != AV_NOPTS_VALUE
                                ? av_rescale_q(f->best_effort_timestamp, audioTb, kTimeline) -
                                      av_rescale_q(m.originPts, videoTb, kTimeline)
                                : 0;
      audioAnchor90k = std::max(start + loopOffset90k + std::max<int64_t>(first, 0), audioEnd90k);
      audioSamples = 0;
    }
    if (av_buffersrc_add_frame_flags(m.audioIn, f, AV_BUFFERSRC_FLAG_KEEP_REF) < 0) return true;
    return drainAudio();
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
    if (lastSlot < 0 ||
        av_seek_frame(fmt, -1, fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time : 0, AVSEEK_FLAG_BACKWARD) < 0) {
      logger->error("[ch={}] cannot loop {}", channelId_, spec_.path);
      break;
    }
    avcodec_flush_buffers(m.videoDecoder.get());
    loopOffset90k = slotTime(lastSlot + 1);  // the next loop follows the last frame
    if (m.audioDecoder) {
      avcodec_flush_buffers(m.audioDecoder.get());
      if (Status s = m.buildAudioGraph(spec_); !s) {  // drop the partial AAC frame of the last loop
        logger->error("[ch={}] {}", channelId_, s.message());
        break;
      }
      audioAnchor90k = AV_NOPTS_VALUE;
    }
  }
  if (ok && m.audioDecoder && !spec_.loop && av_buffersrc_add_frame(m.audioIn, nullptr) >= 0)
    ok = drainAudio();            // the short last audio frame
  if (pacer_.stopping()) return;  // stop(): no further sink calls
  logger->info("[ch={}] file source ended after {} frames", channelId_, lastSlot + 1);
  sink->onEndOfStream();
}

}  // namespace vigil::ingest
