// Availability: the objective arithmetic, the series/parallel topology model
// against values computed by hand, the UTC calendar, and the ledger that
// accumulates seconds per day (across a midnight, across a restart).
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "monitor/availability.h"
#include "store/store.h"

using namespace vigil;
using namespace vigil::monitor;

namespace {
constexpr int64_t kS = 1'000'000;
// 2024-05-01T00:00:00Z
constexpr int64_t kMay1Us = 1714521600LL * kS;
bool near(double a, double b, double eps = 1e-9) { return std::fabs(a - b) <= eps; }
}  // namespace

class TstAvailability : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void objectiveArithmetic() {
    // 99.999 % over a 30-day month: 2,592,000 s * 0.00001.
    QVERIFY(near(allowedDowntimeSeconds(0.99999, 30 * 86400.0), 25.92, 1e-6));
    QVERIFY(near(allowedDowntimeSeconds(0.999, 365 * 86400.0), 31536.0, 1e-6));  // 8.76 h a year
    QVERIFY(near(allowedDowntimeSeconds(1.0, 86400.0), 0));

    const auto b = errorBudget(0.9999, 30 * 86400.0, 100.0);  // allows 259.2 s
    QVERIFY(near(b.allowedSeconds, 259.2, 1e-6));
    QVERIFY(near(b.usedSeconds, 100.0));
    QVERIFY(near(b.remainingSeconds, 159.2, 1e-6));
    QVERIFY(near(b.usedFraction, 100.0 / 259.2, 1e-9));
    const auto over = errorBudget(0.99999, 30 * 86400.0, 30.0);
    QVERIFY(over.remainingSeconds < 0);
    QVERIFY(over.usedFraction > 1);

