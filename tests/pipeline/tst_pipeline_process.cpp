// Pipelines in real worker processes (vigil-pipeline), fed in real time by the
// test source through the fanout, as ChannelRuntime wires them: start-up, the
// two pipelines' output compared byte for byte, and the supervisor's answers
// to a killed, a stopped (hung) and a failing worker, stop, and the backoff.
#include <QtTest>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "control/config.h"
#include "core/channel_spec.h"
#include "core/clock.h"
#include "ingest/test_source.h"
#include "pipeline/pipeline_process.h"
#include "pipeline/worker_protocol.h"
#include "support/wait_for.h"

using namespace vigil;
using pipeline::PipelineProcess;
using pipeline::PipelineProcessOptions;

namespace {

constexpr int kLongMs = 30000;  // generous: CI runs on two busy cores

int64_t steadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct StateChange {
  PipelineState state;
  std::string why;
  int64_t atMs;
};

// Keeps what one pipeline sends: inits, parts, state changes.
class Recorder : public PartSink {
 public:
  void onInit(CmafInit init) override {
    std::lock_guard lock(mu_);
    inits_[init.rendition.id] = init.bytes;
  }
  void onPart(CmafPart part) override {
    std::lock_guard lock(mu_);
    if (!inits_.count(part.renditionId)) partBeforeInit_ = true;
    parts_.push_back(std::move(part));
  }
  void onPipelineState(PipelineState state, const std::string& why) override {
    std::lock_guard lock(mu_);
    states_.push_back({state, why, steadyMs()});
  }
  std::map<std::string, Bytes> inits() const {
    std::lock_guard lock(mu_);
    return inits_;
  }
  std::vector<CmafPart> parts() const {
    std::lock_guard lock(mu_);
    return parts_;
  }
  std::vector<StateChange> states() const {
    std::lock_guard lock(mu_);
    return states_;
  }
  // The first change to `state` at or after fromMs.
  std::optional<StateChange> first(PipelineState state, int64_t fromMs) const {
    for (const auto& s : states())
      if (s.state == state && s.atMs >= fromMs) return s;
    return std::nullopt;
  }
  bool partBeforeInit() const {
    std::lock_guard lock(mu_);
    return partBeforeInit_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Bytes> inits_;
  std::vector<CmafPart> parts_;
  std::vector<StateChange> states_;
  bool partBeforeInit_ = false;
};

ChannelSpec tinyChannel() {
  ChannelSpec c;
  c.id = "pp";
  c.name = "Pipeline processes";
  c.source.width = 160;
  c.source.height = 90;
  for (auto [id, w, h, bps] : {std::tuple{"v0", 160, 90, 200000}, std::tuple{"v1", 128, 72, 120000}}) {
    VideoRenditionSpec r;
    r.id = id;
    r.width = w;
    r.height = h;
    r.bitrateBps = bps;
    r.maxrateBps = bps * 11 / 10;
    r.bufsizeBits = r.maxrateBps;
    r.profile = "main";
    c.video.push_back(r);
  }
  return c;
}

// Forwards to the fanout and notes when the first frame went out (a slow start
// on a loaded machine is then told apart from a slow worker).
class FirstFrame : public ingest::FrameSink {
 public:
  explicit FirstFrame(ingest::FrameSink* next) : next_(next) {}
  void onVideoFrame(const AVFrame* f) override {
    note();
    next_->onVideoFrame(f);
  }
  void onAudioFrame(const AVFrame* f) override {
    note();
    next_->onAudioFrame(f);
  }
  void onEndOfStream() override { next_->onEndOfStream(); }
  std::atomic<int64_t> atMs{0};

