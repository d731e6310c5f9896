// The heartbeat's scan of a media playlist: on playlists the real packager
// renders (LL-HLS with parts, full and delta updates, video and audio whose
// parts are cut at AAC frames), the end it finds is the packager's own
// newest part end; and on hand-written edge cases.
#include <QtTest>

#include "monitor/playlist_age.h"
#include "package/channel_packager.h"
#include "package/package_test_util.h"

using namespace vigil;
using namespace vigil::monitor;
using namespace vigil::test;

namespace {

// A live window long enough for delta updates to skip segments.
std::shared_ptr<package::ChannelPackager> makePackager() {
  PackagingSpec spec;
  spec.liveWindowSegments = 20;
  auto pkg = std::make_shared<package::ChannelPackager>("news1", spec, startedTimeline(), defaultRenditionIds());
  sendInits(*pkg);
  return pkg;
}

// Each printed duration and the PDT are rounded to the millisecond.
int64_t tolerance(const PlaylistEdge& e) { return 500 * (1 + e.segments + e.parts); }

}  // namespace

class TstPlaylistAge : public QObject {
  Q_OBJECT

  void checkAgainstPackager(const package::ChannelPackager& pkg, const std::string& rendition, bool delta) {
    const Bytes playlist = pkg.mediaPlaylist(rendition, delta);
    QVERIFY(playlist);
    const auto edge = scanPlaylistEdge(*playlist);
    QVERIFY2(edge, playlist->c_str());
    const int64_t expected = pkg.newestPartEndUtcUs(rendition);
    QVERIFY(expected > 0);
    const int64_t diff = edge->endUtcUs() - expected;
    QVERIFY2(std::llabs(diff) <= tolerance(*edge),
             qPrintable(QString("%1 delta=%2: off by %3 us").arg(rendition.c_str()).arg(delta).arg(diff)));
  }

