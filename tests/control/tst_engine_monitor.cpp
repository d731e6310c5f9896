// The monitor inside a real engine (the test source, a one-rung ladder):
// manifest age measured several times a second and fresh; a stopped channel
// ages from its last media and raises a warning, then a critical alarm, at
// the thresholds; an operator's acknowledgement survives an engine restart,
// where the alarm is reloaded open and cleared once the channel is fresh;
// /metrics carries the monitor's families.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <optional>

#include "control/engine.h"
#include "core/clock.h"
#include "origin/http_test_client.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::control;

namespace {

constexpr const char* kChannel = "mon1";

EngineConfig config(const QTemporaryDir& dir) {
  ChannelSpec ch = test::tinyChannel(kChannel);
  ch.name = "Monitor";
  return test::loopbackConfig(dir, {ch});
}

std::unique_ptr<Engine> startEngine(const QTemporaryDir& dir) { return test::startEngine(config(dir)); }

std::optional<monitor::Alarm> channelAlarm(const Engine& e) {
  for (const auto& a : e.alarms(kChannel, true))
    if (a.key.kind == "manifest.age" && a.key.subject.empty()) return a;
  return std::nullopt;
}

std::string metrics(const Engine& e) {
  auto res = testhttp::fetch(e.httpPort(), "/metrics");
  return res ? res->body() : std::string();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The value of a Prometheus sample, by its name and labels.
std::optional<double> metricValue(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

class TstEngineMonitor : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;  // one data directory for the whole suite: the restart reads what the first run wrote
  int64_t alarmId_ = 0;

 private slots:
  void heartbeatAndAlarms() {
    auto engine = startEngine(dir_);
    QVERIFY(engine);
    Engine& e = *engine;
    QVERIFY(test::waitFor([&] { return e.channel(kChannel)->state == ChannelStatus::State::Running; }, 10000));
    QTest::qWait(4500);

    // At least 4 samples a second, all fresh.
    int64_t now = nowUtcUs();
    const auto series = e.manifestAgeSeries(kChannel, "v0", now - 4'000'000, now);
    QVERIFY2(series.size() >= 14, qPrintable(QString::number(series.size())));
    const double rate =
        static_cast<double>(series.size() - 1) * 1e6 / static_cast<double>(series.back().utcUs - series.front().utcUs);
    QVERIFY2(rate >= 3.9, qPrintable(QString("%1 samples/s").arg(rate)));
    for (const auto& p : series) {
      // A part goes out once its last frame is encoded, up to a frame before
      // its end: a fresh channel's age dips a little below zero.
      QVERIFY2(p.ageSeconds > -0.05 && p.ageSeconds < 1.0 * test::kRealtimeSlack,
               qPrintable(QString::number(p.ageSeconds)));
      QCOMPARE(p.samples, 1);  // full rate
    }
    QVERIFY(!e.manifestAgeSeries(kChannel, "a0", now - 4'000'000, now).empty());
    const auto st = *e.channel(kChannel);
    QVERIFY2(st.worstManifestAgeSeconds >= 0 && st.worstManifestAgeSeconds < 1.0 * test::kRealtimeSlack,
             qPrintable(QString::number(st.worstManifestAgeSeconds)));
    QCOMPARE(st.openAlarms, 0);

    // The 10 s maximum: at least the last 4 s's, at most the largest sample
    // since the start (the wait for the first part is in it).
    std::string m = metrics(e);
    double seriesMax = 0, recentMax = 0;
    for (const auto& p : e.manifestAgeSeries(kChannel, "v0", now - 60'000'000, nowUtcUs() + 1'000'000))
      seriesMax = std::max(seriesMax, p.maxAgeSeconds);
    for (const auto& p : series) recentMax = std::max(recentMax, p.ageSeconds);
    const auto max = metricValue(m, "vigil_manifest_age_max_seconds{channel=\"mon1\",rendition=\"v0\"}");
    QVERIFY2(max, m.c_str());
    QVERIFY2(*max >= recentMax - 0.001 && *max <= seriesMax + 0.001,
             qPrintable(QString("%1 not in [%2, %3]").arg(*max).arg(recentMax).arg(seriesMax)));
    QVERIFY(has(m, "vigil_manifest_age_seconds{channel=\"mon1\",rendition=\"v0\"}"));  // the origin's own family
    QVERIFY(has(m, "vigil_alarms_open{channel=\"mon1\",severity=\"critical\"} 0"));
    QVERIFY(has(m, "vigil_availability_day_seconds{channel=\"mon1\",state=\"healthy\"}"));
    QVERIFY(has(m, "vigil_slo_budget_remaining_seconds{channel=\"mon1\"}"));
    QVERIFY(has(m, "vigil_monitor_samples_total "));
    QVERIFY(has(m, "vigil_input_switches_total"));  // the input families are still there (none here: help only)

    // The channel stops: its age runs on from its last media.
    QVERIFY(e.stopChannel(kChannel));
    QVERIFY(test::waitFor([&] { return channelAlarm(e).has_value(); }, 6000));
    auto warning = *channelAlarm(e);
    QCOMPARE(warning.severity, monitor::Severity::Warning);
    now = nowUtcUs();
    const auto after = e.manifestAgeSeries(kChannel, "v0", now - 2'500'000, now);
    QVERIFY(after.size() >= 8);
    const int64_t lastMediaUs = after.back().utcUs - static_cast<int64_t>(after.back().ageSeconds * 1e6);
    for (size_t i = 1; i < after.size(); ++i) QVERIFY(after[i].ageSeconds > after[i - 1].ageSeconds);
    const double raisedAfter = static_cast<double>(warning.raisedUs - lastMediaUs) / 1e6;
    QVERIFY2(raisedAfter >= 3.0 && raisedAfter < 3.6, qPrintable(QString("warning %1 s after").arg(raisedAfter)));

    QVERIFY(test::waitFor([&] { return channelAlarm(e)->severity == monitor::Severity::Critical; }, 5000));
    const auto critical = *channelAlarm(e);
    QCOMPARE(critical.id, warning.id);  // escalated in place
    QCOMPARE(critical.raisedUs, warning.raisedUs);
    int64_t escalatedUs = 0;
    for (const auto& ev : e.events(kChannel))
      if (ev.kind == "alarm.raise" && has(ev.detail, "warning -> critical")) escalatedUs = ev.utcUs;
    const double escalatedAfter = static_cast<double>(escalatedUs - lastMediaUs) / 1e6;
    QVERIFY2(escalatedAfter >= 6.0 && escalatedAfter < 6.6,
             qPrintable(QString("critical %1 s after").arg(escalatedAfter)));

    auto report = e.availability(kChannel);
    QVERIFY2(report, report.message().c_str());
    QVERIFY(report->today.healthy > 3);
    QVERIFY(report->today.outage > 5);  // declared and not running: outage from the stop
    QVERIFY(report->monthBudget.remainingSeconds < report->monthBudget.allowedSeconds);
    QVERIFY(report->topologyAvailability > 0.99 && report->topologyAvailability < 1);
    QVERIFY(!e.availability("nope"));

    // An operator acknowledges it.
    QVERIFY(!e.acknowledgeAlarm(critical.id + 1000, "alice"));
    QVERIFY(e.acknowledgeAlarm(critical.id, "alice"));
    bool acked = false;
    for (const auto& ev : e.events(kChannel)) acked = acked || (ev.kind == "alarm.ack" && ev.actor == "alice");
    QVERIFY(acked);
    m = metrics(e);
    QVERIFY2(has(m, "vigil_alarms_open{channel=\"mon1\",severity=\"critical\"} 1"), m.c_str());
    QVERIFY(has(m, "vigil_alarms_unacknowledged{channel=\"mon1\"} 0"));
    alarmId_ = critical.id;
    e.stop();
  }

  // The next engine finds the acknowledged alarm in SQLite, open, and clears
  // it once its channel is fresh again; the acknowledgement stays in the history.
  void acknowledgementSurvivesARestart() {
    if (!alarmId_) QSKIP("needs heartbeatAndAlarms");
    auto created = Engine::create(config(dir_));
    QVERIFY(created);
    Engine& e = **created;
    const auto open = e.alarms(kChannel, true);
    QCOMPARE(open.size(), size_t{1});
    QCOMPARE(open[0].id, alarmId_);
    QCOMPARE(open[0].severity, monitor::Severity::Critical);
    QCOMPARE(open[0].ackedBy, std::string("alice"));
    QVERIFY(open[0].ackedUs > 0);

    QVERIFY(e.start());
    QVERIFY(test::waitFor([&] { return e.alarms(kChannel, true).empty(); }, 3000));
    const auto history = e.alarms(kChannel, false);
    QVERIFY(!history.empty());
    QCOMPARE(history[0].id, alarmId_);
    QVERIFY(history[0].clearedUs > 0);
    QCOMPARE(history[0].ackedBy, std::string("alice"));
    bool cleared = false;
    for (const auto& ev : e.events(kChannel))
      cleared = cleared || (ev.kind == "alarm.clear" && has(ev.detail, "#" + std::to_string(alarmId_) + " "));
    QVERIFY(cleared);
    QVERIFY(test::waitFor([&] { return e.channel(kChannel)->state == ChannelStatus::State::Running; }, 10000));
    e.stop();
  }
};

QTEST_GUILESS_MAIN(TstEngineMonitor)
#include "tst_engine_monitor.moc"