 private:
  void note() {
    int64_t none = 0;
    atMs.compare_exchange_strong(none, steadyMs());
  }
  ingest::FrameSink* next_;
};

// n pipelines fed by one real-time test source, wired as ChannelRuntime::startPipelines does.
struct Rig {
  Rig(int n, PipelineProcessOptions options) : timeline(180000, 18000) {
    QVERIFY2(validateOk(), "the test channel is invalid");
    options.workerPath = pipeline::findWorkerExecutable();
    QVERIFY2(!options.workerPath.empty(), "vigil-pipeline not found");
    // Frames start shortly after the workers are spawned, so both see the same first frame.
    timeline.begin(nowUtcUs() + 500'000);
    std::vector<PipelineProcess*> targets;
    for (int i = 0; i < n; ++i) {
      const nlohmann::json hello{{"channel", control::channelToJson(spec)},
                                 {"timeline", pipeline::wire::timelineToJson(timeline)},
                                 {"index", i},
                                 {"logLevel", "info"},
                                 {"logFormat", "text"}};
      sinks.push_back(std::make_unique<Recorder>());
      procs.push_back(std::make_unique<PipelineProcess>(
          spec.id, i, pipeline::wire::encode(pipeline::wire::Type::Hello, hello), sinks.back().get(), options));
      targets.push_back(procs.back().get());
    }
    fanout = std::make_unique<pipeline::PipelineFanout>(std::move(targets));
    firstFrame = std::make_unique<FirstFrame>(fanout.get());
  }
  ~Rig() {
    if (source) source->stop();
    for (auto& p : procs) p->requestStop();
    procs.clear();
  }
  // As the worker reads it from the hello.
  bool validateOk() const { return control::parseChannel(control::channelToJson(spec), "channel").isOk(); }
  // Spawns the workers; the source starts once every one has its socket.
  bool start() {
    for (auto& p : procs)
      if (!p->start().isOk()) return false;
    if (!test::waitFor(
            [&] {
              for (auto& p : procs)
                if (p->status().pid <= 0) return false;
              return true;
            },
            kLongMs))
      return false;
    startedMs = steadyMs();
    source = std::make_unique<ingest::TestSource>(spec.id, spec.source, timeline);
    return source->start(firstFrame.get()).isOk();
  }
  bool waitUp(int i, int64_t fromMs = 0) {
    return test::waitFor([&] { return sinks[i]->first(PipelineState::Up, fromMs).has_value(); }, kLongMs);
  }
  // Pipeline i's state changes, and when the frames began, for failure messages.
  std::string history(int i) const {
    std::string out = "first frame " + std::to_string(firstFrame->atMs - startedMs) + " ms after the source start;";
    for (const auto& s : sinks[i]->states())
      out += std::string(" ") + stateName(s.state) + " at " + std::to_string(s.atMs - startedMs) + " ms" +
             (s.why.empty() ? "" : " (" + s.why + ")") + ";";
    return out;
  }

  ChannelSpec spec = tinyChannel();
  Timeline timeline;
  std::vector<std::unique_ptr<Recorder>> sinks;
  std::vector<std::unique_ptr<PipelineProcess>> procs;
  std::unique_ptr<pipeline::PipelineFanout> fanout;
  std::unique_ptr<FirstFrame> firstFrame;
  std::unique_ptr<ingest::TestSource> source;
  int64_t startedMs = 0;
};

// Not the watchdog under test: a start slowed by a loaded machine must not read as a hang.
PipelineProcessOptions patient() {
  PipelineProcessOptions o;
  o.hangMs = 10000;
  return o;
}

// The payload of the mdat box of a moof+mdat part ("" when there is none).
std::string mdatPayload(const std::string& b) {
  size_t pos = 0;
  while (pos + 8 <= b.size()) {
    uint64_t size = 0;
    for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<uint8_t>(b[pos + i]);
    if (size == 0) size = b.size() - pos;
    if (size < 8 || pos + size > b.size()) return {};
    if (b.compare(pos + 4, 4, "mdat") == 0) return b.substr(pos + 8, size - 8);
    pos += size;
  }
  return {};
}

bool processExists(pid_t pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); }

// Worker processes whose parent is this test process (reaped or not).
int workerChildren() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "stat");
    std::string stat;
    if (!in || !std::getline(in, stat)) continue;
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid() && stat.substr(open + 1, close - open - 1) == "vigil-pipeline") ++n;
  }
  return n;
}

// The parts both pipelines made (same rendition, segment, part) from segment `from` on:
// how many, how many with the same mdat payload, how many identical as a whole.
struct Agreement {
  int common = 0, sameMdat = 0, samePart = 0;
};
Agreement compare(const Recorder& x, const Recorder& y, int64_t from = 0) {
  using Key = std::tuple<std::string, int64_t, int>;
  std::map<Key, std::string> mine;
  for (const auto& p : x.parts())
    if (p.segmentNumber >= from) mine[{p.renditionId, p.segmentNumber, p.partIndex}] = *p.bytes;
  Agreement a;
  for (const auto& p : y.parts()) {
    auto it = mine.find({p.renditionId, p.segmentNumber, p.partIndex});
    if (it == mine.end()) continue;
    ++a.common;
    const std::string m = mdatPayload(it->second);
    a.sameMdat += !m.empty() && m == mdatPayload(*p.bytes);
    a.samePart += it->second == *p.bytes;
  }
  return a;
}

}  // namespace