 private slots:
  void growingSegmentCountsItsParts() {
    auto pkg = makePackager();
    feedParts(*pkg, 100, 0, 13);  // segment 100 complete, 101 has parts 0..2
    for (const auto& r : defaultRenditionIds()) checkAgainstPackager(*pkg, r, false);
    const auto edge = scanPlaylistEdge(*pkg->mediaPlaylist("v0", false));
    QCOMPARE(edge->segments, 0);  // the last PDT is the growing segment's
    QCOMPARE(edge->parts, 3);
    QCOMPARE(edge->afterUs, int64_t{600'000});
    QCOMPARE(edge->programDateTimeUs, kT0Us + 101 * 2'000'000);
  }

  void completeSegmentIsNotCountedTwice() {
    auto pkg = makePackager();
    feedParts(*pkg, 100, 0, 20);  // segments 100 and 101 complete, nothing growing
    for (const auto& r : defaultRenditionIds()) checkAgainstPackager(*pkg, r, false);
    const auto edge = scanPlaylistEdge(*pkg->mediaPlaylist("v0", false));
    QCOMPARE(edge->segments, 1);  // 101's parts are listed before its EXTINF and are the same media
    QCOMPARE(edge->parts, 0);
    QCOMPARE(edge->endUtcUs(), kT0Us + 102 * 2'000'000);
  }

  void deltaUpdateGivesTheSameEdge() {
    auto pkg = makePackager();
    feedParts(*pkg, 0, 0, 203);  // 20 segments and 3 parts: old segments can be skipped
    const Bytes delta = pkg->mediaPlaylist("v0", true);
    QVERIFY(delta->find("#EXT-X-SKIP:") != std::string::npos);
    for (const auto& r : defaultRenditionIds()) {
      checkAgainstPackager(*pkg, r, false);
      checkAgainstPackager(*pkg, r, true);
    }
    QCOMPARE(scanPlaylistEdge(*delta)->endUtcUs(), scanPlaylistEdge(*pkg->mediaPlaylist("v0", false))->endUtcUs());
  }

  void followsTheLiveEdge() {
    auto pkg = makePackager();
    feedParts(*pkg, 7, 0, 1);
    int64_t previous = 0;
    for (int n = 1; n < 25; ++n) {
      feedParts(*pkg, 7, n, n + 1);
      const int64_t end = scanPlaylistEdge(*pkg->mediaPlaylist("v0", false))->endUtcUs();
      if (previous) QCOMPARE(end - previous, int64_t{200'000});  // one part further each time
      previous = end;
    }
  }

  void noProgramDateTime() {
    QVERIFY(!scanPlaylistEdge(""));
    QVERIFY(
        !scanPlaylistEdge("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\nseg_1.m4s\n"
                          "#EXT-X-PART:DURATION=0.200,URI=\"part_2_0.m4s\"\n"));
  }

  void partsOnly() {
    const auto edge = scanPlaylistEdge(
        "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:00.000Z\n"
        "#EXT-X-PART:DURATION=0.200,URI=\"p0.m4s\",INDEPENDENT=YES\n"
        "#EXT-X-PART:URI=\"p1.m4s\",DURATION=0.2\n"
        "#EXT-X-PART:DURATION=0.1,URI=\"p,2.m4s\"\n"
        "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p3.m4s\"\n");
    QVERIFY(edge);
    QCOMPARE(edge->programDateTimeUs, kT0Us);
    QCOMPARE(edge->parts, 3);
    QCOMPARE(edge->endUtcUs(), kT0Us + 500'000);
  }

  // Classic HLS, one PDT at the top: every segment after it counts.
  void onePdtForManySegments() {
    const auto edge = scanPlaylistEdge(
        "#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:00Z\r\n"
        "#EXTINF:6.006,\r\nseg1.ts\r\n#EXTINF:6.006,title\r\nseg2.ts\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:5,\r\nseg3."
        "ts\r\n");
    QVERIFY(edge);
    QCOMPARE(edge->segments, 3);
    QCOMPARE(edge->endUtcUs(), kT0Us + 17'012'000);
  }

  // A delta update skips old segments; the PDTs that remain are enough.
  void skippedSegmentsInADeltaUpdate() {
    const std::string head =
        "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:100\n"
        "#EXT-X-SKIP:SKIPPED-SEGMENTS=12\n#EXT-X-MAP:URI=\"init.mp4\"\n";
    const auto edge =
        scanPlaylistEdge(head +
                         "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:24.000Z\n#EXTINF:2.000,\nseg_112.m4s\n"
                         "#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:26.000Z\n"
                         "#EXT-X-PART:DURATION=0.200,URI=\"part_113_0.m4s\"\n");
    QVERIFY(edge);
    QCOMPARE(edge->endUtcUs(), kT0Us + 26'200'000);
    // Only the skipped segments had a PDT: the rest has no wall-clock time.
    QVERIFY(!scanPlaylistEdge(head + "#EXTINF:2.000,\nseg_112.m4s\n#EXTINF:2.000,\nseg_113.m4s\n"));
  }

  void unreadableLastPdt() {
    QVERIFY(
        !scanPlaylistEdge("#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:00Z\n#EXTINF:2,\ns1\n"
                          "#EXT-X-PROGRAM-DATE-TIME:yesterday\n#EXTINF:2,\ns2\n"));
  }

  void dateTimes() {
    QCOMPARE(parseDateTimeUs("2024-05-01T12:00:00Z").value_or(0), kT0Us);
    QCOMPARE(parseDateTimeUs("2024-05-01T14:00:00.250+02:00").value_or(0), kT0Us + 250'000);
    QCOMPARE(parseDateTimeUs("2024-05-01T11:30:00.123456-0030").value_or(0), kT0Us + 123'456);
    QCOMPARE(parseDateTimeUs("1970-01-01T00:00:01.5Z").value_or(0), int64_t{1'500'000});
    QCOMPARE(parseDateTimeUs("2024-02-29T00:00:00Z").value_or(0), int64_t{1709164800} * 1'000'000);
    QVERIFY(!parseDateTimeUs("2023-02-29T00:00:00Z"));
    QVERIFY(!parseDateTimeUs("2024-05-01T12:00:00"));  // no zone
    QVERIFY(!parseDateTimeUs("2024-05-01T12:00:00.Z"));
    QVERIFY(!parseDateTimeUs("2024-05-01 12:00:00Z"));
    QVERIFY(!parseDateTimeUs("2024-05-01T12:00:00Zjunk"));
  }
};

QTEST_APPLESS_MAIN(TstPlaylistAge)
#include "tst_playlist_age.moc"
