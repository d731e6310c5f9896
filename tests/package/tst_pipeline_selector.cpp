// The packager's choice between redundant pipelines, driven directly with
// synthetic parts: two pipelines on a 2 s / 200 ms timeline, two video
// renditions and audio. Each part's bytes name the pipeline that made it, so
// the published stream tells where every part came from.
#include <QtTest>

#include <functional>
#include <mutex>

#include "core/clock.h"
#include "core/part_sink.h"
#include "core/timeline.h"
#include "package/pipeline_selector.h"
#include "support/wait_for.h"

using namespace vigil;
using package::PipelineSelector;
using package::PipelineSelectorOptions;
using package::PipelineSwitchEvent;

namespace {

constexpr int64_t kSeg = 180000;  // 2 s
constexpr int64_t kPart = 18000;  // 200 ms
constexpr int kParts = 10;
constexpr int64_t kAac = 1920;  // 1024 samples at 48 kHz

struct Published {
  CmafPart part;
  int from = -1;
};

class Downstream : public PartSink {
 public:
  void onInit(CmafInit init) override {
    std::lock_guard lock(mu_);
    inits_.push_back(std::move(init));
  }
  void onPart(CmafPart part) override {
    std::lock_guard lock(mu_);
    const int from = part.bytes && part.bytes->size() > 1 ? (*part.bytes)[1] - '0' : -1;
    parts_.push_back({std::move(part), from});
  }
  std::vector<CmafInit> inits() const {
    std::lock_guard lock(mu_);
    return inits_;
  }
  std::vector<Published> of(const std::string& rid) const {
    std::lock_guard lock(mu_);
    std::vector<Published> out;
    for (const auto& p : parts_)
      if (p.part.renditionId == rid) out.push_back(p);
    return out;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return parts_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<CmafInit> inits_;
  std::vector<Published> parts_;
};

// Global part number n of a rendition as the fragmenter cuts it: video parts
// tile the timeline; audio parts start at the first AAC frame at or after the
// nominal boundary. Bytes: "p<pipeline>" then padding up to scale x the target.
CmafPart makePart(int pipeline, const PipelineSelector::Rendition& r, int64_t n, double scale) {
  CmafPart p;
  p.renditionId = r.id;
  p.segmentNumber = n / kParts;
  p.partIndex = static_cast<int>(n % kParts);
  const int64_t nominal = n * kPart;
  if (r.video) {
    p.startTime90k = nominal;
    p.duration90k = kPart;
    p.independent = p.partIndex == 0;
  } else {
    auto ceilAac = [](int64_t t) { return (t + kAac - 1) / kAac * kAac; };
    p.startTime90k = ceilAac(nominal);
    p.duration90k = ceilAac(nominal + kPart) - p.startTime90k;
    p.independent = true;
  }
  p.lastInSegment = p.partIndex == kParts - 1;
  const auto size = static_cast<size_t>(double(r.targetBps) * 0.2 / 8 * scale);
  std::string bytes = "p" + std::to_string(pipeline) + ":" + r.id + ":" + std::to_string(n);
  bytes.resize(std::max(size, bytes.size()), '.');
  p.bytes = makeBytes(std::move(bytes));
  return p;
}

struct Rig {
  // started: how many inputs come up (all when -1; a last resort starts on
  // demand). The timeline begins long ago (every part is late) unless told.
  explicit Rig(PipelineSelectorOptions o, bool twoVideo = true, int started = -1,
               int64_t beginUtcUs = 1714564800LL * 1000000)
      : timeline(kSeg, kPart) {
    timeline.begin(beginUtcUs);
    renditions.push_back({"v0", true, 400000});
    if (twoVideo) renditions.push_back({"v1", true, 200000});
    renditions.push_back({"a0", false, 128000});
    selector = std::make_unique<PipelineSelector>("sel", timeline, &down, renditions, o);
    selector->onSwitch([this](const PipelineSwitchEvent& e) {
      std::lock_guard lock(mu);
      events.push_back(e);
    });
    for (int p = 0; p < (started < 0 ? o.pipelines : started); ++p) {
      for (const auto& r : renditions) init(p, r.id, "init-" + r.id);
      state(p, PipelineState::Starting);
      state(p, PipelineState::Up);
    }
  }
  void state(int p, PipelineState s, const std::string& why = "") { selector->input(p)->onPipelineState(s, why); }
  void init(int p, const std::string& rid, const std::string& bytes) {
    RenditionInfo info;
    info.id = rid;
    selector->input(p)->onInit(CmafInit{info, makeBytes(bytes)});
  }
  // Part n of every rendition (or of one) from pipeline p.
  void feed(int p, int64_t n, double scale = 1.0, const std::string& only = "") {
    for (const auto& r : renditions)
      if (only.empty() || r.id == only) selector->input(p)->onPart(makePart(p, r, n, scale));
  }
  // Parts [from, to) from both pipelines, `first` delivering each part first.
  void feedBoth(int64_t from, int64_t to, int first = 0, double scale0 = 1.0, double scale1 = 1.0) {
    for (int64_t n = from; n < to; ++n) {
      feed(first, n, first == 0 ? scale0 : scale1);
      feed(1 - first, n, first == 0 ? scale1 : scale0);
    }
  }
  std::vector<PipelineSwitchEvent> switches() {
    std::lock_guard lock(mu);
    return events;
  }
  // The pipeline each published part of rid came from, by global part number.
  std::map<int64_t, int> sources(const std::string& rid) const {
    std::map<int64_t, int> out;
    for (const auto& p : down.of(rid)) out[p.part.segmentNumber * kParts + p.part.partIndex] = p.from;
    return out;
  }

