// Runs a channel's ladder from a media file as fast as possible (decode ->
// scaler cascade -> x264 per rung + AAC -> CMAF parts) and reports frames per
// second and CPU seconds. --print-ffmpeg prints the ffmpeg CLI command that
// does the same ladder in one process (same source, presets, bitrates, VBV and
// keyframe placement), so bench/ladder_vs_ffmpeg.sh compares like with like.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/channel_spec.h"
#include "core/part_sink.h"
#include "core/timeline.h"
#include "ingest/file_source.h"
#include "pipeline/pipeline.h"

using namespace vigil;

namespace {

// Discards the parts (the pipeline's stats count them) and forwards frames to
// the pipeline, noting when the source has ended.
class BenchSink final : public PartSink, public ingest::FrameSink {
 public:
  void setPipeline(pipeline::Pipeline* p) { pipeline_ = p; }
  void onInit(CmafInit) override {}
  void onPart(CmafPart) override {}
  void onVideoFrame(const AVFrame* f) override { pipeline_->onVideoFrame(f); }
  void onAudioFrame(const AVFrame* f) override { pipeline_->onAudioFrame(f); }
  void onEndOfStream() override {
    pipeline_->onEndOfStream();
    std::lock_guard lock(mutex_);
    ended_ = true;
    cv_.notify_all();
  }
  void waitForEnd() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return ended_; });
  }

 private:
  pipeline::Pipeline* pipeline_ = nullptr;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool ended_ = false;
};

double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string ffmpegCommand(const std::string& input, const ChannelSpec& c) {
  const double segS = c.packaging.segmentDurationMs / 1000.0;
  std::string graph = "[0:v]split=" + std::to_string(c.video.size());
  for (size_t i = 0; i < c.video.size(); ++i) graph += "[s" + std::to_string(i) + "]";
  for (size_t i = 0; i < c.video.size(); ++i) {
    const auto& r = c.video[i];
    graph += ";[s" + std::to_string(i) + "]scale=" + std::to_string(r.width) + ":" + std::to_string(r.height) +
             ":flags=bicubic,fps=" + std::to_string(r.frameRateNum) + "[o" + std::to_string(i) + "]";
  }
  std::string cmd = "ffmpeg -hide_banner -nostats -loglevel error -i " + input + " -filter_complex '" + graph + "'";
  for (size_t i = 0; i < c.video.size(); ++i) {
    const auto& r = c.video[i];
    const VideoRateControl rate = videoRateControl(r, int64_t{c.packaging.segmentDurationMs} * 90);
    const int keyint = static_cast<int>(2 * segS * r.frameRateNum);
    cmd += " -map '[o" + std::to_string(i) + "]' -c:v libx264 -preset " + r.preset + " -tune zerolatency -profile:v " +
           r.profile + " -b:v " + std::to_string(r.bitrateBps) + " -maxrate " + std::to_string(rate.maxrateBps) +
           " -bufsize " + std::to_string(rate.bufsizeBits) +
           " -x264-params scenecut=0:keyint=" + std::to_string(keyint) +
           " -forced-idr 1 -force_key_frames 'expr:gte(t,n_forced*" + std::to_string(segS) + ")' -f null /dev/null";
  }
  cmd += " -map 0:a? -c:a aac -b:a " + std::to_string(c.audio.bitrateBps) + " -ar " +
         std::to_string(c.audio.sampleRate) + " -ac " + std::to_string(c.audio.channels) + " -f null /dev/null";
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  std::string input, ladder = "demo", preset;
  bool printFfmpeg = false;
  auto check = pipeline::PipelineOptions::Check::Lowest;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--input")
      input = next();
    else if (a == "--ladder")
      ladder = next();
    else if (a == "--preset")
      preset = next();
    else if (a == "--print-ffmpeg")
      printFfmpeg = true;
    else if (a == "--output-check") {  // what the renditions' decode of their own output costs
      const std::string v = next();
      check = v == "off"   ? pipeline::PipelineOptions::Check::Off
              : v == "all" ? pipeline::PipelineOptions::Check::All
                           : pipeline::PipelineOptions::Check::Lowest;
    } else {
      std::fprintf(stderr,
                   "usage: vigil-ladder-bench --input FILE [--ladder demo|default] [--preset P] [--print-ffmpeg] "
                   "[--output-check off|lowest|all]\n");
      return 2;
    }
  }
  if (input.empty()) {
    std::fprintf(stderr, "vigil-ladder-bench: --input FILE is required\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  av_log_set_level(AV_LOG_ERROR);

  ChannelSpec spec;
  spec.id = "bench";
  Timeline timeline(int64_t{spec.packaging.segmentDurationMs} * 90, int64_t{spec.packaging.partDurationMs} * 90);
  timeline.begin(0);
  ingest::FileSource source("bench", ingest::FileSourceSpec{input, false, false, 48000, 2}, timeline);
  if (auto s = source.open(); !s) {
    std::fprintf(stderr, "vigil-ladder-bench: %s\n", s.message().c_str());
    return 1;
  }
  spec.source.width = source.width();
  spec.source.height = source.height();
  spec.source.frameRateNum = source.frameRateNum();
  spec.source.frameRateDen = source.frameRateDen();
  spec.source.realtime = false;
  spec.video = ladder == "default" ? defaultLadder(spec.source.width, spec.source.height, spec.source.frameRateNum)
                                   : demoLadder();
  if (!preset.empty())
    for (auto& r : spec.video) r.preset = preset;
  if (printFfmpeg) {
    std::printf("%s\n", ffmpegCommand(input, spec).c_str());
    return 0;
  }

  BenchSink sink;
  pipeline::PipelineOptions options{pipeline::PipelineOptions::Overflow::Block, 30};
  options.checkOutput = check;
  pipeline::Pipeline pipe("bench", spec, timeline, &sink, options);
  sink.setPipeline(&pipe);
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpuSeconds();
  if (auto s = pipe.start(); !s) {
    std::fprintf(stderr, "vigil-ladder-bench: %s\n", s.message().c_str());
    return 1;
  }
  if (auto s = source.start(&sink); !s) {
    std::fprintf(stderr, "vigil-ladder-bench: %s\n", s.message().c_str());
    return 1;
  }
  sink.waitForEnd();
  source.stop();
  pipe.stop();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpuSeconds() - cpu0;

  uint64_t sourceFrames = 0;
  nlohmann::json rungs = nlohmann::json::object();
  for (const auto& st : pipe.stats()) {
    rungs[st.id] = {{"frames_out", st.framesOut},
                    {"dropped", st.droppedFrames},
                    {"bytes", st.bytesOut},
                    {"parts", st.partsOut},
                    {"encode_fps", st.encodeFps}};
    if (st.id == spec.video.front().id) sourceFrames = st.framesIn;
  }
  const double contentSeconds = double(sourceFrames) * spec.source.frameRateDen / spec.source.frameRateNum;
  nlohmann::json out = {{"input", input},
                        {"ladder", ladder},
                        {"renditions", spec.video.size()},
                        {"source_frames", sourceFrames},
                        {"wall_seconds", wall},
                        {"cpu_seconds", cpu},
                        {"fps", sourceFrames / wall},
                        {"cpu_per_content_second", cpu / contentSeconds},
                        {"rungs", rungs}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