    QVERIFY(near(achievedAvailability(999.0, 1.0), 0.999));
    QVERIFY(near(achievedAvailability(0.0, 0.0), 1.0));
    QVERIFY(near(achievedAvailability(StateSeconds{90, 9, 1}), 0.99));  // degraded output is still output
  }

  void seriesAndParallel() {
    const auto a = Topology::component("a", 0.999);
    const auto b = Topology::component("b", 0.999);
    const auto o = Topology::component("origin", 0.9999);
    // Series: 0.999 * 0.999 * 0.9999 = 0.998001 * 0.9999 = 0.9979011999.
    QVERIFY(near(Topology::series({a, b, o}).availability(), 0.9979011999, 1e-12));
    // Parallel: 1 - 0.001 * 0.001 = 0.999999.
    QVERIFY(near(Topology::parallel({a, b}).availability(), 0.999999, 1e-12));
    // Three legs of 0.99: 1 - 0.01^3 = 0.999999.
    const auto c = Topology::component("c", 0.99);
    QVERIFY(near(Topology::parallel({c, c, c}).availability(), 0.999999, 1e-12));
    // Nested: parallel(series(0.99, 0.98), 0.9) = 1 - (1 - 0.9702) * 0.1 = 0.99702.
    const auto nested =
        Topology::parallel({Topology::series({c, Topology::component("d", 0.98)}), Topology::component("e", 0.9)});
    QVERIFY(near(nested.availability(), 0.99702, 1e-12));
    QCOMPARE(nested.describe(), std::string("parallel(series(c 0.99, d 0.98), e 0.9)"));
    QVERIFY(near(Topology::parallel({}).availability(), 0));
  }

  void channelTopologies() {
    ChannelSpec single;
    single.id = "ch";
    InputSpec primary;
    primary.id = "primary";
    single.inputs = {primary};
    const ComponentAvailability defaults;
    // One input, one pipeline, origin: all in series.
    const auto s = channelTopology(single, defaults, 1);
    QVERIFY(near(s.availability(), 0.9979011999, 1e-12));
    QCOMPARE(s.describe(), std::string("series(input primary 0.999, pipeline 0 0.999, origin 0.9999)"));

    ChannelSpec standard = single;
    InputSpec backup;
    backup.id = "backup";
    standard.inputs.push_back(backup);
    // (1 - 0.001^2)^2 * 0.9999 = 0.999998000001 * 0.9999 = 0.9998980002...
    const auto t = channelTopology(standard, defaults, 2);
    QVERIFY(near(t.availability(), 0.999998000001 * 0.9999, 1e-12));
    QCOMPARE(t.describe(), std::string("series(parallel(input primary 0.999, input backup 0.999), "
                                       "parallel(pipeline 0 0.999, pipeline 1 0.999), origin 0.9999)"));
    QVERIFY(t.availability() > s.availability());

    ComponentAvailability custom;
    custom.origin = 0.99;
    QVERIFY(near(channelTopology(standard, custom, 2).availability(), 0.999998000001 * 0.99, 1e-12));
    ChannelSpec testSource;  // no inputs: the test source is the one input
    QVERIFY(channelTopology(testSource, defaults).describe().find("test source") != std::string::npos);
    // Without a count, the spec's own: a spec with a redundancy mode says how many.
    struct Redundancy {
      int n;
      int pipelines() const { return n; }
    };
    struct SpecWithRedundancy {
      Redundancy redundancy;
    };
    QCOMPARE(pipelineCountOf(SpecWithRedundancy{{2}}), 2);
    QCOMPARE(pipelineCountOf(std::string("no redundancy member")), 1);
    QCOMPARE(channelTopology(single, defaults).availability(),
             channelTopology(single, defaults, pipelineCountOf(single)).availability());
  }

  void calendar() {
    const int64_t day = utcDay(kMay1Us + 5 * kS);
    QCOMPARE(isoDay(day), std::string("2024-05-01"));
    QCOMPARE(utcDay(kMay1Us - 1), day - 1);
    QCOMPARE(dayStartUtcUs(day), kMay1Us);
    QCOMPARE(isoMonth(day + 30), std::string("2024-05"));
    QCOMPARE(isoMonth(day + 31), std::string("2024-06"));
    QCOMPARE(daysInMonth(day), 31);
    QCOMPARE(daysInMonth(day - 1), 30);   // April
    QCOMPARE(daysInMonth(day - 62), 29);  // February 2024
    QCOMPARE(monthFirstDay(day + 17), day);
  }

  // Seconds land on the UTC day they belong to, months add their days, and a
  // restarted ledger continues the stored totals.
  void accumulatesAcrossADayBoundary() {
    const auto path = (dir_.path() + "/ledger.db").toStdString();
    const int64_t may31 = utcDay(kMay1Us) + 30;
    const int64_t midnight = dayStartUtcUs(may31 + 1);  // 2024-06-01T00:00:00Z
    {
      auto s = store::Store::open(path);
      QVERIFY(s);
      AvailabilityLedger ledger(s->get());
      // 4 Hz samples from 23:59:30 to 00:00:45, healthy; then 10 s of outage.
      for (int64_t t = midnight - 30 * kS; t < midnight + 45 * kS; t += 250'000)
        ledger.add("ch", t, t + 250'000, OutputState::Healthy);
      ledger.add("ch", midnight + 45 * kS, midnight + 55 * kS, OutputState::Outage);
      ledger.add("ch", midnight - 100 * kS, midnight - 96 * kS, OutputState::Degraded);
      ledger.add("other", midnight - 10 * kS, midnight + 10 * kS, OutputState::Outage);
      QVERIFY(near(ledger.day("ch", may31).healthy, 30, 1e-9));
      QVERIFY(near(ledger.day("ch", may31).degraded, 4, 1e-9));
      QVERIFY(near(ledger.day("ch", may31 + 1).healthy, 45, 1e-9));
      QVERIFY(near(ledger.day("ch", may31 + 1).outage, 10, 1e-9));
      QVERIFY(near(ledger.month("ch", may31).total(), 34, 1e-9));
      QVERIFY(near(ledger.month("ch", may31 + 1).total(), 55, 1e-9));
      QVERIFY(near(ledger.month("other", may31).outage, 10, 1e-9));
      ledger.persist(midnight + 60 * kS, false);  // the first persist writes
      ledger.add("ch", midnight + 55 * kS, midnight + 60 * kS, OutputState::Healthy);
      ledger.persist(midnight + 70 * kS, false);  // within a minute of the last: not written
      (*s)->flush();
      QCOMPARE((*s)->availabilityDays("ch", may31 + 1, may31 + 1).front().healthyUs, 45 * kS);
      ledger.persist(midnight + 70 * kS, true);  // shutdown
    }
    auto s = store::Store::open(path);
    QVERIFY(s);
    AvailabilityLedger ledger(s->get());
    QVERIFY(near(ledger.day("ch", may31 + 1).healthy, 50, 1e-9));
    ledger.add("ch", midnight + 3600 * kS, midnight + 3601 * kS, OutputState::Degraded);
    const auto june1 = ledger.day("ch", may31 + 1);
    QVERIFY(near(june1.healthy, 50, 1e-9));
    QVERIFY(near(june1.degraded, 1, 1e-9));
    QVERIFY(near(june1.outage, 10, 1e-9));
    QVERIFY(near(ledger.month("ch", may31).healthy, 30, 1e-9));  // May, from the store
  }
};

QTEST_APPLESS_MAIN(TstAvailability)
#include "tst_availability.moc"
