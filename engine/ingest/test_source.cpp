#include "ingest/test_source.h"

#include <algorithm>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "core/log.h"
#include "core/media_types.h"
#include "ingest/av_handles.h"
#include "ingest/filter_util.h"

namespace vigil::ingest {
namespace {

using av::addFilter;
using av::link;

// The drawtext text: the UTC time of day (HH:MM:SS.mmm) of each frame plus the
// channel id. The graph's own frame time t starts at 0 with the first frame,
// which is captured at startUtcUs, so the clock is startUtcUs + t: the same
// value as Timeline::utcUsAt(pts) for the rewritten pts, computed inside the
// filter so no per-frame text update (drawtext reinit reloads the font) is needed.
std::string clockText(const std::string& channelId, int64_t startUtcUs) {
  const int64_t dayUs = int64_t{86'400'000'000};
  const std::string offsetUs = std::to_string(((startUtcUs % dayUs) + dayUs) % dayUs);
  // Milliseconds of the day; +0.5 us absorbs the float error of t = i/rate.
  const std::string ms = "floor((" + offsetUs + "+t*1000000+0.5)/1000)";
  auto field = [&](const std::string& expr, int digits) {
    return "%{eif:" + expr + ":d:" + std::to_string(digits) + "}";
  };
  std::string id;
  for (char c : channelId)
    if (c != '%' && c != '\\') id += c;  // keep drawtext's expansion syntax out of the id
  return field("mod(floor(" + ms + "/3600000),24)", 2) + ":" + field("mod(floor(" + ms + "/60000),60)", 2) + ":" +
         field("mod(floor(" + ms + "/1000),60)", 2) + "." + field("mod(" + ms + ",1000)", 3) + " UTC  " + id;
}

}  // namespace

struct TestSource::Graph {
  av::FilterGraphPtr graph;
  AVFilterContext* videoSink = nullptr;  // owned by graph
  AVFilterContext* audioSink = nullptr;  // owned by graph
};

TestSource::TestSource(std::string channelId, TestSourceSpec spec, Timeline timeline, int64_t maxDurationMs)
    : channelId_(std::move(channelId)), spec_(spec), timeline_(std::move(timeline)), maxDurationMs_(maxDurationMs) {}

TestSource::~TestSource() { stop(); }

Status TestSource::start(FrameSink* sink) {
  if (pacer_.running()) return Status::error("test source already started");
  if (timeline_.empty()) return Status::error("test source: the timeline has no period (begin() not called)");
  if (spec_.width <= 0 || spec_.height <= 0 || spec_.frameRateNum <= 0 || spec_.frameRateDen <= 0 ||
      spec_.sampleRate <= 0 || spec_.channels <= 0)
    return Status::error("test source: invalid spec");

  auto g = std::make_unique<Graph>();
  g->graph.reset(avfilter_graph_alloc());
  if (!g->graph) return Status::error("avfilter_graph_alloc failed");
  AVFilterGraph* graph = g->graph.get();
  // Generation is cheap; one filter thread keeps the cores for the encoders.
  graph->nb_threads = 1;

  const std::string size = std::to_string(spec_.width) + "x" + std::to_string(spec_.height);
  const std::string rate = std::to_string(spec_.frameRateNum) + "/" + std::to_string(spec_.frameRateDen);
  auto src = addFilter(graph, "testsrc2", "pattern", "size=" + size + ":rate=" + rate);
  auto fmt = addFilter(graph, "format", "yuv", "pix_fmts=yuv420p");
  auto vsink = addFilter(graph, "buffersink", "vout", "");
  if (!src) return src.status();
  if (!fmt) return fmt.status();
  if (!vsink) return vsink.status();

  // drawtext is configured through AVOptions, not a filter string, so the
  // clock expression needs no filtergraph escaping.
  AVFilterContext* text = avfilter_graph_alloc_filter(graph, avfilter_get_by_name("drawtext"), "clock");
  if (!text) return Status::error("drawtext filter not available (FFmpeg built without libfreetype?)");
  const int fontSize = std::max(12, spec_.height / 14);
  const int64_t startUtcUs = timeline_.current().startUtcUs;
  const std::string textStr = clockText(channelId_, startUtcUs);
  int err = 0;
  if ((err = av_opt_set(text, "fontfile", av::kFontFile, AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "text", textStr.c_str(), AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "fontsize", std::to_string(fontSize).c_str(), AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "fontcolor", "white", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "box", "1", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "boxcolor", "black@0.6", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "boxborderw", "6", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "x", "(w-tw)/2", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = av_opt_set(text, "y", "h-th-h/12", AV_OPT_SEARCH_CHILDREN)) < 0 ||
      (err = avfilter_init_str(text, nullptr)) < 0)
    return av::error("configure drawtext", err);

  AVChannelLayout layout;
  av_channel_layout_default(&layout, spec_.channels);
  char layoutName[64] = {};
  av_channel_layout_describe(&layout, layoutName, sizeof layoutName);
  av_channel_layout_uninit(&layout);
  auto tone =
      addFilter(graph, "sine", "tone",
                "frequency=" + std::to_string(spec_.toneHz) + ":sample_rate=" + std::to_string(spec_.sampleRate));
  auto afmt =
      addFilter(graph, "aformat", "pcm",
                "sample_fmts=fltp:sample_rates=" + std::to_string(spec_.sampleRate) + ":channel_layouts=" + layoutName);
  auto asink = addFilter(graph, "abuffersink", "aout", "");
  if (!tone) return tone.status();
  if (!afmt) return afmt.status();
  if (!asink) return asink.status();

  for (auto [a, b] : {std::pair{*src, *fmt}, {*fmt, text}, {text, *vsink}, {*tone, *afmt}, {*afmt, *asink}}) {
    if (Status s = link(a, b); !s) return s;
  }
  if ((err = avfilter_graph_config(graph, nullptr)) < 0) return av::error("configure test source graph", err);
  // Exactly one AAC frame per audio frame, so the encoder never re-frames.
  av_buffersink_set_frame_size(*asink, kAudioFrameSamples);
  g->videoSink = *vsink;
  g->audioSink = *asink;
  graph_ = std::move(g);

  pacer_.start([this, sink] { run(sink); });
  return Status::ok();
}

void TestSource::stop() { pacer_.stop(); }

void TestSource::run(FrameSink* sink) {
  auto logger = log::get("ingest");
  const int64_t start = timeline_.segmentStart90k(timeline_.current().firstSegment);
  const int64_t limit90k = maxDurationMs_ > 0 ? maxDurationMs_ * 90 : INT64_MAX;
  int64_t videoFrames = 0;
  int64_t audioSamples = 0;
  auto video = av::allocFrame();
  auto audio = av::allocFrame();

  // Pulls the next frame of one kind and stamps it onto the channel timeline.
  // The timestamps are counted (frames, samples) rather than taken from the
  // graph, so they are exact multiples of the frame duration from the start.
  auto pull = [&](AVFilterContext* out, AVFrame* frame, bool isVideo) -> bool {
    av_frame_unref(frame);
    int err = av_buffersink_get_frame(out, frame);
    if (err < 0) {
      logger->error("[ch={}] test source: {}", channelId_, av::errorString(err));
      return false;
    }
    if (isVideo) {
      frame->pts = start + av_rescale(videoFrames++, kTimelineHz * spec_.frameRateDen, spec_.frameRateNum);
    } else {
      frame->pts = start + av_rescale(audioSamples, kTimelineHz, spec_.sampleRate);
      audioSamples += frame->nb_samples;
    }
    frame->time_base = AVRational{1, static_cast<int>(kTimelineHz)};
    return true;
  };

  logger->info("[ch={}] test source {}x{}@{}/{} {} Hz tone, {}", channelId_, spec_.width, spec_.height,
               spec_.frameRateNum, spec_.frameRateDen, spec_.toneHz,
               spec_.realtime ? "realtime" : "as fast as possible");
  bool ok = pull(graph_->videoSink, video.get(), true) && pull(graph_->audioSink, audio.get(), false);
  while (ok) {
    // Deliver in pts order so a consumer sees audio and video interleaved as captured.
    const bool isVideo = video->pts <= audio->pts;
    AVFrame* next = isVideo ? video.get() : audio.get();
    if (next->pts - start >= limit90k) break;  // both kinds are past the limit: next is the earlier one
    if (spec_.realtime) {
      if (!pacer_.waitUntilUtc(timeline_.utcUsAt(next->pts))) return;  // stopped: no further sink calls
    } else if (pacer_.stopping()) {
      return;
    }
    if (isVideo) {
      sink->onVideoFrame(next);
      ok = pull(graph_->videoSink, video.get(), true);
    } else {
      sink->onAudioFrame(next);
      ok = pull(graph_->audioSink, audio.get(), false);
    }
  }
  logger->info("[ch={}] test source ended after {} video frames, {} audio samples", channelId_, videoFrames,
               audioSamples);
  sink->onEndOfStream();
}

}  // namespace vigil::ingest
