// The event log over a real embedded engine: the channel's events, newest
// first, time in UTC to the millisecond; an operator action (a stop, then a
// start, as "bob") arrives live with its actor; the text filter and
// "operator actions only" narrow the table to what was asked.
#include <QCheckBox>
#include <QLineEdit>
#include <QTableView>
#include <QtTest>

#include "health/event_log_panel.h"
#include "health_test_support.h"

using namespace vigil;
using ui::EventLogModel;

namespace {

int rowWith(const ui::EventLogPanel& panel, const QString& kind, const QString& actor) {
  for (int r = 0; r < panel.visibleRowCount(); ++r)
    if (panel.visibleText(r, EventLogModel::Kind) == kind && panel.visibleText(r, EventLogModel::Actor) == actor)
      return r;
  return -1;
}

}  // namespace

class TstEventLogPanel : public QObject {
  Q_OBJECT
 private slots:
  void showsWhoDidWhatAndFilters() {
    test::EmbeddedConsole console;
    QVERIFY(console.start({test::singleTinyChannel("ev1"), test::singleTinyChannel("ev2")}, false, "bob"));
    QVERIFY(test::waitFor([&] { return console.client->channel("ev1")->partsPublished > 0; }, 10000));

    ui::EventLogPanel panel(console.client.get());
    panel.resize(900, 500);
    panel.setChannel("ev1");
    panel.show();
    QVERIFY(test::waitFor([&] { return panel.loaded(); }, 5000));
    QVERIFY(panel.visibleRowCount() > 0);
    bool started = false;
    for (int r = 0; r < panel.visibleRowCount(); ++r)
      started = started || panel.visibleText(r, EventLogModel::Kind) == "channel.start";
    QVERIFY(started);
    // The channel's events, each once (the first read and the live ones meet), UTC to the ms.
    QVERIFY(
        test::waitFor([&] { return panel.totalRowCount() == int(console.engine->events("ev1", 500).size()); }, 5000));
    const QRegularExpression utcMs("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}$");
    for (int r = 0; r < panel.visibleRowCount(); ++r)
      QVERIFY2(utcMs.match(panel.visibleText(r, EventLogModel::Time)).hasMatch(),
               qPrintable(panel.visibleText(r, EventLogModel::Time)));

    // An operator stops and starts the channel: both arrive live, with the actor.
    const int before = panel.totalRowCount();
    console.client->stopChannel("ev1");
    QVERIFY(test::waitFor([&] { return rowWith(panel, "channel.stop", "bob") >= 0; }, 5000));
    console.client->startChannel("ev1");
    QVERIFY(test::waitFor([&] { return rowWith(panel, "channel.start", "bob") >= 0; }, 5000));
    QVERIFY(panel.totalRowCount() >= before + 2);
    QVERIFY(rowWith(panel, "channel.start", "bob") < rowWith(panel, "channel.stop", "bob"));  // newest first
    const QString stopTime = panel.visibleText(rowWith(panel, "channel.stop", "bob"), EventLogModel::Time);
    QVERIFY(stopTime.startsWith(QDateTime::currentDateTimeUtc().toString("yyyy-MM-dd")));
    // Engine events (pipeline up, ...) are in the log too.
    QVERIFY(test::waitFor([&] { return rowWith(panel, "pipeline.up", "engine") >= 0; }, 5000));
    test::grabFor(panel, "event_log");

    // Operator actions only: bob's, never the engine's.
    auto* operatorOnly = panel.findChild<QCheckBox*>("operatorOnly");
    QVERIFY(operatorOnly);
    operatorOnly->click();
    QVERIFY(panel.visibleRowCount() >= 2);
    QVERIFY(panel.visibleRowCount() < panel.totalRowCount());
    for (int r = 0; r < panel.visibleRowCount(); ++r) {
      QVERIFY(panel.visibleText(r, EventLogModel::Actor) != "engine");
      QVERIFY(panel.visibleText(r, EventLogModel::Actor) != "config");  // the engine starting its configured channels
    }
    QVERIFY(rowWith(panel, "channel.stop", "bob") >= 0);

    // Text: any column, any case; with the toggle still on.
    auto* filter = panel.findChild<QLineEdit*>("eventFilter");
    QVERIFY(filter);
    QTest::keyClicks(filter, "STOP");
    QCOMPARE(panel.visibleRowCount(), 1);
    QCOMPARE(panel.visibleText(0, EventLogModel::Kind), QString("channel.stop"));
    filter->clear();
    QTest::keyClicks(filter, "no such event");
    QCOMPARE(panel.visibleRowCount(), 0);
    filter->clear();
    operatorOnly->click();
    panel.setFilterText("pipeline.up");
    QVERIFY(panel.visibleRowCount() >= 1);
    for (int r = 0; r < panel.visibleRowCount(); ++r)
      QCOMPARE(panel.visibleText(r, EventLogModel::Kind), QString("pipeline.up"));
    panel.setFilterText({});
    QCOMPARE(panel.visibleRowCount(), panel.totalRowCount());
    QCOMPARE(panel.findChild<QTableView*>("eventTable")->model()->rowCount(), panel.totalRowCount());

    // Another channel: its own log only.
    panel.setChannel("ev2");
    QVERIFY(test::waitFor([&] { return panel.loaded(); }, 5000));
    QCOMPARE(rowWith(panel, "channel.stop", "bob"), -1);
    QVERIFY(
        test::waitFor([&] { return panel.totalRowCount() == int(console.engine->events("ev2", 500).size()); }, 5000));
  }
};

QTEST_MAIN(TstEventLogPanel)
#include "tst_event_log_panel.moc"
