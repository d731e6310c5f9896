// The probe's playlist reader against what the packager's renderer writes:
// the live edge, the parts per segment and the segment duration it reads are
// the ones the playlist was rendered from.
#include <QtTest>

#include "confidence/media_playlist.h"
#include "package/hls_playlist.h"

using namespace vigil;
using namespace vigil::ui::confidence;

namespace {

// segments complete segments of 10 x 200 ms parts from firstMsn, then a
// growing one with growingParts parts (0: none).
package::hls::MediaPlaylistInput input(int64_t firstMsn, int segments, int growingParts) {
  package::hls::MediaPlaylistInput in;
  in.targetDurationS = 2;
  in.partTargetUs = 200'000;
  in.partHoldBackUs = 600'000;
  auto segment = [&](int64_t msn, int parts, bool complete) {
    package::hls::SegmentEntry s;
    s.msn = msn;
    s.startUtcUs = 1'700'000'000'000'000 + msn * 2'000'000;
    s.complete = complete;
    for (int i = 0; i < parts; ++i) s.parts.push_back({i, 18'000, i == 0});
    s.duration90k = 18'000LL * parts;
    in.segments.push_back(s);
  };
  for (int i = 0; i < segments; ++i) segment(firstMsn + i, 10, true);
  if (growingParts > 0) segment(firstMsn + segments, growingParts, false);
  const int64_t last = firstMsn + segments;
  in.preloadMsn = last;
  in.preloadPart = growingParts;
  in.reports = {{"v1", last, growingParts - 1}};
  return in;
}

}  // namespace

class TestMediaPlaylist : public QObject {
  Q_OBJECT

 private slots:
  void readsTheLiveEdge() {
    const auto text = package::hls::renderMediaPlaylist(input(500, 6, 4), false);
    const auto pl = parseMediaPlaylist(text);
    QVERIFY(pl);
    QCOMPARE(pl->targetDurationS, 2);
    QCOMPARE(pl->partTargetS, 0.2);
    QCOMPARE(pl->mediaSequence, int64_t{500});
    QCOMPARE(pl->segments.size(), size_t{7});
    QCOMPARE(pl->segments.back().msn, int64_t{506});
    QVERIFY(!pl->segments.back().complete);
    QCOMPARE(pl->partsPerSegment(), 10);
    QCOMPARE(pl->segmentDurationS(), 2.0);
    const PlaylistPart* newest = pl->newestPart();
    QVERIFY(newest);
    QCOMPARE(newest->msn, int64_t{506});
    QCOMPARE(newest->index, 3);
    QCOMPARE(newest->uri, std::string("part_506_3.m4s"));
    const PlaylistSegment* start = pl->newestStartableSegment();
    QVERIFY(start);
    QCOMPARE(start->msn, int64_t{506});
    QVERIFY(pl->preloadHint);
    QCOMPARE(pl->preloadHint->msn, int64_t{506});
    QCOMPARE(pl->preloadHint->index, 4);
    // Only the newest segments list their parts (three target durations).
    QVERIFY(pl->segments.front().parts.empty());
  }

  void atASegmentBoundary() {
    // The growing segment has no part yet: start at the newest complete one.
    const auto pl = parseMediaPlaylist(package::hls::renderMediaPlaylist(input(7, 3, 0), false));
    QVERIFY(pl);
    QCOMPARE(pl->segments.size(), size_t{3});
    QCOMPARE(pl->newestStartableSegment()->msn, int64_t{9});
    QCOMPARE(pl->newestPart()->msn, int64_t{9});
    QCOMPARE(pl->newestPart()->index, 9);
    QCOMPARE(pl->partsPerSegment(), 10);
  }

  void deltaUpdateKeepsNumbering() {
    const auto pl = parseMediaPlaylist(package::hls::renderMediaPlaylist(input(100, 8, 2), true));
    QVERIFY(pl);
    // EXT-X-SKIP is not followed: the reader is only used on full playlists,
    // but a skipped playlist must not crash it.
    QVERIFY(pl->newestPart());
  }

  void rejectsWhatIsNotAMediaPlaylist() {
    QVERIFY(!parseMediaPlaylist(""));
    QVERIFY(!parseMediaPlaylist("not found\n"));
    QVERIFY(!parseMediaPlaylist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/playlist.m3u8\n"));
    int64_t msn;
    int index;
    QVERIFY(parsePartUri("part_12_3.m4s", msn, index));
    QCOMPARE(msn, int64_t{12});
    QCOMPARE(index, 3);
    QVERIFY(!parsePartUri("part_012_3.m4s", msn, index));
    QVERIFY(!parsePartUri("part_-1_3.m4s", msn, index));
    QVERIFY(!parsePartUri("seg_12.m4s", msn, index));
  }
};

QTEST_MAIN(TestMediaPlaylist)
#include "tst_media_playlist.moc"