  Timeline timeline;
  Downstream down;
  std::vector<PipelineSelector::Rendition> renditions;
  std::unique_ptr<PipelineSelector> selector;
  std::mutex mu;
  std::vector<PipelineSwitchEvent> events;
};

PipelineSelectorOptions options(int lagMs, int steadySegments = 2) {
  PipelineSelectorOptions o;
  o.lagMs = lagMs;
  o.steadySegments = steadySegments;
  return o;
}

// Every rendition's published parts tile the timeline from part 0 to `to`: no gap, no repeat.
void verifyContiguous(const Rig& rig, int64_t to) {
  for (const auto& r : rig.renditions) {
    const auto parts = rig.down.of(r.id);
    QCOMPARE(int64_t(parts.size()), to);
    for (size_t i = 0; i < parts.size(); ++i) {
      QCOMPARE(parts[i].part.segmentNumber * kParts + parts[i].part.partIndex, int64_t(i));
      if (i > 0) QCOMPARE(parts[i].part.startTime90k, parts[i - 1].part.startTime90k + parts[i - 1].part.duration90k);
    }
  }
}

// Every rendition's parts [from, to) were published from pipeline expected(n).
void verifySources(const Rig& rig, int64_t from, int64_t to, const std::function<int(int64_t)>& expected) {
  for (const auto& r : rig.renditions) {
    const auto src = rig.sources(r.id);
    for (int64_t n = from; n < to; ++n)
      QVERIFY2(src.count(n) && src.at(n) == expected(n),
               qPrintable(QString("%1 part %2.%3 from pipeline %4, expected %5")
                              .arg(QString::fromStdString(r.id))
                              .arg(n / kParts)
                              .arg(n % kParts)
                              .arg(src.count(n) ? src.at(n) : -1)
                              .arg(expected(n))));
  }
}

}  // namespace

class TstPipelineSelector : public QObject {
  Q_OBJECT
 private slots:
  void preferredPartsGoAtOnceAndDuplicatesNever() {
    Rig rig(options(1000));
    QCOMPARE(int(rig.down.inits().size()), 3);  // one init per rendition, from the first pipeline
    for (int64_t n = 0; n < 15; ++n) {
      const size_t before = rig.down.count();
      rig.feed(n % 2 == 0 ? 1 : 0, n);                     // the other pipeline first on even parts
      if (n % 2 == 0) QCOMPARE(rig.down.count(), before);  // waits for the preferred one
      rig.feed(n % 2 == 0 ? 0 : 1, n);
      QCOMPARE(rig.down.count(), before + 3);  // the preferred one's part went out in its onPart
    }
    // Past the lag, the other pipeline's copies still never go out.
    QTest::qWait(1200);
    rig.selector->tick();
    verifyContiguous(rig, 15);
    verifySources(rig, 0, 15, [](int64_t) { return 0; });
    QVERIFY(rig.switches().empty());
    const auto s = rig.selector->status();
    QCOMPARE(s.switches, uint64_t{0});
    QCOMPARE(s.onAir, 0);
  }

