// Region failover: the hook is called with an account of what happened when
// an operator asks (in process and through the control API) and by itself
// once the output has been in outage for after_ms, once per outage; each call
// is an event with its outcome; a channel without a hook refuses.
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "control/config.h"
#include "control/engine.h"
#include "control/remote_engine.h"
#include "support/hook_receiver.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::control;

namespace {

std::vector<store::EventRecord> regionEvents(const EngineApi& e, const std::string& channel) {
  std::vector<store::EventRecord> out;
  for (const auto& ev : e.events(channel, 200))
    if (ev.kind == "region.failover") out.push_back(ev);
  return out;
}

}  // namespace

class TstRegionFailover : public QObject {
  Q_OBJECT
 private slots:
  void configNeedsAHookForTheAutomaticCall() {
    const nlohmann::json noHook{{"id", "r"}, {"region_failover", {{"after_ms", 2000}}}};
    const auto a = parseChannel(noHook, "channel r");
    QVERIFY(!a);
    QVERIFY2(a.message().find("region_failover.after_ms needs a hook_url") != std::string::npos, a.message().c_str());
    const nlohmann::json badUrl{{"id", "r"}, {"region_failover", {{"hook_url", "ftp://steer.example/x"}}}};
    const auto b = parseChannel(badUrl, "channel r");
    QVERIFY(!b);
    QVERIFY2(b.message().find("region_failover.hook_url") != std::string::npos, b.message().c_str());
    const nlohmann::json good{{"id", "r"},
                              {"region_failover", {{"hook_url", "http://127.0.0.1:9/steer"}, {"after_ms", 2000}}}};
    auto c = parseChannel(good, "channel r");
    QVERIFY2(c, c.message().c_str());
    QCOMPARE(c->regionFailover.afterMs, 2000);
    QCOMPARE(channelToJson(*c)["region_failover"]["hook_url"].get<std::string>(),
             std::string("http://127.0.0.1:9/steer"));
  }

  void anOperatorCallsTheHook() {
    test::HookReceiver hook;
    QTemporaryDir dir;
    ChannelSpec with = test::tinyChannel("reg1");
    with.regionFailover.hookUrl = hook.url("/steer?region=eu-west");
    ChannelSpec without = test::tinyChannel("reg2");
    auto engine = test::startEngine(test::loopbackConfig(dir, {with, without}));
    QVERIFY(engine);
    Engine& e = *engine;
    QVERIFY(e.channel("reg1")->standbyRegion);
    QVERIFY(!e.channel("reg2")->standbyRegion);

    QVERIFY(e.regionFailover("reg1", "alice"));
    auto got = hook.received();
    QCOMPARE(got.size(), size_t{1});
    QCOMPARE(got[0].method, std::string("POST"));
    QCOMPARE(got[0].target, std::string("/steer?region=eu-west"));
    QCOMPARE(got[0].contentType, std::string("application/json"));
    const auto account = nlohmann::json::parse(got[0].body);
    QCOMPARE(account["channel"].get<std::string>(), std::string("reg1"));
    QCOMPARE(account["actor"].get<std::string>(), std::string("alice"));
    QCOMPARE(account["reason"].get<std::string>(), std::string("operator"));
    QVERIFY(account["utc_us"].get<int64_t>() > 0);
    auto events = regionEvents(e, "reg1");
    QCOMPARE(events.size(), size_t{1});
    QCOMPARE(events[0].actor, std::string("alice"));
    QVERIFY2(events[0].detail.find("answered 200") != std::string::npos, events[0].detail.c_str());

    // The hook refuses: the operator is told why, and so is the record.
    hook.answer(503);
    const auto refused = e.regionFailover("reg1", "alice");
    QVERIFY(!refused);
    QVERIFY2(refused.message().find("answered 503") != std::string::npos, refused.message().c_str());
    QVERIFY(regionEvents(e, "reg1").front().detail.find("503") != std::string::npos);

    // Through the control API, as a remote console calls it.
    hook.answer(204);
    auto remote = RemoteEngine::connect("http://127.0.0.1:" + std::to_string(e.httpPort()), "", "bob");
    QVERIFY2(remote, remote.message().c_str());
    QVERIFY((*remote)->channel("reg1")->standbyRegion);
    const auto viaApi = (*remote)->regionFailover("reg1");
    QVERIFY2(viaApi, viaApi.message().c_str());
    got = hook.received();
    QCOMPARE(got.size(), size_t{3});
    QCOMPARE(nlohmann::json::parse(got[2].body)["actor"].get<std::string>(), std::string("bob"));

    // No hook: refused, nothing called.
    const auto none = e.regionFailover("reg2", "alice");
    QVERIFY(!none);
    QVERIFY2(none.message().find("no standby region") != std::string::npos, none.message().c_str());
    QVERIFY(!e.regionFailover("nope", "alice"));
    QCOMPARE(hook.received().size(), size_t{3});
    e.stop();
  }

  // A single pipeline without the emergency slate, hung: the output goes
  // stale past the critical threshold, and after after_ms the engine calls
  // the hook itself, once for the whole outage.
  void anOutageCallsTheHookOnce() {
    test::HookReceiver hook;
    QTemporaryDir dir;
    ChannelSpec ch = test::tinyChannel("reg3");
    ch.redundancy.mode = "single";
    ch.redundancy.emergencySlate = false;
    ch.redundancy.hangMs = 4000;
    ch.alarms.manifestAgeWarningMs = 1000;
    ch.alarms.manifestAgeCriticalMs = 1500;
    ch.regionFailover.hookUrl = hook.url("/steer");
    ch.regionFailover.afterMs = 500;
    auto engine = test::startEngine(test::loopbackConfig(dir, {ch}));
    QVERIFY(engine);
    Engine& e = *engine;
    QVERIFY(test::waitFor(
        [&] {
          const auto st = e.channel("reg3");
          return !st->pipelines.empty() && st->pipelines[0].state == "up" && st->worstManifestAgeSeconds >= 0 &&
                 st->worstManifestAgeSeconds < 1.0;
        },
        15000));
    QTest::qWait(1000);
    QVERIFY(hook.received().empty());  // healthy: nothing called

    const auto pid = static_cast<pid_t>(e.channel("reg3")->pipelines[0].pid);
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid, SIGSTOP), 0);
    QVERIFY(test::waitFor([&] { return !hook.received().empty(); }, 6000));
    // Output stale since the hang: critical at 1.5 s, then 0.5 s more.
    const auto account = nlohmann::json::parse(hook.received()[0].body);
    QCOMPARE(account["actor"].get<std::string>(), std::string("engine"));
    QVERIFY2(account["reason"].get<std::string>().find("output in outage for") == 0,
             account["reason"].get<std::string>().c_str());
    QVERIFY(account["worst_manifest_age_s"].get<double>() >= 1.5);
    // The worker is killed after hang_ms and restarts: the outage ends without a second call.
    QVERIFY(test::waitFor([&] { return e.channel("reg3")->worstManifestAgeSeconds < 1.0; }, 15000));
    QCOMPARE(hook.received().size(), size_t{1});
    const auto events = regionEvents(e, "reg3");
    QCOMPARE(events.size(), size_t{1});
    QCOMPARE(events[0].actor, std::string("engine"));
    e.stop();
  }
};

QTEST_GUILESS_MAIN(TstRegionFailover)
#include "tst_region_failover.moc"