class TstPipelineProcess : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QVERIFY2(!pipeline::findWorkerExecutable().empty(), "build the vigil-pipeline target"); }

  void twoPipelinesStartAndAgreeByteForByte() {
    Rig rig(2, patient());
    QVERIFY(rig.start());
    const auto ids = renditionIds(rig.spec);
    // Two complete segments (0 and 1) and the start of segment 2 in every rendition of both.
    QVERIFY(test::waitFor(
        [&] {
          for (const auto& s : rig.sinks) {
            std::set<std::string> reached;
            for (const auto& p : s->parts())
              if (p.segmentNumber >= 2) reached.insert(p.renditionId);
            if (reached.size() < ids.size()) return false;
          }
          return true;
        },
        kLongMs));
    for (int i = 0; i < 2; ++i) {
      const auto states = rig.sinks[i]->states();
      QVERIFY2(states.size() >= 2 && states[0].state == PipelineState::Starting && states[1].state == PipelineState::Up,
               rig.history(i).c_str());
      QVERIFY2(states[1].why.find("first part") != std::string::npos, states[1].why.c_str());
      QVERIFY(rig.procs[i]->status().state == PipelineState::Up);
      QVERIFY(!rig.sinks[i]->partBeforeInit());
      QCOMPARE(int(rig.sinks[i]->inits().size()), int(ids.size()));
    }
    // Same init segments: the selector may take any part from either pipeline.
    const auto inits0 = rig.sinks[0]->inits(), inits1 = rig.sinks[1]->inits();
    for (const auto& id : ids) {
      QVERIFY(inits0.at(id) && inits1.at(id));
      QVERIFY2(*inits0.at(id) == *inits1.at(id), id.c_str());
    }
    const Agreement a = compare(*rig.sinks[0], *rig.sinks[1]);
    qInfo("parts of both pipelines: %d, identical mdat: %d, identical whole part: %d", a.common, a.sameMdat,
          a.samePart);
    QVERIFY(a.common >= int(ids.size()) * 20);
    QCOMPARE(a.sameMdat, a.common);  // a mid-GOP switch between them is clean
  }

  void killedWorkerIsRestarted() {
    Rig rig(2, patient());
    QVERIFY(rig.start());
    QVERIFY2(rig.waitUp(0) && rig.waitUp(1), (rig.history(0) + " / " + rig.history(1)).c_str());
    const pid_t old = rig.procs[0]->status().pid;
    QVERIFY(old > 0);
    const int64_t t0 = steadyMs();
    QVERIFY(rig.procs[0]->signal(SIGKILL).isOk());
    QVERIFY(test::waitFor([&] { return rig.sinks[0]->first(PipelineState::Down, t0).has_value(); }, kLongMs));
    const auto down = *rig.sinks[0]->first(PipelineState::Down, t0);
    QVERIFY2(down.why.find("killed by SIGKILL") != std::string::npos, down.why.c_str());
    QVERIFY2(rig.waitUp(0, down.atMs), rig.history(0).c_str());
    const auto s = rig.procs[0]->status();
    QCOMPARE(s.restarts, int64_t{1});
    QVERIFY(s.pid > 0 && s.pid != old);
    QVERIFY(!processExists(old));
    QCOMPARE(rig.procs[1]->status().restarts, int64_t{0});  // the other pipeline carried on
    // After the restart: do the two pipelines still agree byte for byte (a clean mid-GOP failover)?
    const auto up = *rig.sinks[0]->first(PipelineState::Up, down.atMs);
    const int64_t fresh = rig.timeline.segmentNumberAt(rig.timeline.timeAtUtcUs(nowUtcUs())) + 1;
    QVERIFY(test::waitFor(
        [&] {
          for (const auto& p : rig.sinks[0]->parts())
            if (p.segmentNumber > fresh && p.lastInSegment) return true;
          return false;
        },
        kLongMs));
    const Agreement a = compare(*rig.sinks[0], *rig.sinks[1], fresh);
    qInfo("restarted after %lld ms; from segment %lld: %d parts of both, %d with identical mdat",
          static_cast<long long>(up.atMs - down.atMs), static_cast<long long>(fresh), a.common, a.sameMdat);
    QVERIFY(a.common > 0);
  }

  void stoppedWorkerIsHungAndRestarted() {
    PipelineProcessOptions o;
    o.hangMs = 1000;
    Rig rig(1, o);
    QVERIFY(rig.start());
    QVERIFY2(rig.waitUp(0), rig.history(0).c_str());
    const auto before = rig.procs[0]->status();
    const int64_t t0 = steadyMs();
    QVERIFY(rig.procs[0]->signal(SIGSTOP).isOk());
    QVERIFY(test::waitFor([&] { return rig.sinks[0]->first(PipelineState::Down, t0).has_value(); }, kLongMs));
    const auto down = *rig.sinks[0]->first(PipelineState::Down, t0);
    QVERIFY2(down.why.find("hung") != std::string::npos, down.why.c_str());
    qInfo("SIGSTOP -> down (%s) after %lld ms", down.why.c_str(), static_cast<long long>(down.atMs - t0));
    // About hangMs after its last message (a part every 200 ms, stats every 500 ms).
    QVERIFY2(down.atMs - t0 >= 500 && down.atMs - t0 < 10000, qPrintable(QString::number(down.atMs - t0)));
    QVERIFY2(rig.waitUp(0, down.atMs), rig.history(0).c_str());
    const auto after = rig.procs[0]->status();
    QVERIFY(after.restarts > before.restarts);
    QVERIFY(after.pid != before.pid);
    QVERIFY(!processExists(before.pid));  // a stopped process is still killed and reaped
  }

  void encoderErrorRestartsTheWorker() {
    Rig rig(1, patient());
    QVERIFY(rig.start());
    QVERIFY2(rig.waitUp(0), rig.history(0).c_str());
    const pid_t old = rig.procs[0]->status().pid;
    QVERIFY(!rig.procs[0]->injectFault("no-such-fault").isOk());
    const int64_t t0 = steadyMs();
    QVERIFY(rig.procs[0]->injectFault("encoder-error").isOk());
    QVERIFY(test::waitFor([&] { return rig.sinks[0]->first(PipelineState::Down, t0).has_value(); }, kLongMs));
    const auto down = *rig.sinks[0]->first(PipelineState::Down, t0);
    QVERIFY2(down.why.rfind("error:", 0) == 0, down.why.c_str());
    QVERIFY2(rig.waitUp(0, down.atMs), rig.history(0).c_str());
    QCOMPARE(rig.procs[0]->status().restarts, int64_t{1});
    QVERIFY(rig.procs[0]->status().pid != old);
  }

  void stopLeavesNoWorker() {
    {
      Rig rig(1, patient());
      QVERIFY(rig.start());
      QVERIFY(rig.waitUp(0));
      const pid_t pid = rig.procs[0]->status().pid;
      rig.source->stop();
      rig.procs[0]->stop();
      const auto s = rig.procs[0]->status();
      QVERIFY(s.state == PipelineState::Down);
      QCOMPARE(s.pid, pid_t{0});
      QCOMPARE(s.restarts, int64_t{0});  // a stop is not a death
      QVERIFY(!processExists(pid));
      QVERIFY(rig.sinks[0]->states().back().state == PipelineState::Down);
    }
    {
      // Destroyed while its worker runs, without stop().
      Rig rig(1, patient());
      QVERIFY(rig.start());
      QVERIFY(rig.waitUp(0));
      QCOMPARE(workerChildren(), 1);
    }
    QCOMPARE(workerChildren(), 0);
  }

  void backoffGrowsAcrossQuickDeaths() {
    PipelineProcessOptions o;
    o.backoffInitialMs = 300;
    Rig rig(1, o);
    QVERIFY(rig.procs[0]->start().isOk());  // no frames needed: it dies before producing any
    std::vector<int64_t> delays;
    pid_t last = 0;
    for (int death = 0; death < 3; ++death) {
      QVERIFY(test::waitFor(
          [&] {
            const pid_t pid = rig.procs[0]->status().pid;
            return pid > 0 && pid != last;
          },
          kLongMs));
      last = rig.procs[0]->status().pid;
      const int64_t t0 = steadyMs();
      QVERIFY(rig.procs[0]->signal(SIGKILL).isOk());
      QVERIFY(test::waitFor([&] { return rig.sinks[0]->first(PipelineState::Starting, t0).has_value(); }, kLongMs));
      const auto down = rig.sinks[0]->first(PipelineState::Down, t0);
      QVERIFY(down.has_value());
      delays.push_back(rig.sinks[0]->first(PipelineState::Starting, t0)->atMs - down->atMs);
    }
    qInfo("restart delays: %lld, %lld, %lld ms", static_cast<long long>(delays[0]), static_cast<long long>(delays[1]),
          static_cast<long long>(delays[2]));
    QVERIFY(delays[0] >= 250);
    QVERIFY(delays[1] > delays[0]);
    QVERIFY(delays[2] > delays[1]);
    QCOMPARE(rig.procs[0]->status().restarts, int64_t{3});
  }
};

QTEST_GUILESS_MAIN(TstPipelineProcess)
#include "tst_pipeline_process.moc"
