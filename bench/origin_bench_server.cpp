// Serves a real ChannelPackager filled with fixture parts, for load tests of
// the origin against nginx serving the same files (wrk, 1 KB playlist and
// 100 KB parts). Built with -DVIGIL_BUILD_BENCH=ON.
//
//   origin_bench_server [--port 8080] [--listen 0.0.0.0] [--threads 1] [--part-kb 100] [--live]
//   wrk -t2 -c100 -d30s http://127.0.0.1:8080/live/bench/v0/playlist.m3u8
//   wrk -t2 -c100 -d30s http://127.0.0.1:8080/live/bench/v0/part_5_3.m4s
//
// --live keeps publishing a part every part duration, so blocking reloads
// (_HLS_msn/_HLS_part) can be measured too. It then prints one line per part
// published from the start of serving on, flushed at once:
//   published <msn> <part> <utc_us>
// utc_us: CLOCK_REALTIME in microseconds, taken right after
// ChannelPackager::onPart returned (the part is visible and the origin told).
// bench/held_reload.sh reads these lines to time blocking reloads.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <time.h>

#include "core/media_types.h"
#include "core/timeline.h"
#include "origin/origin.h"
#include "package/channel_packager.h"

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop = true; }

int64_t realtimeUs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8080, threads = 1, partKb = 100;
  std::string listen = "0.0.0.0";
  bool live = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--port" && i + 1 < argc)
      port = std::atoi(argv[++i]);
    else if (a == "--listen" && i + 1 < argc)
      listen = argv[++i];
    else if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--part-kb" && i + 1 < argc)
      partKb = std::atoi(argv[++i]);
    else if (a == "--live")
      live = true;
    else {
      std::fprintf(stderr, "usage: %s [--port N] [--listen ADDR] [--threads N] [--part-kb N] [--live]\n", argv[0]);
      return 2;
    }
  }

  vigil::PackagingSpec spec;  // product defaults: 2 s segments of ten 200 ms parts
  const int partsPerSegment = spec.segmentDurationMs / spec.partDurationMs;
  const int64_t partTicks = int64_t(spec.partDurationMs) * 90;
  constexpr int64_t kFirstSegments = 6;
  vigil::Timeline timeline(int64_t(spec.segmentDurationMs) * 90, partTicks);
  timeline.begin(nowUs() - kFirstSegments * spec.segmentDurationMs * 1000);
  auto packager =
      std::make_shared<vigil::package::ChannelPackager>("bench", spec, timeline, std::vector<std::string>{"v0"});
  vigil::CmafInit init;
  init.rendition.id = "v0";
  init.rendition.codecs = "avc1.64001f";
  init.rendition.bitrateBps = int64_t(partKb) * 8 * 1000 * 5;
  init.rendition.peakBitrateBps = init.rendition.bitrateBps;
  init.rendition.width = 1280;
  init.rendition.height = 720;
  init.rendition.frameRate = 30;
  init.bytes = vigil::makeBytes(std::string(800, 'i'));
  packager->onInit(init);

  int64_t msn = 0;
  int part = 0;
  bool announce = false;  // --live, once serving: print each publication
  auto publish = [&] {
    vigil::CmafPart p;
    p.renditionId = "v0";
    p.segmentNumber = msn;
    p.partIndex = part;
    p.startTime90k = msn * partsPerSegment * partTicks + part * partTicks;
    p.duration90k = partTicks;
    p.independent = part == 0;
    p.lastInSegment = part == partsPerSegment - 1;
    p.bytes = vigil::makeBytes(std::string(std::size_t(partKb) * 1024, char('a' + part)));
    packager->onPart(p);
    if (announce) {
      const int64_t at = realtimeUs();
      std::printf("published %lld %d %lld\n", static_cast<long long>(p.segmentNumber), p.partIndex,
                  static_cast<long long>(at));
      std::fflush(stdout);
    }
    if (++part == partsPerSegment) {
      part = 0;
      ++msn;
    }
  };
  while (msn < kFirstSegments) publish();

  vigil::origin::OriginConfig cfg;
  cfg.listenAddress = listen;
  cfg.port = static_cast<uint16_t>(port);
  cfg.ioThreads = threads;
  vigil::origin::Origin origin(cfg);
  if (auto st = origin.start(); !st) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  origin.addChannel(packager);
  std::printf("serving on :%u\n  playlist  /live/bench/v0/playlist.m3u8\n  part      /live/bench/v0/part_5_3.m4s\n",
              origin.port());
  std::fflush(stdout);

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  announce = live;
  auto next = std::chrono::steady_clock::now();
  while (!g_stop) {
    next += std::chrono::milliseconds(spec.partDurationMs);
    std::this_thread::sleep_until(next);
    if (live) publish();
  }
  origin.stop();
  return 0;
}