  void preferredDownSwitchesAtTheNextPart() {
    Rig rig(options(10000));
    rig.feedBoth(0, 7);
    rig.feed(1, 7);  // the other pipeline is two parts ahead
    rig.feed(1, 8);
    QCOMPARE(int(rig.down.of("v0").size()), 7);
    rig.state(0, PipelineState::Down, "killed by SIGKILL");
    // Its parts go out at once (no lag to wait for), then it carries on.
    QCOMPARE(int(rig.down.of("v0").size()), 9);
    rig.feed(1, 9);
    rig.feed(1, 10);
    verifyContiguous(rig, 11);
    verifySources(rig, 0, 11, [](int64_t n) { return n < 7 ? 0 : 1; });
    const auto events = rig.switches();
    QCOMPARE(int(events.size()), 1);
    QCOMPARE(events[0].from, 0);
    QCOMPARE(events[0].to, 1);
    QCOMPARE(events[0].atSegment, int64_t{0});
    QCOMPARE(events[0].atPart, 7);
    QVERIFY2(events[0].reason.find("pipeline 0 down: killed by SIGKILL") != std::string::npos,
             events[0].reason.c_str());
  }

  void laggingPreferredSwitchesOnce() {
    Rig rig(options(50));
    rig.feedBoth(0, 3);
    QElapsedTimer sinceDelivery;
    sinceDelivery.start();
    rig.feed(1, 3);  // the preferred one falls silent
    rig.selector->tick();
    if (sinceDelivery.elapsed() < 40) QCOMPARE(int(rig.down.of("v0").size()), 3);  // within the lag: it waits
    QVERIFY(test::waitFor(
        [&] {
          rig.selector->tick();
          return rig.down.count() == 4 * 3;
        },
        5000));
    QVERIFY(sinceDelivery.elapsed() >= 50);
    const auto events = rig.switches();
    QCOMPARE(int(events.size()), 1);  // one event for the channel, not one per rendition
    QCOMPARE(events[0].from, 0);
    QCOMPARE(events[0].to, 1);
    QCOMPARE(events[0].rendition, std::string("v0"));
    QCOMPARE(events[0].atPart, 3);
    QVERIFY2(events[0].reason.find("pipeline 0 lags") != std::string::npos, events[0].reason.c_str());
    // The late part is dropped; the rendition stays on pipeline 1 within the segment
    // even where the preferred one is first again.
    rig.feed(0, 3);
    rig.feedBoth(4, 8, 0);
    verifyContiguous(rig, 8);
    verifySources(rig, 3, 8, [](int64_t) { return 1; });
    QCOMPARE(int(rig.switches().size()), 1);
    QCOMPARE(rig.selector->status().onAir, 1);
  }

