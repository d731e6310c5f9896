#include "switch/slate.h"

#include <algorithm>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
}

#include "ingest/filter_util.h"

namespace vigil::switching {
namespace {

Status setText(AVFilterContext* text, const std::string& what, int size, const char* y) {
  int err = 0;
  if ((err = av_opt_set(text, "fontfile", av::kFontFile, AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "expansion", "none", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "text", what.c_str(), AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "fontsize", std::to_string(size).c_str(), AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "fontcolor", "white", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "x", "(w-tw)/2", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "y", y, AV_OPT_SEARCH_CHILDREN)) < 0 || (err = avfilter_init_str(text, nullptr)) < 0)
    return av::error("configure drawtext", err);
  return Status::ok();
}

}  // namespace

Result<av::FramePtr> renderSlate(int width, int height, const std::string& channelName) {
  if (width < 16 || height < 16) return Status::error("slate: picture too small");
  av::FilterGraphPtr graph(avfilter_graph_alloc());
  if (!graph) return Status::error("avfilter_graph_alloc failed");
  graph->nb_threads = 1;
  auto src = av::addFilter(graph.get(), "color", "card",
                           "color=0x1d2b4a:size=" + std::to_string(width) + "x" + std::to_string(height) + ":rate=1");
  auto fmt = av::addFilter(graph.get(), "format", "yuv", "pix_fmts=yuv420p");
  auto sink = av::addFilter(graph.get(), "buffersink", "out", "");
  if (!src) return src.status();
  if (!fmt) return fmt.status();
  if (!sink) return sink.status();
  AVFilterContext* title = avfilter_graph_alloc_filter(graph.get(), avfilter_get_by_name("drawtext"), "title");
  AVFilterContext* name = avfilter_graph_alloc_filter(graph.get(), avfilter_get_by_name("drawtext"), "name");
  if (!title || !name) return Status::error("drawtext filter not available (FFmpeg built without libfreetype?)");
  if (Status s = setText(title, "We'll be right back", std::max(12, height / 10), "(h-th)/2-h/12"); !s) return s;
  if (Status s = setText(name, channelName, std::max(10, height / 20), "(h+th)/2+h/12"); !s) return s;
  for (auto [a, b] : {std::pair{*src, title}, {title, name}, {name, *fmt}, {*fmt, *sink}}) {
    if (Status s = av::link(a, b); !s) return s;
  }
  if (int err = avfilter_graph_config(graph.get(), nullptr); err < 0) return av::error("configure slate graph", err);
  av::FramePtr frame = av::allocFrame();
  if (!frame) return Status::error("out of memory");
  if (int err = av_buffersink_get_frame(*sink, frame.get()); err < 0) return av::error("render slate", err);
  return frame;
}

av::FramePtr silenceFrame(int sampleRate, int channels, int samples) {
  av::FramePtr f = av::allocFrame();
  if (!f) return f;
  f->format = AV_SAMPLE_FMT_FLTP;
  f->sample_rate = sampleRate;
  f->nb_samples = samples;
  av_channel_layout_default(&f->ch_layout, channels);
  if (av_frame_get_buffer(f.get(), 0) < 0) return nullptr;
  av_samples_set_silence(f->extended_data, 0, samples, channels, AV_SAMPLE_FMT_FLTP);
  return f;
}

}  // namespace vigil::switching
