// The alarms panel over a real embedded engine: a channel whose SRT input
// nobody publishes to puts the slate on air and raises input.loss
// (critical). The panel shows it coloured by severity; Acknowledge, clicked
// as the console's operator, is kept by the engine (the alarm's ackedBy and
// an alarm.ack event by that operator) and shown; the history bars count it.
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

#include "health/alarm_history_chart.h"
#include "health/alarms_panel.h"
#include "health/health_style.h"
#include "health_test_support.h"

using namespace vigil;
using monitor::Severity;

namespace {

ChannelSpec channelWithSilentInput(const std::string& id) {
  ChannelSpec ch = test::singleTinyChannel(id);
  InputSpec in;
  in.id = "primary";
  ch.inputs = {in};
  return ch;
}

int rowOf(const ui::AlarmsPanel& panel, const std::string& kind, const std::string& subject) {
  for (int row = 0; row < panel.alarmCount(); ++row)
    if (panel.alarmAt(row).key.kind == kind && panel.alarmAt(row).key.subject == subject) return row;
  return -1;
}

}  // namespace

class TstAlarmsPanel : public QObject {
  Q_OBJECT
 private slots:
  void operatorAcknowledgesARaisedAlarm() {
    test::EmbeddedConsole console;
    QVERIFY(console.start({channelWithSilentInput("live1"), test::singleTinyChannel("calm")}, true, "alice"));
    ui::AlarmsPanel panel(console.client.get());
    panel.resize(1000, 700);
    panel.setChannel("live1");
    panel.show();

    QVERIFY(test::waitFor([&] { return rowOf(panel, "input.loss", "primary") >= 0; }, 15000));
    const int row = rowOf(panel, "input.loss", "primary");
    const monitor::Alarm raised = panel.alarmAt(row);
    QCOMPARE(raised.key.channelId, std::string("live1"));
    QVERIFY(raised.severity == Severity::Critical);  // the slate is on air
    auto* table = panel.findChild<QTableWidget*>("alarmTable");
    QVERIFY(table);
    QCOMPARE(table->item(row, 0)->text(), ui::severityText(Severity::Critical));
    QCOMPARE(table->item(row, 0)->background().color(), ui::severityColor(Severity::Critical));
    QCOMPARE(table->item(row, 1)->text(), QString("input.loss"));
    QCOMPARE(table->item(row, 2)->text(), QString("primary"));
    QVERIFY(!table->item(row, 3)->text().isEmpty());  // the detail says why
    QVERIFY(table->item(row, 4)->text().startsWith(QDateTime::currentDateTimeUtc().toString("yyyy-MM-dd")));
    QVERIFY(table->item(row, 5)->text().isEmpty());
    for (int r = 0; r < panel.alarmCount(); ++r)  // nothing of the other channel
      QVERIFY(panel.alarmAt(r).key.channelId == "live1" || panel.alarmAt(r).key.channelId.empty());

    auto* ack = panel.findChild<QPushButton*>("acknowledgeButton");
    QVERIFY(ack);
    QVERIFY(!ack->isEnabled());  // nothing selected
    QVERIFY(panel.selectAlarm(raised.id));
    QCOMPARE(panel.selectedAlarmId(), raised.id);
    QVERIFY(ack->isEnabled());
    QTest::mouseClick(ack, Qt::LeftButton);

    // The outcome, then the acknowledgement in the table (the next snapshot), kept by the engine.
    QVERIFY(test::waitFor([&] { return panel.outcomeText().contains("acknowledged by alice"); }, 5000));
    QVERIFY(test::waitFor(
        [&] {
          const int r = rowOf(panel, "input.loss", "primary");
          return r >= 0 && panel.alarmAt(r).ackedBy == "alice";
        },
        5000));
    const int ackedRow = rowOf(panel, "input.loss", "primary");
    QVERIFY(table->item(ackedRow, 5)->text().startsWith("alice at "));
    QVERIFY(panel.selectAlarm(raised.id));
    QVERIFY(!ack->isEnabled());  // the first acknowledgement stands
    bool persisted = false;
    for (const auto& a : console.engine->alarms("live1", true))
      persisted = persisted || (a.id == raised.id && a.ackedBy == "alice" && a.ackedUs >= raised.raisedUs);
    QVERIFY(persisted);
    bool event = false;
    for (const auto& e : console.engine->events("live1", 100))
      event = event || (e.kind == "alarm.ack" && e.actor == "alice");
    QVERIFY(event);

    // History: the raised alarms counted in the newest bars, as the engine lists them.
    QVERIFY(test::waitFor([&] { return panel.historyReads() > 0; }, 5000));
    QVERIFY(test::waitFor([&] { return panel.lastTwoHours()->total(Severity::Critical) >= 1; }, 5000));
    const auto history = console.engine->alarms("live1", false, 1000);
    auto raisedSince = [&](int64_t fromUs, Severity severity) {
      int n = 0;
      for (const auto& a : history) n += a.raisedUs >= fromUs && a.severity == severity;
      return n;
    };
    for (auto* chart : {panel.lastTwoHours(), panel.lastDay()}) {
      QCOMPARE(chart->total(Severity::Critical), raisedSince(chart->firstBucketUtcUs(), Severity::Critical));
      QCOMPARE(chart->total(Severity::Warning), raisedSince(chart->firstBucketUtcUs(), Severity::Warning));
      const auto critical = chart->counts(Severity::Critical);
      QVERIFY(critical.back() >= 1);  // now's bucket (the engine started seconds ago)
    }
    QCOMPARE(int(panel.lastTwoHours()->counts(Severity::Critical).size()), 12);
    QCOMPARE(int(panel.lastDay()->counts(Severity::Critical).size()), 24);
    QCOMPARE(panel.lastTwoHours()->bucketUs(), int64_t{600'000'000});
    test::grabFor(panel, "alarms");

    // A channel with nothing wrong: an empty table, empty bars.
    panel.setChannel("calm");
    QCOMPARE(panel.alarmCount(), 0);
    const int reads = panel.historyReads();
    QVERIFY(test::waitFor([&] { return panel.historyReads() > reads; }, 5000));
    QCOMPARE(panel.lastDay()->total(Severity::Critical), 0);
  }

  // Stopping a channel keeps it declared, so the monitor raises its alarms:
  // the panel follows the snapshot without an action of its own.
  void alarmsOfAStoppedChannelAppear() {
    test::EmbeddedConsole console;
    ChannelSpec ch = test::singleTinyChannel("stop1");
    ch.alarms.manifestAgeWarningMs = 1000;  // a stopped channel crosses them sooner
    ch.alarms.manifestAgeCriticalMs = 2000;
    QVERIFY(console.start({ch}));
    ui::AlarmsPanel panel(console.client.get());
    panel.setChannel("stop1");
    panel.show();
    QVERIFY(test::waitFor([&] { return console.client->channel("stop1")->partsPublished > 0; }, 10000));
    console.client->stopChannel("stop1");
    QVERIFY(test::waitFor([&] { return rowOf(panel, "manifest.age", "") >= 0; }, 10000));
    QVERIFY(test::waitFor(
        [&] {
          const int r = rowOf(panel, "manifest.age", "");
          return r >= 0 && panel.alarmAt(r).severity == Severity::Critical;
        },
        10000));
    QVERIFY(panel.alarmAt(rowOf(panel, "manifest.age", "")).detail.find("not running") != std::string::npos);
  }
};

QTEST_MAIN(TstAlarmsPanel)
#include "tst_alarms_panel.moc"