  // Pipeline 0 restarts; its first complete segment is 3x its peer's, the next two
  // are in bounds: it returns at the boundary after the second, for every rendition.
  void returnsAtABoundaryOnceSteady() {
    Rig rig(options(10000));
    rig.feedBoth(0, 25);
    rig.state(0, PipelineState::Down, "hung: no message for 3000 ms");
    rig.state(0, PipelineState::Starting);
    rig.feed(1, 25);
    rig.state(0, PipelineState::Up, "first part after 400 ms");
    rig.feedBoth(26, 30, 0, 3.0, 1.0);  // a cold encoder from mid-segment 2: not judged
    rig.feedBoth(30, 40, 0, 3.0, 1.0);  // segment 3: a spike
    auto s = rig.selector->status();
    QVERIFY(!s.pipelines[0].steady);
    QCOMPARE(s.pipelines[0].restarts, int64_t{1});
    QVERIFY(qAbs(s.pipelines[0].lastSegmentRatio - 3.0) < 0.05);
    rig.feedBoth(40, 50, 1);  // segment 4 in bounds (the peer delivering first)
    QVERIFY(!rig.selector->status().pipelines[0].steady);
    rig.feedBoth(50, 60, 1);  // segment 5 in bounds: steady
    s = rig.selector->status();
    QVERIFY(s.pipelines[0].steady);
    QVERIFY(qAbs(s.pipelines[0].lastSegmentRatio - 1.0) < 0.05);
    QCOMPARE(s.onAir, 1);
    rig.feedBoth(60, 65, 1);  // the peer first at the boundary: the preferred one gets its chance
    verifyContiguous(rig, 65);
    verifySources(rig, 25, 65, [](int64_t n) { return n < 60 ? 1 : 0; });
    const auto events = rig.switches();
    QCOMPARE(int(events.size()), 2);
    QCOMPARE(events[1].from, 1);
    QCOMPARE(events[1].to, 0);
    QCOMPARE(events[1].atSegment, int64_t{6});
    QCOMPARE(events[1].atPart, 0);
    QVERIFY2(events[1].reason.find("return") != std::string::npos, events[1].reason.c_str());
    s = rig.selector->status();
    QCOMPARE(s.onAir, 0);
    QVERIFY(s.pipelines[0].onAir);
    QVERIFY(!s.pipelines[1].onAir);
  }

  void withoutSpikeGuardReturnsAtTheFirstBoundary() {
    Rig rig(options(10000, 0));
    rig.feedBoth(0, 5);
    rig.state(0, PipelineState::Down, "killed by SIGKILL");
    rig.feed(1, 5);
    rig.feed(1, 6);
    rig.state(0, PipelineState::Starting);
    rig.state(0, PipelineState::Up);
    QVERIFY(rig.selector->status().pipelines[0].steady);
    rig.feedBoth(7, 15, 1, 3.0, 1.0);  // spikes do not matter
    verifyContiguous(rig, 15);
    verifySources(rig, 5, 15, [](int64_t n) { return n < 10 ? 1 : 0; });
  }

  void unsteadyPipelineCarriesTheChannelAlone() {
    Rig rig(options(10000));
    rig.feedBoth(0, 5);
    rig.state(0, PipelineState::Down, "killed by SIGKILL");
    rig.state(0, PipelineState::Starting);
    rig.state(0, PipelineState::Up);
    rig.feedBoth(5, 20, 0, 3.0, 1.0);
    QVERIFY(!rig.selector->status().pipelines[0].steady);
    rig.state(1, PipelineState::Down, "killed by SIGKILL");
    rig.feed(0, 20, 3.0);  // a spike beats a stall
    rig.feed(0, 21, 3.0);
    verifyContiguous(rig, 22);
    verifySources(rig, 0, 22, [](int64_t n) { return n < 5 || n >= 20 ? 0 : 1; });
    const auto events = rig.switches();
    QCOMPARE(int(events.size()), 2);
    QVERIFY2(events[1].reason.find("pipeline 1 down") != std::string::npos, events[1].reason.c_str());
  }

  void differingInitExcludesThePipelineForTheRendition() {
    PipelineSelectorOptions o = options(50);
    Rig rig(o);
    rig.init(1, "v0", "init-v0 from another encoder");
    rig.feedBoth(0, 3);
    rig.state(0, PipelineState::Down, "killed by SIGKILL");
    rig.feed(1, 3);
    rig.feed(1, 4);
    QTest::qWait(100);  // past the lag: v0 must not take pipeline 1's parts even as a hole filler
    rig.selector->tick();
    QCOMPARE(int(rig.down.of("v0").size()), 3);
    QCOMPARE(int(rig.down.of("v1").size()), 5);
    QCOMPARE(int(rig.down.of("a0").size()), 5);
    const auto inits = rig.down.inits();
    QCOMPARE(int(inits.size()), 3);
    for (const auto& i : inits) QCOMPARE(*i.bytes, "init-" + i.rendition.id);
    // A restarted encoder whose init matches is usable again (past the hole it left).
    rig.state(1, PipelineState::Down, "exited with code 3");
    rig.state(1, PipelineState::Starting);
    rig.init(1, "v0", "init-v0");
    rig.state(1, PipelineState::Up);
    rig.feed(1, 5);
    QVERIFY(test::waitFor(
        [&] {
          rig.selector->tick();
          return rig.down.of("v0").size() == 4;
        },
        5000));
    QCOMPARE(rig.down.of("v0").back().from, 1);
    QCOMPARE(rig.down.of("v0").back().part.partIndex, 5);  // not the parts it was refused for
    QCOMPARE(int(rig.down.of("a0").size()), 6);
  }

