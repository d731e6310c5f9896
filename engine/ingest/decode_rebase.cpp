#include "ingest/decode_rebase.h"

#include <algorithm>
#include <string>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

namespace vigil::ingest {

Result<av::CodecContextPtr> openDecoder(const AVStream* st) {
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) return Status::error(std::string("no decoder for ") + avcodec_get_name(st->codecpar->codec_id));
  av::CodecContextPtr c(avcodec_alloc_context3(codec));
  if (!c) return Status::error("out of memory");
  int err = avcodec_parameters_to_context(c.get(), st->codecpar);
  if (err < 0) return av::error("decoder parameters", err);
  c->pkt_timebase = st->time_base;
  c->thread_count = 1;
  if ((err = avcodec_open2(c.get(), codec, nullptr)) < 0) return av::error("open decoder", err);
  return c;
}

int64_t VideoGrid::slotTime(int64_t slot) const { return av_rescale(slot, kTimelineHz * rate_.den, rate_.num); }

std::optional<int64_t> VideoGrid::place(int64_t offset90k) {
  const int64_t slot = av_rescale_rnd(offset90k, rate_.num, kTimelineHz * rate_.den, AV_ROUND_NEAR_INF);
  if (slot <= lastSlot_) return std::nullopt;
  lastSlot_ = slot;
  return start90k_ + slotTime(slot);
}

Status AudioNormaliser::build(const AVCodecContext* d, int sampleRate, int channels) {
  sampleRate_ = sampleRate;
  anchor90k_ = AV_NOPTS_VALUE;
  in_ = out_ = nullptr;
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) return Status::error("out of memory");
  graph_->nb_threads = 1;
  AVChannelLayout layout;
  if (d->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&layout, d->ch_layout.nb_channels);
  else
    av_channel_layout_copy(&layout, &d->ch_layout);
  char inLayout[64] = {}, outLayout[64] = {};
  av_channel_layout_describe(&layout, inLayout, sizeof inLayout);
  av_channel_layout_uninit(&layout);
  av_channel_layout_default(&layout, channels);
  av_channel_layout_describe(&layout, outLayout, sizeof outLayout);
  av_channel_layout_uninit(&layout);
  const char* sampleFmt = av_get_sample_fmt_name(d->sample_fmt);
  if (!sampleFmt || d->sample_rate <= 0) return Status::error("audio decoder has no sample format or rate");
  const std::string inArgs = "time_base=1/" + std::to_string(d->sample_rate) +
                             ":sample_rate=" + std::to_string(d->sample_rate) + ":sample_fmt=" + sampleFmt +
                             ":channel_layout=" + inLayout;
  const std::string outArgs =
      "sample_fmts=fltp:sample_rates=" + std::to_string(sampleRate) + ":channel_layouts=" + outLayout;
  AVFilterContext* fmt = nullptr;
  int err = 0;
  if ((err = avfilter_graph_create_filter(&in_, avfilter_get_by_name("abuffer"), "in", inArgs.c_str(), nullptr,
                                          graph_.get())) < 0 ||
      (err = avfilter_graph_create_filter(&fmt, avfilter_get_by_name("aformat"), "fmt", outArgs.c_str(), nullptr,
                                          graph_.get())) < 0 ||
      (err = avfilter_graph_create_filter(&out_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr,
                                          graph_.get())) < 0 ||
      (err = avfilter_link(in_, 0, fmt, 0)) < 0 || (err = avfilter_link(fmt, 0, out_, 0)) < 0 ||
      (err = avfilter_graph_config(graph_.get(), nullptr)) < 0) {
    graph_.reset();
    in_ = out_ = nullptr;
    return av::error("audio normaliser", err);
  }
  av_buffersink_set_frame_size(out_, kAacFrameSamples);
  return Status::ok();
}

void AudioNormaliser::anchorAt(int64_t t90k) {
  anchor90k_ = std::max(t90k, end90k_);
  samples_ = 0;
}

bool AudioNormaliser::push(const AVFrame* decoded, const std::function<bool(AVFrame*)>& deliver) {
  if (!graph_ || !anchored()) return true;
  // A frame whose format changed mid-stream is refused by abuffer: skip it
  // rather than end the source.
  if (av_buffersrc_add_frame_flags(in_, const_cast<AVFrame*>(decoded), AV_BUFFERSRC_FLAG_KEEP_REF) < 0) return true;
  while (av_buffersink_get_frame(out_, scratch_.get()) >= 0) {
    scratch_->pts = anchor90k_ + av_rescale(samples_, kTimelineHz, sampleRate_);
    samples_ += scratch_->nb_samples;
    end90k_ = anchor90k_ + av_rescale(samples_, kTimelineHz, sampleRate_);
    const bool ok = deliver(scratch_.get());
    av_frame_unref(scratch_.get());
    if (!ok) return false;
  }
  return true;
}

}  // namespace vigil::ingest
