// The redundant pipelines through the engine facade, with real workers and the
// test source: a Standard channel runs two; a rehearsed kill of the one on
// air is measured (switch time, worst manifest age, no part lost or
// repeated) and kept as an event; the operator prefers pipeline 1 (the
// packager moves at a segment boundary) and restarts a pipeline (an event, a
// restart in its status); a Single channel runs one; bad requests are refused.
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include <nlohmann/json.hpp>

#include "control/engine.h"
#include "control/http_client.h"
#include "support/media_playlist.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::control;

namespace {

std::unique_ptr<Engine> startEngine(const QTemporaryDir& dir, const std::string& mode) {
  ChannelSpec ch = test::tinyChannel("red1");
  ch.redundancy.mode = mode;
  return test::startEngine(test::loopbackConfig(dir, {ch}));
}

bool allUp(const Engine& e, size_t n) {
  const auto st = e.channel("red1");
  if (!st || st->pipelines.size() != n) return false;
  for (const auto& p : st->pipelines)
    if (p.state != "up") return false;
  return true;
}

int countEvents(const Engine& e, const std::string& kind) {
  int n = 0;
  for (const auto& ev : e.events("red1", 500)) n += ev.kind == kind ? 1 : 0;
  return n;
}

}  // namespace

class TstEnginePipelines : public QObject {
  Q_OBJECT
 private slots:
  void rehearsedKillIsMeasuredAndKept() {
    QTemporaryDir dir;
    auto engine = startEngine(dir, "standard");
    QVERIFY(engine);
    Engine& e = *engine;
    QVERIFY(test::waitFor([&] { return allUp(e, 2); }, 15000));
    QVERIFY(test::waitFor([&] { return e.channel("red1")->state == ChannelStatus::State::Running; }, 10000));
    // Whichever worker delivered first is on air; the preferred one takes over once steady.
    QVERIFY(test::waitFor(
        [&] {
          const auto st = e.channel("red1");
          return st->pipelines[0].preferred && st->pipelines[0].onAir;
        },
        10000));
    const auto before = *e.channel("red1");
    QCOMPARE(before.redundancy, std::string("standard"));
    QVERIFY(before.pipelines[0].pid > 0 && before.pipelines[1].pid > 0 &&
            before.pipelines[0].pid != before.pipelines[1].pid);

    auto report = e.rehearse("red1", "pipeline-kill", 4000, "alice");
    QVERIFY2(report, report.message().c_str());
    qInfo("rehearsal: %s switched after %.0f ms, worst manifest age %.3f s (baseline %.3f s), %llu lost, %llu repeated",
          report->target.c_str(), report->switchMs, report->worstManifestAgeSeconds, report->baselineManifestAgeSeconds,
          static_cast<unsigned long long>(report->partsLost), static_cast<unsigned long long>(report->partsRepeated));
    QCOMPARE(report->target, std::string("pipeline 0"));
    QVERIFY(report->switchMs >= 0 && report->switchMs < 1000 * test::kRealtimeSlack);
    QVERIFY(report->worstManifestAgeSeconds < 1.5 * test::kRealtimeSlack);
    QCOMPARE(report->partsLost, uint64_t{0});
    QCOMPARE(report->partsRepeated, uint64_t{0});
    bool kept = false;
    for (const auto& ev : e.events("red1", 100))
      if (ev.kind == "rehearsal" && ev.actor == "alice") {
        const auto j = nlohmann::json::parse(ev.detail);
        kept = j["kind"] == "pipeline-kill" && j["parts_lost"] == 0;
      }
    QVERIFY(kept);
    QVERIFY(test::waitFor([&] { return e.channel("red1")->pipelines[0].restarts == 1; }, 5000));
    QVERIFY(e.channel("red1")->pipelines[0].lastExit.find("SIGKILL") != std::string::npos);

    // The operator prefers pipeline 1: the packager moves at a segment boundary.
    QVERIFY(e.preferPipeline("red1", 1, "bob"));
    QVERIFY(test::waitFor(
        [&] {
          const auto st = e.channel("red1");
          return st->pipelines[1].preferred && st->pipelines[1].onAir;
        },
        8000));
    QCOMPARE(countEvents(e, "pipeline.prefer"), 1);
    // ... and restarts pipeline 0 (not on air): an event and a restart.
    const int64_t pid = e.channel("red1")->pipelines[0].pid;
    QVERIFY(e.restartPipeline("red1", 0, "bob"));
    QVERIFY(test::waitFor(
        [&] {
          const auto st = e.channel("red1");
          return st->pipelines[0].restarts == 2 && st->pipelines[0].state == "up" && st->pipelines[0].pid != pid;
        },
        8000));
    QCOMPARE(countEvents(e, "pipeline.restart"), 1);
    QVERIFY(e.channel("red1")->pipelines[1].onAir);  // the restart of the other one is invisible

    // Refusals.
    QVERIFY(!e.preferPipeline("red1", 2));
    QVERIFY(!e.restartPipeline("red1", -1));
    QVERIFY(!e.rehearse("red1", "meteor", 2000));
    QVERIFY(!e.rehearse("red1", "input-failover", 2000));  // no contribution inputs
    QVERIFY(!e.rehearse("nope", "pipeline-kill", 2000));
  }