  void holeIsPublishedPastAfterTheLag() {
    Rig rig(options(50), false);
    rig.feedBoth(0, 3);
    QElapsedTimer sinceDelivery;
    sinceDelivery.start();
    for (int p : {0, 1}) {
      rig.feed(p, 3, 1.0, "a0");
      rig.feed(p, 4);  // both skipped v0 part 3
    }
    rig.selector->tick();
    if (sinceDelivery.elapsed() < 40) QCOMPARE(int(rig.down.of("v0").size()), 3);
    QVERIFY(test::waitFor(
        [&] {
          rig.selector->tick();
          return rig.down.of("v0").size() == 4;
        },
        5000));
    const auto v0 = rig.down.of("v0");
    QCOMPARE(v0.back().part.partIndex, 4);
    QCOMPARE(v0.back().from, 0);  // the current pipeline's copy
    QCOMPARE(rig.selector->status().gapParts, uint64_t{1});
    QCOMPARE(int(rig.down.of("a0").size()), 5);
    QVERIFY(rig.switches().empty());
  }

  void anAudioPartOffTheAacGridIsNoLostPart() {
    // After a source change (slate <-> programme) the next audio part may sit
    // on another AAC frame grid: a few ms off the last one's end, within the
    // tolerance. It follows the last part; no part was lost.
    Rig rig(options(10000));
    rig.feedBoth(0, 4);
    CmafPart late = makePart(0, rig.renditions.back(), 4, 1.0);
    late.startTime90k += 900;  // 10 ms after the end of part 3
    late.duration90k -= 900;
    rig.selector->input(0)->onPart(std::move(late));
    rig.feedBoth(4, 5);
    QCOMPARE(int(rig.down.of("a0").size()), 5);
    QCOMPARE(rig.selector->status().gapParts, uint64_t{0});
  }

  void aLateVideoWakesTheSlateOnTheProgrammesAudioGrid() {
    // Only the video is late: the slate is woken for the video, and its audio
    // must start where the programme's last audio part ended (the programme's
    // AAC grid), not on the video's part grid, or the audio it may have to
    // carry later would not follow the programme's.
    PipelineSelectorOptions o = options(50);
    o.pipelines = 3;
    o.lastResort = 2;
    o.lastResortLagMs = 50;
    std::mutex mu;
    std::vector<std::pair<int64_t, int64_t>> wakes;
    o.wakeLastResort = [&](int64_t video, int64_t audio) {
      std::lock_guard lock(mu);
      wakes.emplace_back(video, audio);
    };
    // The slate (input 2) is not running; the clock starts now, so that the
    // video is late at part 3 (0.6-0.8 s) while the audio, delivered up to
    // part 5, is not.
    Rig rig(o, false, 2, nowUtcUs());
    rig.feedBoth(0, 3);
    for (int p : {0, 1})
      for (int64_t n = 3; n < 6; ++n) rig.feed(p, n, 1.0, "a0");
    QVERIFY(test::waitFor(
        [&] {
          rig.selector->tick();
          std::lock_guard lock(mu);
          return !wakes.empty() && wakes.back().first == 3 * kPart;
        },
        3000));
    std::lock_guard lock(mu);
    const auto a0 = rig.down.of("a0");
    QCOMPARE(int(a0.size()), 6);
    QCOMPARE(wakes.back().second, a0.back().part.startTime90k + a0.back().part.duration90k);
    QCOMPARE(wakes.back().second % kAac, int64_t{0});  // the programme's AAC grid, not the video's part grid
  }

