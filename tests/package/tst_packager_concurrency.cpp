// One publisher thread per rendition (as the pipelines) against reader
// threads (as the origin's IO threads) and observers coming and going. Meant
// to run clean under the asan preset; the invariants below must hold at any
// interleaving.
#include <QtTest>

#include <atomic>
#include <thread>

#include "package/channel_packager.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
using vigil::package::Availability;
using vigil::package::ChannelPackager;
using vigil::package::PlaylistPosition;

namespace {

constexpr int kSegments = 60;
constexpr int kParts = kSegments * kPartsPerSegment;

bool before(PlaylistPosition a, PlaylistPosition b) { return a.msn < b.msn || (a.msn == b.msn && a.part < b.part); }

class CheckingObserver : public package::PublishObserver {
 public:
  explicit CheckingObserver(ChannelPackager* p) : pkg(p) {}
  void onPublished(const std::string&, const std::string& renditionId, PlaylistPosition pos) override {
    calls.fetch_add(1, std::memory_order_relaxed);
    // Each rendition has one publisher, so its playlist now shows exactly this part.
    const std::string playlist = str(pkg->mediaPlaylist(renditionId, false));
    const std::string uri = "part_" + std::to_string(pos.msn) + "_" + std::to_string(pos.part) + ".m4s";
    if (playlist.find(uri) == std::string::npos || pkg->lastPosition(renditionId) != pos) failures.fetch_add(1);
  }
  ChannelPackager* pkg;
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
};

}  // namespace

class TstPackagerConcurrency : public QObject {
  Q_OBJECT
 private slots:
  void publishersReadersAndObservers() {
    PackagingSpec spec;
    spec.liveWindowSegments = 8;
    spec.dvrWindowSegments = 12;
    ChannelPackager pkg("news1", spec, startedTimeline(), defaultRenditionIds());
    CheckingObserver checker(&pkg);
    pkg.addObserver(&checker);
    sendInits(pkg);

    std::atomic<bool> done{false};
    std::atomic<int> readerFailures{0};
    std::atomic<long> reads{0};

    std::vector<std::thread> threads;
    for (const std::string& id : defaultRenditionIds()) {
      threads.emplace_back([&pkg, id] {
        for (int n = 0; n < kParts; ++n) {
          pkg.onPart(makePart(id, 1000 + n / kPartsPerSegment, n % kPartsPerSegment));
          if (n % 50 == 0) std::this_thread::yield();
        }
      });
    }
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        const std::string id = defaultRenditionIds()[t];
        PlaylistPosition last;
        int64_t lastHeartbeat = 0;
        while (!done.load()) {
          const PlaylistPosition pos = pkg.lastPosition(id);
          const int64_t heartbeat = pkg.newestPartEndUtcUs(id);
          if (before(pos, last) || heartbeat < lastHeartbeat) readerFailures.fetch_add(1);
          last = pos;
          lastHeartbeat = heartbeat;
          const Bytes full = pkg.mediaPlaylist(id, false);
          const Bytes delta = pkg.mediaPlaylist(id, true);
          if (pos.msn >= 0 && (!full || !delta || full->rfind("#EXTM3U", 0) != 0)) readerFailures.fetch_add(1);
          if (pkg.ready() && (!pkg.multivariantPlaylist() || !pkg.dashManifest())) readerFailures.fetch_add(1);
          if (pos.msn >= 0) {
            auto part = pkg.part(id, pos.msn, pos.part);
            // Published parts are Ready, or Gone once released; never Unknown.
            if (part.availability == Availability::Ready ? !part.bytes : part.availability != Availability::Gone)
              readerFailures.fetch_add(1);
            auto seg = pkg.segment(id, pos.msn - 1);
            if (seg.availability == Availability::Ready && (!seg.bytes || seg.bytes->empty()))
              readerFailures.fetch_add(1);
            if (seg.availability == Availability::Unknown && pos.msn > 1000) readerFailures.fetch_add(1);
          }
          reads.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    // Observers that come and go (stack objects: a call after removal would be a use after scope).
    threads.emplace_back([&] {
      while (!done.load()) {
        CheckingObserver transient(&pkg);
        pkg.addObserver(&transient);
        std::this_thread::yield();
        pkg.removeObserver(&transient);
        if (transient.failures.load() != 0) readerFailures.fetch_add(1);
      }
    });

    for (int i = 0; i < 3; ++i) threads[i].join();
    done.store(true);
    for (size_t i = 3; i < threads.size(); ++i) threads[i].join();

    QCOMPARE(readerFailures.load(), 0);
    QCOMPARE(checker.failures.load(), 0);
    QCOMPARE(checker.calls.load(), 3 * kParts);
    QVERIFY(reads.load() > 0);
    QCOMPARE(pkg.counters().partsPublished, uint64_t(3 * kParts));
    QCOMPARE(pkg.counters().segmentsPublished, uint64_t(3 * kSegments));
    for (const std::string& id : defaultRenditionIds()) {
      QCOMPARE(pkg.lastPosition(id), (PlaylistPosition{1000 + kSegments - 1, kPartsPerSegment - 1}));
      QCOMPARE(pkg.segment(id, 1000 + kSegments - 12).availability, Availability::Ready);
      QCOMPARE(pkg.segment(id, 1000 + kSegments - 13).availability, Availability::Gone);
    }
  }
};

QTEST_APPLESS_MAIN(TstPackagerConcurrency)
#include "tst_packager_concurrency.moc"