  void singleRunsOnePipeline() {
    QTemporaryDir dir;
    auto engine = startEngine(dir, "single");
    QVERIFY(engine);
    QVERIFY(test::waitFor([&] { return allUp(*engine, 1); }, 15000));
    QCOMPARE(engine->channel("red1")->redundancy, std::string("single"));
    QVERIFY(!engine->preferPipeline("red1", 1));
  }

  // A single pipeline's worker starved of the CPU for 1.5 s (stopped, then
  // continued): the emergency slate covers the parts it does not deliver in
  // time, the worker then catches up on the frames queued for it, and the
  // channel goes back to it. No rendition's playlist has a hole: a frame the
  // catching-up worker dropped would leave one in its parts, at which every
  // player stalls.
  void aStarvedWorkerCatchesUpWithoutAHole() {
    QTemporaryDir dir;
    auto engine = startEngine(dir, "single");
    QVERIFY(engine);
    QVERIFY(test::waitFor([&] { return allUp(*engine, 1); }, 15000));
    QTest::qWait(2500);
    const int64_t pid = engine->channel("red1")->pipelines[0].pid;
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    QTest::qWait(1500);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QVERIFY(test::waitFor([&] { return engine->channel("red1")->pipelines[0].onAir; }, 10000));
    QTest::qWait(2500);
    QCOMPARE(engine->channel("red1")->pipelines[0].pid, pid);  // continued, not restarted
    auto url = control::HttpUrl::parse("http://127.0.0.1:" + std::to_string(engine->httpPort()));
    QVERIFY(url);
    control::HttpClient http(*url, "the origin");
    for (const char* rendition : {"v0", "a0"}) {
      control::HttpRequest get;
      get.target = std::string("/live/red1/") + rendition + "/playlist.m3u8";
      auto r = http.exchange(get);
      QVERIFY2(r, r.message().c_str());
      QCOMPARE(r->status, 200u);
      const auto segments = test::parseMediaPlaylist(QString::fromStdString(r->body));
      QVERIFY(segments.size() >= 3);
      const QString gaps = test::pdtGaps(segments);
      QVERIFY2(gaps.isEmpty(), qPrintable(QString(rendition) + ": " + gaps + "\n" + QString::fromStdString(r->body)));
    }
    bool slate = false;
    for (const auto& ev : engine->events("red1", 500))
      slate = slate || (ev.kind == "pipeline.switch" && ev.detail.find("slate") != std::string::npos);
    qInfo("the emergency slate covered the stall: %s", slate ? "yes" : "no");
  }
};

QTEST_GUILESS_MAIN(TstEnginePipelines)
#include "tst_engine_pipelines.moc"
