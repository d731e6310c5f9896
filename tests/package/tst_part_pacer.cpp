// PartPacer: a rendition's parts go downstream no sooner than half the
// previous part's duration after it; steady parts pass at once on the
// caller's thread; order is kept per rendition (an init waits behind queued
// parts); renditions do not wait for each other; what is queued at
// destruction is still published.
#include <QtTest>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "package/part_pacer.h"

using namespace vigil;
using Clock = std::chrono::steady_clock;

namespace {

struct Out {
  std::string what;  // "v0 3.4" or "init v0"
  Clock::time_point at;
  std::thread::id thread;
};

class Recorder : public PartSink {
 public:
  void onInit(CmafInit init) override { add("init " + init.rendition.id); }
  void onPart(CmafPart p) override {
    add(p.renditionId + " " + std::to_string(p.segmentNumber) + "." + std::to_string(p.partIndex));
  }
  std::vector<Out> taken() {
    std::lock_guard lock(m);
    return out;
  }

 private:
  void add(std::string what) {
    std::lock_guard lock(m);
    out.push_back({std::move(what), Clock::now(), std::this_thread::get_id()});
  }
  std::mutex m;
  std::vector<Out> out;
};

CmafPart part(const char* rendition, int64_t seg, int index, int64_t duration90k = 18'000) {
  CmafPart p;
  p.renditionId = rendition;
  p.segmentNumber = seg;
  p.partIndex = index;
  p.duration90k = duration90k;  // 200 ms
  return p;
}

double msBetween(const Out& a, const Out& b) { return std::chrono::duration<double, std::milli>(b.at - a.at).count(); }

bool waitFor(Recorder& r, size_t n, int ms = 2000) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (r.taken().size() < n && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return r.taken().size() >= n;
}

}  // namespace

class TstPartPacer : public QObject {
  Q_OBJECT
 private slots:
  void steadyPartsPassAtOnce() {
    Recorder r;
    package::PartPacer pacer(&r);
    for (int i = 0; i < 3; ++i) {
      pacer.onPart(part("v0", 1, i));
      QCOMPARE(r.taken().size(), size_t(i + 1));  // synchronously, on this thread
      QCOMPARE(r.taken().back().thread, std::this_thread::get_id());
      std::this_thread::sleep_for(std::chrono::milliseconds(110));  // more than half a part
    }
    QCOMPARE(pacer.stats().partsHeld, uint64_t{0});
  }

  void aBurstIsSpacedByHalfAPart() {
    Recorder r;
    package::PartPacer pacer(&r);
    for (int i = 0; i < 4; ++i) pacer.onPart(part("a0", 3, 6 + i));  // 4 parts at once
    QVERIFY(waitFor(r, 4));
    const auto out = r.taken();
    QCOMPARE(out[0].what, std::string("a0 3.6"));
    QCOMPARE(out[3].what, std::string("a0 3.9"));
    for (int i = 1; i < 4; ++i) {
      const double gap = msBetween(out[i - 1], out[i]);
      QVERIFY2(gap >= 99 && gap < 180, qPrintable(QString("gap %1 ms").arg(gap)));
    }
    QCOMPARE(pacer.stats().partsHeld, uint64_t{3});
    QVERIFY(pacer.stats().longestHoldUs >= 290'000);
  }

  void orderPerRenditionAndNoWaitAcross() {
    Recorder r;
    package::PartPacer pacer(&r);
    pacer.onPart(part("a0", 1, 0));
    pacer.onPart(part("a0", 1, 1));  // held
    CmafInit init;
    init.rendition.id = "a0";
    pacer.onInit(std::move(init));   // behind the held part
    pacer.onPart(part("v0", 1, 0));  // another rendition: at once
    auto out = r.taken();
    QCOMPARE(out.size(), size_t(2));
    QCOMPARE(out[1].what, std::string("v0 1.0"));
    QVERIFY(waitFor(r, 4));
    out = r.taken();
    QCOMPARE(out[2].what, std::string("a0 1.1"));
    QCOMPARE(out[3].what, std::string("init a0"));
  }

  void whatWaitsIsPublishedAtDestruction() {
    Recorder r;
    {
      package::PartPacer pacer(&r);
      for (int i = 0; i < 5; ++i) pacer.onPart(part("v1", 2, i, 90'000));  // 1 s parts: 500 ms apart
    }
    const auto out = r.taken();
    QCOMPARE(out.size(), size_t(5));
    for (int i = 0; i < 5; ++i) QCOMPARE(out[i].what, "v1 2." + std::to_string(i));
  }
};

QTEST_GUILESS_MAIN(TstPartPacer)
#include "tst_part_pacer.moc"
