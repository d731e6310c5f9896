#include <QtTest>

#include "core/timeline.h"

using vigil::Timeline;
using vigil::TimelinePeriod;

class TstTimeline : public QObject {
  Q_OBJECT
 private slots:
  void numbersComeFromTime() {
    Timeline t(180000, 18000);  // 2 s segments, 200 ms parts
    QCOMPARE(t.partsPerSegment(), 10);
    QCOMPARE(t.segmentNumberAt(0), int64_t{0});
    QCOMPARE(t.segmentNumberAt(179999), int64_t{0});
    QCOMPARE(t.segmentNumberAt(180000), int64_t{1});
    QCOMPARE(t.partIndexAt(180000 + 17999), 0);
    QCOMPARE(t.partIndexAt(180000 + 18000), 1);
    QCOMPARE(t.partIndexAt(359999), 9);
    QCOMPARE(t.partStart90k(3, 4), int64_t{3 * 180000 + 4 * 18000});
  }

  void rejectsPartsThatDoNotDivideTheSegment() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Timeline(180000, 17000));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Timeline(0, 0));
  }

  void wallClockMapsWithinAPeriod() {
    Timeline t(180000, 18000);
    const int64_t start = 1'700'000'000'000'000;
    t.begin(start);
    QCOMPARE(t.utcUsAt(0), start);
    QCOMPARE(t.utcUsAt(90000), start + 1'000'000);
    QCOMPARE(t.timeAtUtcUs(start + 2'500'000), int64_t{225000});
  }

  void resumeContinuesNumberingAfterAGap() {
    Timeline t(180000, 18000);
    const int64_t start = 1'700'000'000'000'000;
    t.begin(start);
    // The engine published up to segment 41, died, and restarts 60 s later.
    const int64_t restart = start + 142'000'000;
    Timeline resumed(180000, 18000);
    resumed.resume(t.periods(), 41, restart);
    QCOMPARE(resumed.periods().size(), size_t{2});
    QCOMPARE(resumed.current().firstSegment, int64_t{42});
    QCOMPARE(resumed.current().discontinuitySequence, int64_t{1});
    // Segment 42 starts at the restart's wall clock, not 84 s after the start.
    QCOMPARE(resumed.utcUsAt(resumed.segmentStart90k(42)), restart);
    // Old segments keep their old wall clock.
    QCOMPARE(resumed.utcUsAt(resumed.segmentStart90k(41)), start + 82'000'000);
    QCOMPARE(resumed.periodOfSegment(10).discontinuitySequence, int64_t{0});
  }

  void resumeNeverRegresses() {
    Timeline t(180000, 18000);
    std::vector<TimelinePeriod> history = {{0, 0, 1000}, {1, 50, 2000}};
    // A stale "last segment" below the current period's start must not move numbering back.
    t.resume(history, 10, 3000);
    QCOMPARE(t.current().firstSegment, int64_t{51});
    QCOMPARE(t.current().discontinuitySequence, int64_t{2});
  }

  void tickConversionsRoundTrip() {
    QCOMPARE(vigil::ticksToUs(90000), int64_t{1'000'000});
    QCOMPARE(vigil::usToTicks(1'000'000), int64_t{90000});
    const int64_t big = int64_t{1'763'000'000} * 90000;  // today's Unix time in ticks
    QCOMPARE(vigil::usToTicks(vigil::ticksToUs(big)), big);
    QCOMPARE(vigil::ticksToUs(1), int64_t{11});
  }
};

QTEST_APPLESS_MAIN(TstTimeline)
#include "tst_timeline.moc"
