// vigil-pipeline: one pipeline of one channel in its own process (DESIGN.md
// contract 6). The engine spawns it with a connected stream socket on fd 3,
// sends the channel's spec and timeline, then decoded frames; it encodes the
// ladder and sends CMAF init segments and parts back. It exits when the engine
// ends the stream or goes away (socket closed; also PR_SET_PDEATHSIG), and
// with code 3 on an encoder error, after reporting it: the engine's supervisor
// restarts it.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "control/config.h"
#include "core/log.h"
#include "host_logging.h"
#include "ingest/ffmpeg_log.h"
#include "pipeline/pipeline.h"
#include "pipeline/worker_protocol.h"

namespace wire = vigil::pipeline::wire;

namespace {

// Test hook: SIGUSR1 makes the next video encode fail, as a broken encoder
// would (the end-to-end tests inject an encoder error from outside).
std::atomic<bool> g_injectError{false};
void onUsr1(int) { g_injectError = true; }

// Sends what the pipeline emits; the rendition threads and the stats thread share the socket.
class SocketSink final : public vigil::PartSink {
 public:
  explicit SocketSink(int fd) : fd_(fd) {}
  void onInit(vigil::CmafInit init) override { send(wire::encodeInit(init)); }
  void onPart(vigil::CmafPart part) override { send(wire::encodePart(part)); }
  void send(const std::string& message) {
    std::lock_guard lock(mu_);
    if (!wire::sendAll(fd_, message)) ::_exit(0);  // the engine is gone: nothing left to do
  }

 private:
  const int fd_;
  std::mutex mu_;
};

}  // namespace

int main(int argc, char** argv) {
  int fd = 3;
  std::string index = "?";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--fd") == 0) fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--index") == 0) index = argv[i + 1];
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGUSR1, onUsr1);
  vigil::app::setupLogging("text", "info", "p" + index);
  vigil::ingest::installFfmpegLogBridge();

  wire::Reader reader(fd);
  auto hello = reader.next();
  if (!hello || hello->type != wire::Type::Hello) {
    std::fprintf(stderr, "vigil-pipeline: expected the engine's hello on fd %d (%s)\n", fd,
                 hello ? "another message" : hello.message().c_str());
    return 2;
  }
  SocketSink sink(fd);
  auto fail = [&](const std::string& why) {
    spdlog::error("{}", why);
    sink.send(wire::encode(wire::Type::Error, {{"message", why}}));
    return 3;
  };
  const auto meta = nlohmann::json::parse(hello->meta, nullptr, false);
  if (!meta.is_object() || !meta.contains("channel") || !meta.contains("timeline") ||
      !meta.value("logLevel", nlohmann::json("info")).is_string() ||
      !meta.value("logFormat", nlohmann::json("text")).is_string())
    return fail("hello: not the engine's hello");
  vigil::app::setupLogging(meta.value("logFormat", std::string("text")), meta.value("logLevel", std::string("info")),
                           "p" + index);
  auto spec = vigil::control::parseChannel(meta["channel"], "channel");
  if (!spec) return fail("hello: " + spec.message());
  auto timeline = wire::timelineFromJson(meta["timeline"]);
  if (!timeline) return fail("hello: " + timeline.message());

  vigil::pipeline::PipelineOptions options;
  options.overflow = vigil::pipeline::PipelineOptions::Overflow::DropNewest;
  vigil::pipeline::Pipeline pipeline(spec->id, *spec, *timeline, &sink, options);
  // An encoder error is fatal for this worker: report it and exit, so the
  // supervisor restarts a clean one (the other pipeline carries the channel).
  pipeline.onError([&](const std::string& why) {
    spdlog::error("encoder error: {}", why);
    sink.send(wire::encode(wire::Type::Error, {{"message", why}}));
    ::_exit(3);
  });
  if (auto s = pipeline.start(); !s) return fail("pipeline: " + s.message());

  // The heartbeat: the supervisor takes a silent worker for a hung one.
  std::atomic<bool> done{false};
  std::thread stats([&] {
    while (!done) {
      nlohmann::json rs = nlohmann::json::array();
      for (const auto& r : pipeline.stats())
        rs.push_back({{"id", r.id},
                      {"framesIn", r.framesIn},
                      {"dropped", r.droppedFrames},
                      {"bytes", r.bytesOut},
                      {"encodeFps", r.encodeFps},
                      {"latencyUs", r.lastPartLatencyUs}});
      sink.send(wire::encode(wire::Type::Stats, {{"renditions", rs}}));
      for (int i = 0; i < 5 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  int rc = 0;
  for (;;) {
    auto m = reader.next();
    if (!m) {
      if (!wire::isEof(m.status())) spdlog::error("from the engine: {}", m.message());
      break;
    }
    if (g_injectError.exchange(false)) {
      spdlog::warn("test hook (SIGUSR1): injecting an encoder error");
      pipeline.injectEncoderError();
    }
    if (m->type == wire::Type::Video || m->type == wire::Type::Audio) {
      auto frame = wire::decodeFrame(*m);
      if (!frame) {
        rc = fail(frame.message());
        break;
      }
      if (m->type == wire::Type::Video)
        pipeline.onVideoFrame(frame->get());
      else
        pipeline.onAudioFrame(frame->get());
    } else if (m->type == wire::Type::Fault) {
      spdlog::warn("test hook: injecting an encoder error");
      pipeline.injectEncoderError();
    } else if (m->type == wire::Type::EndOfStream) {
      break;
    }
  }
  pipeline.stop();  // the last parts go out before the socket closes
  done = true;
  stats.join();
  return rc;
}