  void preferOneMovesAtTheNextBoundary() {
    Rig rig(options(10000));
    QVERIFY(!rig.selector->prefer(2).isOk());
    QVERIFY(!rig.selector->prefer(-1).isOk());
    rig.feedBoth(0, 5);
    QVERIFY(rig.selector->prefer(1).isOk());
    QCOMPARE(rig.selector->status().preferred, 1);
    rig.feedBoth(5, 10, 1);   // pipeline 1 first: still not within the segment
    rig.feedBoth(10, 13, 0);  // pipeline 0 first: pipeline 1 is waited for at the boundary
    verifyContiguous(rig, 13);
    verifySources(rig, 0, 13, [](int64_t n) { return n < 10 ? 0 : 1; });
    const auto events = rig.switches();
    QCOMPARE(int(events.size()), 1);
    QCOMPARE(events[0].atSegment, int64_t{1});
    QCOMPARE(events[0].atPart, 0);
    QVERIFY2(events[0].reason.find("operator") != std::string::npos, events[0].reason.c_str());
    QCOMPARE(rig.selector->status().onAir, 1);
  }

  void statusCountsEverything() {
    Rig rig(options(10000));
    auto s = rig.selector->status();
    QCOMPARE(s.preferred, 0);
    QCOMPARE(s.onAir, -1);  // nothing published yet
    QCOMPARE(int(s.pipelines.size()), 2);
    rig.feedBoth(0, 12);
    rig.state(1, PipelineState::Down, "exited with code 3");
    s = rig.selector->status();
    QCOMPARE(s.onAir, 0);
    QCOMPARE(s.switches, uint64_t{0});
    QCOMPARE(s.gapParts, uint64_t{0});
    QCOMPARE(s.pipelines[0].index, 0);
    QCOMPARE(s.pipelines[1].index, 1);
    QVERIFY(s.pipelines[0].state == PipelineState::Up);  // not QCOMPARE: QTest would free toString()'s static text
    QVERIFY(s.pipelines[1].state == PipelineState::Down);
    QVERIFY(s.pipelines[0].steady && s.pipelines[1].steady);
    QVERIFY(s.pipelines[0].onAir && !s.pipelines[1].onAir);
    QCOMPARE(s.pipelines[0].partsReceived, uint64_t{36});
    QCOMPARE(s.pipelines[1].partsReceived, uint64_t{36});
    QCOMPARE(s.pipelines[0].partsPublished, uint64_t{36});
    QCOMPARE(s.pipelines[1].partsPublished, uint64_t{0});
    QCOMPARE(s.pipelines[0].restarts, int64_t{0});
    QVERIFY(qAbs(s.pipelines[0].lastSegmentRatio - 1.0) < 0.05);  // segment 0 at its target
  }

  // Contract 2 per rendition: pipeline 1's v1 segments 2 and 3 start without
  // an IDR (v0 and pipeline 0 keep it). The status names the rendition, so
  // the console's keyframe matrix can point at the cell; audio is not judged.
  void keyframeViolationsAreCountedPerRendition() {
    Rig rig(options(10000));
    for (int64_t n = 0; n < 40; ++n) {
      rig.feed(0, n);
      for (const auto& r : rig.renditions) {
        CmafPart part = makePart(1, r, n, 1.0);
        if (r.id == "v1" && (n == 20 || n == 30)) part.independent = false;
        rig.selector->input(1)->onPart(std::move(part));
      }
    }
    const auto st = rig.selector->status();
    QCOMPARE(st.pipelines[0].keyframeViolations, uint64_t{0});
    QCOMPARE(st.pipelines[1].keyframeViolations, uint64_t{2});
    for (const auto& p : st.pipelines) {
      QCOMPARE(int(p.renditions.size()), 2);  // video only, ladder order
      QCOMPARE(p.renditions[0].id, std::string("v0"));
      QCOMPARE(p.renditions[1].id, std::string("v1"));
    }
    QCOMPARE(st.pipelines[0].renditions[1].keyframeViolations, uint64_t{0});
    QCOMPARE(st.pipelines[1].renditions[0].keyframeViolations, uint64_t{0});
    QCOMPARE(st.pipelines[1].renditions[1].keyframeViolations, uint64_t{2});
  }

