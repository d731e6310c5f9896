// Ingest cost: one contribution input (listener + demux + decode), the frames
// thrown away, for bench/ingest_cpu.sh to compare with the ffmpeg CLI doing
// the same (`ffmpeg -i srt://:port?mode=listener -f null -`).
//
//   vigil-ingest-bench --protocol srt|rtmp --port P --seconds S
//
// Listens on 127.0.0.1:P (SRT: stream id bench/in; RTMP: rtmp://.../bench/benchkey1),
// waits for the first decoded frame, then counts frames for S seconds and
// prints one JSON line: frames, audio frames, cpu seconds of the process
// (getrusage over the whole run), and the input's own view (bitrate, frame rate).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/timeline.h"
#include "ingest/contribution_input.h"
#include "ingest/ffmpeg_log.h"
#include "ingest/rtmp_listener.h"
#include "ingest/srt_listener.h"

using namespace vigil;

namespace {

class Counter final : public ingest::FrameSink {
 public:
  void onVideoFrame(const AVFrame*) override { ++video; }
  void onAudioFrame(const AVFrame*) override { ++audio; }
  void onEndOfStream() override {}
  std::atomic<int64_t> video{0};
  std::atomic<int64_t> audio{0};
};

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::string protocol = "srt";
  int port = 0, seconds = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--protocol"))
      protocol = argv[i + 1];
    else if (!std::strcmp(argv[i], "--port"))
      port = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atoi(argv[i + 1]);
  }
  if ((protocol != "srt" && protocol != "rtmp") || port <= 0 || seconds <= 0) {
    std::fprintf(stderr, "usage: vigil-ingest-bench --protocol srt|rtmp --port P --seconds S\n");
    return 2;
  }
  ingest::installFfmpegLogBridge();
  Timeline timeline(180000, 18000);
  timeline.begin(nowUtcUs());
  ingest::ContributionInputOptions options;
  options.container = protocol == "rtmp" ? ingest::ContributionInputOptions::Container::Flv
                                         : ingest::ContributionInputOptions::Container::MpegTs;
  ingest::ContributionInput input("bench", "in", timeline, options);
  Counter counter;
  std::unique_ptr<ingest::SrtListener> srt;
  std::unique_ptr<ingest::RtmpListener> rtmp;
  Status s = Status::ok();
  if (protocol == "srt") {
    srt = std::make_unique<ingest::SrtListener>(ingest::SrtListenerSpec{"127.0.0.1", port, 16});
    s = srt->start();
    if (s) s = srt->addInput({"bench", "in", "", 16, 120, {}, input.publisherSink()});
  } else {
    ingest::RtmpListenerSpec rs;
    rs.address = "127.0.0.1";
    rs.port = port;
    rtmp = std::make_unique<ingest::RtmpListener>(rs);
    s = rtmp->start();
    if (s) s = rtmp->addInput({"bench", "in", "bench", "benchkey1", {}, input.publisherSink()});
  }
  if (s) s = input.start(&counter);
  if (!s) {
    std::fprintf(stderr, "vigil-ingest-bench: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("listening\n");
  std::fflush(stdout);
  while (counter.video == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double cpu0 = cpuSeconds();
  const int64_t v0 = counter.video;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu = cpuSeconds() - cpu0;
  const int64_t frames = counter.video - v0;
  const auto st = input.status();
  std::printf(
      "{\"protocol\":\"%s\",\"seconds\":%d,\"frames\":%lld,\"cpu_seconds\":%.3f,\"cores\":%.4f,"
      "\"bitrate_kbps\":%.0f,\"frame_rate\":%.2f,\"width\":%d,\"height\":%d}\n",
      protocol.c_str(), seconds, static_cast<long long>(frames), cpu, cpu / seconds, st.bitrateKbps, st.frameRate,
      st.width, st.height);
  input.stop();
  if (srt) srt->stop();
  if (rtmp) rtmp->stop();
  return 0;
}
