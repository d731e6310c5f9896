// SegmentStore: completion, DVR eviction, part release, ordering rules.
#include <QtTest>

#include "package/segment_store.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
using vigil::package::SegmentStore;

class TstSegmentStore : public QObject {
  Q_OBJECT
 private slots:
  void completesSegmentsFromTheirParts() {
    SegmentStore store(5, 3, kPartsPerSegment);
    int completed = 0;
    for (int i = 0; i < 10; ++i) completed += store.add(makePart("v0", 8, i)).segmentsCompleted;
    QCOMPARE(completed, 1);
    const auto* s = store.find(8);
    QVERIFY(s && s->complete);
    QCOMPARE(s->duration90k, kSeg90k);
    QCOMPARE(s->bytes->size(), size_t(10 * std::string("v0:8.0;").size()));
    QCOMPARE(s->bytes->substr(0, 14), std::string("v0:8.0;v0:8.1;"));
    QCOMPARE(store.maxSegmentDuration90k(), kSeg90k);
    int64_t msn = 0;
    int part = 0;
    store.nextPart(msn, part);
    QCOMPARE(msn, int64_t(9));
    QCOMPARE(part, 0);
  }

  void rejectsPartsThatDoNotMoveForward() {
    SegmentStore store(5, 3, kPartsPerSegment);
    QVERIFY(store.add(makePart("v0", 3, 4)).accepted);
    QVERIFY(!store.add(makePart("v0", 3, 4)).accepted);  // duplicate
    QVERIFY(!store.add(makePart("v0", 3, 2)).accepted);  // older
    QVERIFY(!store.add(makePart("v0", 2, 9)).accepted);  // older segment
    CmafPart empty = makePart("v0", 3, 5);
    empty.bytes = nullptr;
    QVERIFY(!store.add(empty).accepted);
    QVERIFY(store.add(makePart("v0", 3, 5)).accepted);
    QCOMPARE(store.lastMsn(), int64_t(3));
    QCOMPARE(store.lastPart(), 5);
  }

  void evictsBeyondTheDvrWindowAndReleasesOldParts() {
    const int dvr = 4;
    const int partRetention = 2;
    SegmentStore store(dvr, partRetention, kPartsPerSegment);
    int evicted = 0;
    for (int n = 0; n < 10 * kPartsPerSegment + 3; ++n)
      evicted += store.add(makePart("a0", 100 + n / kPartsPerSegment, n % kPartsPerSegment)).segmentsEvicted;
    // 10 complete segments (100..109) and a growing 110: 4 complete kept.
    QCOMPARE(evicted, 6);
    QCOMPARE(store.oldestMsn(), int64_t(106));
    QCOMPARE(store.segments().size(), size_t(5));
    QVERIFY(!store.find(105));
    // Parts of all but the newest two segments are released; their segments stay whole.
    for (int64_t msn = 106; msn <= 110; ++msn) {
      const auto* s = store.find(msn);
      QVERIFY(s);
      const bool partsKept = msn >= 109;
      QCOMPARE(s->parts.front().bytes != nullptr, partsKept);
      if (s->complete) QVERIFY(s->bytes && !s->bytes->empty());
    }
  }

  void findToleratesHoles() {
    SegmentStore store(10, 10, kPartsPerSegment);
    for (int64_t msn : {20, 21, 25, 26})
      for (int i = 0; i < kPartsPerSegment; ++i) QVERIFY(store.add(makePart("v0", msn, i)).accepted);
    QVERIFY(store.find(20) && store.find(21) && store.find(25) && store.find(26));
    QCOMPARE(store.find(25)->number, int64_t(25));
    QVERIFY(!store.find(22));
    QVERIFY(!store.find(24));
    QVERIFY(!store.find(27));
    QVERIFY(!store.find(19));
  }
};

QTEST_APPLESS_MAIN(TstSegmentStore)
#include "tst_segment_store.moc"