  // Quality-aware selection: the preferred pipeline's segments come out at
  // twice the bitrate of the other's (its encoder misbehaves): its score
  // drops, the other one takes the air at the next segment boundary with the
  // reason, and the preferred one does not come back while it scores worse.
  void aClearlyWorsePipelineGivesTheAirAway() {
    Rig rig(options(1000));
    rig.feedBoth(0, 30, 0, 2.0, 1.0);  // three segments: pipeline 0 at 2x
    const auto st = rig.selector->status();
    QVERIFY2(st.pipelines[0].qualityScore <= 60, qPrintable(QString::number(st.pipelines[0].qualityScore)));
    QVERIFY(st.pipelines[1].qualityScore > 99);  // its parts come microseconds after the first copies
    // Segment 0 is scored only once it is complete: the switch comes at a
    // later boundary, and stays.
    const auto src = rig.sources("v0");
    int64_t switchedAt = -1;
    for (const auto& [n, from] : src)
      if (from == 1) {
        switchedAt = n;
        break;
      }
    QVERIFY(switchedAt > 0 && switchedAt % kParts == 0);
    verifySources(rig, switchedAt, 30, [](int64_t) { return 1; });
    verifyContiguous(rig, 30);
    bool quality = false;
    for (const auto& e : rig.switches()) quality = quality || (e.to == 1 && e.reason.find("quality") == 0);
    QVERIFY(quality);
  }

  // What a pipeline's decode of its own output showed counts in its score:
  // decode errors on the preferred pipeline give the air to the other at a
  // segment boundary, with the reason; a black programme (both pipelines
  // black) costs both alike, so nothing moves, but the score and its note tell it.
  void decodedOutputCountsInTheScore() {
    auto checked = [](int frames, int errors, int black) {
      OutputCheck c;
      c.checked = true;
      c.frames = frames;
      c.decodeErrors = errors;
      c.black = black;
      return c;
    };
    {
      Rig rig(options(1000));
      for (int64_t n = 0; n < 30; ++n)
        for (int p : {0, 1})
          for (const auto& r : rig.renditions) {
            CmafPart part = makePart(p, r, n, 1.0);
            if (part.lastInSegment) part.check = checked(60, p == 0 && r.id == "v1" ? 3 : 0, 0);
            rig.selector->input(p)->onPart(std::move(part));
          }
      const auto st = rig.selector->status();
      QCOMPARE(st.pipelines[0].qualityScore, 40.0);
      QVERIFY2(st.pipelines[0].qualityNote == "v1: 3 decode errors", st.pipelines[0].qualityNote.c_str());
      QCOMPARE(st.pipelines[1].qualityScore, 100.0);
      QVERIFY(st.pipelines[1].qualityNote.empty());
      const auto src = rig.sources("v0");
      QVERIFY(src.at(29) == 1);
      int64_t switchedAt = 0;
      while (src.at(switchedAt) == 0) ++switchedAt;
      QVERIFY(switchedAt > 0 && switchedAt % kParts == 0);
      verifyContiguous(rig, 30);
    }
    {
      Rig rig(options(1000));
      for (int64_t n = 0; n < 30; ++n)
        for (int p : {0, 1})
          for (const auto& r : rig.renditions) {
            CmafPart part = makePart(p, r, n, 1.0);
            if (part.lastInSegment && r.video) part.check = checked(60, 0, 60);
            rig.selector->input(p)->onPart(std::move(part));
          }
      const auto st = rig.selector->status();
      for (const auto& p : st.pipelines) {
        QCOMPARE(p.qualityScore, 70.0);
        QVERIFY2(p.qualityNote == "v0: black 100%", p.qualityNote.c_str());
      }
      verifySources(rig, 0, 30, [](int64_t) { return 0; });
      QVERIFY(rig.switches().empty());
    }
  }
};

QTEST_GUILESS_MAIN(TstPipelineSelector)
#include "tst_pipeline_selector.moc"
