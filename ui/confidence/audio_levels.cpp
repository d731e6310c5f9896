#include "confidence/audio_levels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <string>
#include <utility>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include "ingest/av_handles.h"
#include "ingest/filter_util.h"

namespace vigil::ui::confidence {
namespace {

constexpr int64_t kPeakWindow90k = 36'000;  // 0.4 s

double dbfs(double linear) { return linear > 0 ? 20.0 * std::log10(linear) : kSilenceDb; }

double finiteOrSilence(double v) { return std::isfinite(v) ? v : kSilenceDb; }

}  // namespace

struct AudioLevelMeter::Impl {
  av::FilterGraphPtr graph;
  AVFilterContext* in = nullptr;
  AVFilterContext* out = nullptr;
  av::FramePtr measured = av::allocFrame();
  std::deque<std::pair<int64_t, float>> peaks;  // (pts90k, linear peak) of recent frames
};

AudioLevelMeter::AudioLevelMeter() : impl_(std::make_unique<Impl>()) {}
AudioLevelMeter::~AudioLevelMeter() = default;

Status AudioLevelMeter::open(const AVCodecContext* decoder) {
  Impl& d = *impl_;
  d.graph.reset(avfilter_graph_alloc());
  if (!d.graph || !d.measured) return Status::error("out of memory");
  d.graph->nb_threads = 1;  // one small filter: no thread pool
  char layout[128] = {};
  av_channel_layout_describe(&decoder->ch_layout, layout, sizeof layout);
  const std::string args = "time_base=1/" + std::to_string(decoder->sample_rate) +
                           ":sample_rate=" + std::to_string(decoder->sample_rate) +
                           ":sample_fmt=" + av_get_sample_fmt_name(decoder->sample_fmt) + ":channel_layout=" + layout;
  auto in = av::addFilter(d.graph.get(), "abuffer", "in", args);
  if (!in) return in.status();
  auto r128 = av::addFilter(d.graph.get(), "ebur128", "r128", "metadata=1");
  if (!r128) return r128.status();
  auto out = av::addFilter(d.graph.get(), "abuffersink", "out", "");
  if (!out) return out.status();
  if (Status s = av::link(*in, *r128); !s) return s;
  if (Status s = av::link(*r128, *out); !s) return s;
  if (const int err = avfilter_graph_config(d.graph.get(), nullptr); err < 0) return av::error("loudness graph", err);
  d.in = *in;
  d.out = *out;
  return Status::ok();
}

AudioLevels AudioLevelMeter::push(const AVFrame* frame, int64_t pts90k) {
  Impl& d = *impl_;
  AudioLevels levels;
  // Sample peak of this frame (the AAC decoder gives planar float).
  float peak = 0;
  const int channels = frame->ch_layout.nb_channels;
  if (frame->format == AV_SAMPLE_FMT_FLTP) {
    for (int c = 0; c < channels; ++c) {
      const auto* s = reinterpret_cast<const float*>(frame->extended_data[c]);
      for (int i = 0; i < frame->nb_samples; ++i) peak = std::max(peak, std::fabs(s[i]));
    }
  } else if (frame->format == AV_SAMPLE_FMT_FLT) {
    const auto* s = reinterpret_cast<const float*>(frame->data[0]);
    for (int i = 0; i < frame->nb_samples * channels; ++i) peak = std::max(peak, std::fabs(s[i]));
  }
  d.peaks.emplace_back(pts90k, peak);
  while (d.peaks.size() > 1 && (pts90k - d.peaks.front().first > kPeakWindow90k || pts90k < d.peaks.front().first))
    d.peaks.pop_front();
  float windowPeak = 0;
  for (const auto& [t, p] : d.peaks) windowPeak = std::max(windowPeak, p);
  levels.peakDbfs = dbfs(windowPeak);

  // ebur128 annotates its output frames (every 100 ms block).
  if (d.in && av_buffersrc_add_frame_flags(d.in, const_cast<AVFrame*>(frame), AV_BUFFERSRC_FLAG_KEEP_REF) >= 0) {
    while (av_buffersink_get_frame(d.out, d.measured.get()) >= 0) {
      if (const AVDictionaryEntry* m = av_dict_get(d.measured->metadata, "lavfi.r128.M", nullptr, 0))
        levels.momentaryLufs = finiteOrSilence(std::strtod(m->value, nullptr));
      if (const AVDictionaryEntry* st = av_dict_get(d.measured->metadata, "lavfi.r128.S", nullptr, 0))
        levels.shortTermLufs = finiteOrSilence(std::strtod(st->value, nullptr));
      av_frame_unref(d.measured.get());
    }
  }
  return levels;
}

}  // namespace vigil::ui::confidence
