// ChannelPackager end to end on synthetic parts: readiness, availability,
// render caching, observers, heartbeat, eviction, timeline periods.
#include <QtTest>

#include "package/channel_packager.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
using vigil::package::Availability;
using vigil::package::ChannelPackager;
using vigil::package::PlaylistPosition;

namespace {

PackagingSpec smallSpec(int live = 6, int dvr = 10) {
  PackagingSpec s;
  s.liveWindowSegments = live;
  s.dvrWindowSegments = dvr;
  return s;
}

std::unique_ptr<ChannelPackager> makePackager(PackagingSpec spec = smallSpec(), Timeline tl = startedTimeline()) {
  return std::make_unique<ChannelPackager>("news1", spec, std::move(tl), defaultRenditionIds());
}

// Records every notification and checks, at the moment it arrives, that the
// part is already visible to readers.
class RecordingObserver : public package::PublishObserver {
 public:
  explicit RecordingObserver(ChannelPackager* p) : pkg(p) {}
  void onPublished(const std::string& channelId, const std::string& renditionId, PlaylistPosition pos) override {
    calls.push_back({renditionId, pos});
    const std::string playlist = str(pkg->mediaPlaylist(renditionId, false));
    const std::string uri = "part_" + std::to_string(pos.msn) + "_" + std::to_string(pos.part) + ".m4s";
    visibleWhenNotified &= channelId == "news1" && playlist.find(uri) != std::string::npos &&
                           pkg->lastPosition(renditionId) == pos &&
                           pkg->part(renditionId, pos.msn, pos.part).availability == Availability::Ready;
  }
  ChannelPackager* pkg;
  std::vector<std::pair<std::string, PlaylistPosition>> calls;
  bool visibleWhenNotified = true;
};

}  // namespace

class TstChannelPackager : public QObject {
  Q_OBJECT
 private slots:
  void readyOnceEveryRenditionHasInitAndPart() {
    auto pkg = makePackager();
    QVERIFY(!pkg->ready());
    QVERIFY(!pkg->multivariantPlaylist());
    QVERIFY(!pkg->dashManifest());
    QVERIFY(!pkg->mediaPlaylist("v0", false));
    QVERIFY(pkg->hasRendition("a0"));
    QVERIFY(!pkg->hasRendition("v9"));
    sendInits(*pkg);
    QCOMPARE(pkg->renditions().size(), size_t(3));
    QVERIFY(!pkg->ready());
    feedParts(*pkg, 100, 0, 1, {"v0", "v1"});
    QVERIFY(!pkg->ready());
    QVERIFY(pkg->mediaPlaylist("v0", false));  // a rendition's playlist exists from its first part
    QVERIFY(!pkg->multivariantPlaylist());
    feedParts(*pkg, 100, 0, 1, {"a0"});
    QVERIFY(pkg->ready());
    const std::string master = str(pkg->multivariantPlaylist());
    QVERIFY(master.find("v0/playlist.m3u8") < master.find("v1/playlist.m3u8"));
    QVERIFY(master.find("URI=\"a0/playlist.m3u8\"") != std::string::npos);
    QVERIFY(str(pkg->dashManifest()).find("<Representation id=\"a0\"") != std::string::npos);
  }

  void availabilityAnswers() {
    auto pkg = makePackager(smallSpec(3, 4));
    QCOMPARE(pkg->init("v0").availability, Availability::Pending);  // expected, not here yet
    QCOMPARE(pkg->init("zz").availability, Availability::Unknown);
    QCOMPARE(pkg->segment("v0", 100).availability, Availability::Unknown);  // nothing published at all
    sendInits(*pkg);
    auto init = pkg->init("v1");
    QCOMPARE(init.availability, Availability::Ready);
    QCOMPARE(str(init.bytes), std::string("init-v1"));

    feedParts(*pkg, 100, 0, 13);  // segment 100 complete, 101 has parts 0..2
    auto seg = pkg->segment("v0", 100);
    QCOMPARE(seg.availability, Availability::Ready);
    std::string expected;
    for (int i = 0; i < 10; ++i) expected += "v0:100." + std::to_string(i) + ";";
    QCOMPARE(str(seg.bytes), expected);                                     // the concatenation of its parts
    QCOMPARE(pkg->segment("v0", 101).availability, Availability::Pending);  // growing
    QCOMPARE(pkg->segment("v0", 102).availability, Availability::Pending);  // next, a bit early
    QCOMPARE(pkg->segment("v0", 103).availability, Availability::Unknown);  // too far ahead
    QCOMPARE(pkg->segment("v0", 99).availability, Availability::Gone);      // before the first
    QCOMPARE(pkg->segment("v7", 100).availability, Availability::Unknown);

    auto part = pkg->part("v1", 101, 2);
    QCOMPARE(part.availability, Availability::Ready);
    QCOMPARE(str(part.bytes), std::string("v1:101.2;"));
    QCOMPARE(pkg->part("v1", 101, 3).availability, Availability::Pending);  // the preload hint
    QCOMPARE(pkg->part("v1", 101, 9).availability, Availability::Pending);
    QCOMPARE(pkg->part("v1", 102, 2).availability, Availability::Pending);  // within a segment of parts
    QCOMPARE(pkg->part("v1", 102, 3).availability, Availability::Unknown);
    QCOMPARE(pkg->part("v1", 101, 10).availability, Availability::Unknown);  // no such index
    QCOMPARE(pkg->part("v1", 101, -1).availability, Availability::Unknown);

    // Same pointer for every request: no copy of the bytes.
    QCOMPARE(pkg->segment("v0", 100).bytes.get(), seg.bytes.get());
    QCOMPARE(pkg->part("v1", 101, 2).bytes.get(), part.bytes.get());

    // DVR window of 4 complete segments: 100 is evicted after 105 completes.
    feedParts(*pkg, 100, 13, 60);
    QCOMPARE(pkg->segment("v0", 100).availability, Availability::Gone);
    QCOMPARE(pkg->part("v0", 100, 0).availability, Availability::Gone);
    QCOMPARE(pkg->segment("v0", 102).availability, Availability::Ready);
    QCOMPARE(pkg->segment("v0", 105).availability, Availability::Ready);
    QCOMPARE(pkg->segment("v0", 106).availability, Availability::Pending);
    QCOMPARE(pkg->counters().partsPublished, uint64_t(60 * 3));
    QCOMPARE(pkg->counters().segmentsPublished, uint64_t(6 * 3));
  }

  void playlistListsTheLiveWindowAndTheGrowingSegment() {
    auto pkg = makePackager(smallSpec(4, 10));
    sendInits(*pkg);
    feedParts(*pkg, 200, 0, 75);  // 200..206 complete, 207 parts 0..4
    const std::string text = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(tagValue(text, "#EXT-X-MEDIA-SEQUENCE"), std::string("203"));
    QCOMPARE(countLines(text, "#EXTINF:"), 4);
    QVERIFY(text.find("part_207_4.m4s") != std::string::npos);
    QCOMPARE(attr(":" + tagValue(text, "#EXT-X-PRELOAD-HINT"), "URI"), std::string("part_207_5.m4s"));
    QCOMPARE(pkg->lastPosition("v0"), (PlaylistPosition{207, 4}));
    // Reports name every other rendition, audio included (rfc8216bis appendix
    // B.1), as they stood when this playlist's newest part was published: v0
    // published 207.4 before v1 and a0 did (feedParts interleaves v0, v1, a0).
    QVERIFY(text.find("#EXT-X-RENDITION-REPORT:URI=\"../v1/playlist.m3u8\",LAST-MSN=207,LAST-PART=3\n") !=
            std::string::npos);
    QVERIFY(text.find("#EXT-X-RENDITION-REPORT:URI=\"../a0/playlist.m3u8\",LAST-MSN=207,LAST-PART=3\n") !=
            std::string::npos);
    QCOMPARE(countLines(text, "#EXT-X-RENDITION-REPORT:URI=\"../v0/"), 0);
    const std::string audio = str(pkg->mediaPlaylist("a0", false));
    QCOMPARE(countLines(audio, "#EXT-X-RENDITION-REPORT:"), 2);
    QVERIFY(audio.find("#EXT-X-RENDITION-REPORT:URI=\"../v0/playlist.m3u8\",LAST-MSN=207,LAST-PART=4\n") !=
            std::string::npos);
    QVERIFY(audio.find("#EXT-X-RENDITION-REPORT:URI=\"../v1/playlist.m3u8\",LAST-MSN=207,LAST-PART=4\n") !=
            std::string::npos);

    // After the last part of a segment the hint moves to the next segment.
    feedParts(*pkg, 200, 75, 80);
    const std::string closed = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(attr(":" + tagValue(closed, "#EXT-X-PRELOAD-HINT"), "URI"), std::string("part_208_0.m4s"));
    QVERIFY(closed.find("seg_207.m4s") != std::string::npos);
  }

  void liveWindowNeverShorterThanThreeTargetDurations() {
    auto pkg = makePackager(smallSpec(1, 1));
    sendInits(*pkg);
    feedParts(*pkg, 0, 0, 81);  // 0..7 complete, 8 growing
    const std::string text = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(countLines(text, "#EXTINF:"), 3);  // 3 x 2 s >= 3 x TARGETDURATION
    QCOMPARE(tagValue(text, "#EXT-X-MEDIA-SEQUENCE"), std::string("5"));
    QCOMPARE(pkg->segment("v0", 5).availability, Availability::Ready);  // listed, so kept
    QCOMPARE(pkg->segment("v0", 4).availability, Availability::Gone);
  }

  void unexpectedRenditionsAreDropped() {
    auto pkg = makePackager();
    pkg->onInit(CmafInit{videoInfo("v9", 100, 100, 1000), makeBytes("x")});
    pkg->onPart(makePart("v9", 0, 0));
    QVERIFY(!pkg->hasRendition("v9"));
    QCOMPARE(pkg->counters().partsPublished, uint64_t(0));
    QCOMPARE(pkg->renditions().size(), size_t(0));
  }

  void audioPartsStayWithinThePartTarget() {
    auto pkg = makePackager();
    sendInits(*pkg);
    feedParts(*pkg, 10, 0, 40);
    const std::string audio = str(pkg->mediaPlaylist("a0", false));
    const double partTarget = std::stod(attr(":" + tagValue(audio, "#EXT-X-PART-INF"), "PART-TARGET"));
    QVERIFY(partTarget > 0.2);  // AAC frames do not tile 200 ms
    bool sawLong = false;
    for (const std::string& l : lines(audio)) {
      if (!startsWith(l, "#EXT-X-PART:")) continue;
      const double d = std::stod(attr(l, "DURATION"));
      QVERIFY(d <= partTarget);
      sawLong |= d > 0.2;
    }
    QVERIFY(sawLong);
    // One PART-HOLD-BACK for the whole channel, at least three of the largest part target.
    const std::string video = str(pkg->mediaPlaylist("v0", false));
    const std::string holdBack = attr(":" + tagValue(audio, "#EXT-X-SERVER-CONTROL"), "PART-HOLD-BACK");
    QCOMPARE(attr(":" + tagValue(video, "#EXT-X-SERVER-CONTROL"), "PART-HOLD-BACK"), holdBack);
    QVERIFY(std::stod(holdBack) >= 3 * partTarget - 1e-9);
    QCOMPARE(attr(":" + tagValue(video, "#EXT-X-PART-INF"), "PART-TARGET"), std::string("0.200"));
    // EXTINF is the sum of the real part durations.
    for (const std::string& l : lines(audio))
      if (startsWith(l, "#EXTINF:")) QVERIFY(std::abs(std::stod(l.substr(8)) - 2.0) < 0.022);
  }

  void renderCachingHandsOutTheSameBytes() {
    auto pkg = makePackager(smallSpec(20, 30));
    sendInits(*pkg);
    feedParts(*pkg, 0, 0, 5);
    const Bytes a = pkg->mediaPlaylist("v0", false);
    const Bytes master = pkg->multivariantPlaylist();
    const Bytes mpd = pkg->dashManifest();
    QVERIFY(a);
    QCOMPARE(pkg->mediaPlaylist("v0", false).get(), a.get());
    QCOMPARE(pkg->mediaPlaylist("v0", true).get(), a.get());  // nothing to skip: the delta is the full playlist
    feedParts(*pkg, 0, 5, 6, {"v0"});
    const Bytes b = pkg->mediaPlaylist("v0", false);
    QVERIFY(b.get() != a.get());
    QVERIFY(str(b).find("part_0_5.m4s") != std::string::npos);
    QCOMPARE(pkg->mediaPlaylist("v0", false).get(), b.get());
    // The master and the MPD do not change with parts.
    feedParts(*pkg, 0, 6, 40);
    QCOMPARE(pkg->multivariantPlaylist().get(), master.get());
    QCOMPARE(pkg->dashManifest().get(), mpd.get());
    // A long window: the delta update is its own rendering, cached as well.
    feedParts(*pkg, 0, 40, 201);
    const Bytes delta = pkg->mediaPlaylist("v0", true);
    QVERIFY(delta.get() != pkg->mediaPlaylist("v0", false).get());
    QVERIFY(str(delta).find("#EXT-X-SKIP:SKIPPED-SEGMENTS=") != std::string::npos);
    QCOMPARE(pkg->mediaPlaylist("v0", true).get(), delta.get());
    // A settings change re-renders the MPD.
    pkg->setUtcTimingUrl("https://origin.example/time");
    QVERIFY(pkg->dashManifest().get() != mpd.get());
    QVERIFY(str(pkg->dashManifest()).find("value=\"https://origin.example/time\"") != std::string::npos);
  }

  void observersSeeVisibleParts() {
    auto pkg = makePackager();
    RecordingObserver obs(pkg.get());
    pkg->addObserver(&obs);
    pkg->addObserver(&obs);  // once only
    sendInits(*pkg);
    feedParts(*pkg, 50, 0, 12);
    QCOMPARE(obs.calls.size(), size_t(36));
    QVERIFY(obs.visibleWhenNotified);
    QCOMPARE(obs.calls.back().first, std::string("a0"));
    QCOMPARE(obs.calls.back().second, (PlaylistPosition{51, 1}));
    // Duplicates are not published.
    pkg->onPart(makePart("v0", 51, 1));
    pkg->onPart(makePart("v0", 50, 3));
    QCOMPARE(obs.calls.size(), size_t(36));
    pkg->removeObserver(&obs);
    feedParts(*pkg, 50, 12, 13);
    QCOMPARE(obs.calls.size(), size_t(36));
  }

  void heartbeatIsTheEndOfTheNewestPart() {
    auto pkg = makePackager();
    QCOMPARE(pkg->newestPartEndUtcUs("v0"), int64_t(0));
    sendInits(*pkg);
    feedParts(*pkg, 30, 0, 4);
    // Segment 30 starts 60 s after the period start; part 3 ends 0.8 s in.
    QCOMPARE(pkg->newestPartEndUtcUs("v0"), kT0Us + 60'000'000 + 800'000);
    const int64_t audioEnd = kT0Us + ticksToUs(nearestAacBoundary(30 * kSeg90k + 4 * kPart90k));
    QCOMPARE(pkg->newestPartEndUtcUs("a0"), audioEnd);
    QCOMPARE(pkg->newestPartEndUtcUs("nope"), int64_t(0));
  }

  void resumedTimelineStartsANewDiscontinuitySequence() {
    // An engine restart: the history holds period 0 (segments 0..49); the new
    // period starts at 50, 7 minutes after the old one began.
    Timeline tl(kSeg90k, kPart90k);
    tl.resume({TimelinePeriod{0, 0, kT0Us}}, 49, kT0Us + 420'000'000);
    auto pkg = makePackager(smallSpec(), tl);
    sendInits(*pkg);
    feedParts(*pkg, 50, 0, 25);
    const std::string text = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(tagValue(text, "#EXT-X-DISCONTINUITY-SEQUENCE"), std::string("1"));
    QCOMPARE(tagValue(text, "#EXT-X-MEDIA-SEQUENCE"), std::string("50"));
    QCOMPARE(countLines(text, "#EXT-X-DISCONTINUITY\n"), 0);
    for (const std::string& l : lines(text)) QVERIFY(l != "#EXT-X-DISCONTINUITY");
    QCOMPARE(tagValue(text, "#EXT-X-PROGRAM-DATE-TIME"), std::string("2024-05-01T12:07:00.000Z"));
    const std::string mpd = str(pkg->dashManifest());
    // The availability start stays at the first period; the new Period starts 420 s later.
    QVERIFY(mpd.find("availabilityStartTime=\"2024-05-01T12:00:00.000Z\"") != std::string::npos);
    QVERIFY(mpd.find("<Period id=\"p1\" start=\"PT420S\">") != std::string::npos);
    QVERIFY(mpd.find("<Period id=\"p0\"") == std::string::npos);  // nothing of it in the DVR window
    QVERIFY(mpd.find("startNumber=\"50\" presentationTimeOffset=\"9000000\"") != std::string::npos);
    QVERIFY(mpd.find("startNumber=\"50\" presentationTimeOffset=\"4800000\"") != std::string::npos);  // audio
  }

  void audioStartingJustBeforeAPeriodsFirstBoundaryKeepsItsPeriod() {
    // Segment 51 starts a period; its first AAC frame starts 480 ticks
    // (5.333 ms) before the boundary, which on the timeline is still segment 50.
    Timeline tl(kSeg90k, kPart90k);
    tl.resume({TimelinePeriod{0, 0, kT0Us}}, 50, kT0Us + 420'000'000);
    auto pkg = makePackager(smallSpec(), tl);
    sendInits(*pkg);
    QVERIFY(makePart("a0", 51, 0).startTime90k < 51 * kSeg90k);
    feedParts(*pkg, 51, 0, 3);
    QCOMPARE(tagValue(str(pkg->mediaPlaylist("a0", false)), "#EXT-X-PROGRAM-DATE-TIME"),
             std::string("2024-05-01T12:06:59.995Z"));
    QCOMPARE(tagValue(str(pkg->mediaPlaylist("v0", false)), "#EXT-X-PROGRAM-DATE-TIME"),
             std::string("2024-05-01T12:07:00.000Z"));
  }

  void discontinuityWithinTheWindowAndPeriodsInTheMpd() {
    Timeline tl(kSeg90k, kPart90k);
    tl.resume({TimelinePeriod{0, 0, kT0Us}}, 11, kT0Us + 100'000'000);  // period 1 from segment 12
    auto pkg = makePackager(smallSpec(4, 5), tl);
    sendInits(*pkg);
    feedParts(*pkg, 10, 0, 45);  // 10, 11 in period 0; 12.. in period 1
    std::string text = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(tagValue(text, "#EXT-X-MEDIA-SEQUENCE"), std::string("10"));
    QCOMPARE(tagValue(text, "#EXT-X-DISCONTINUITY-SEQUENCE"), std::string("0"));
    auto ls = lines(text);
    const int disc = indexOf(ls, "#EXT-X-DISCONTINUITY", indexOf(ls, "seg_11.m4s"));
    QCOMPARE(ls.at(disc), std::string("#EXT-X-DISCONTINUITY"));
    QVERIFY(disc < indexOf(ls, "seg_12.m4s"));
    QCOMPARE(ls.at(disc + 1), std::string("#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:01:40.000Z"));
    const Bytes mpdBefore = pkg->dashManifest();
    QVERIFY(str(mpdBefore).find("<Period id=\"p0\" start=\"PT0S\">") != std::string::npos);
    QVERIFY(str(mpdBefore).find("<Period id=\"p1\" start=\"PT100S\">") != std::string::npos);

    // Slide on: period 0 leaves the playlist, then the DVR window.
    feedParts(*pkg, 10, 45, 80);
    text = str(pkg->mediaPlaylist("v0", false));
    QCOMPARE(tagValue(text, "#EXT-X-DISCONTINUITY-SEQUENCE"), std::string("1"));
    for (const std::string& l : lines(text)) QVERIFY(l != "#EXT-X-DISCONTINUITY");
    const Bytes mpdAfter = pkg->dashManifest();
    QVERIFY(mpdAfter.get() != mpdBefore.get());
    QVERIFY(str(mpdAfter).find("<Period id=\"p0\"") == std::string::npos);
    QVERIFY(str(mpdAfter).find("<Period id=\"p1\" start=\"PT100S\">") != std::string::npos);
  }

  void skippingAheadClosesTheSegment() {
    auto pkg = makePackager();
    sendInits(*pkg);
    feedParts(*pkg, 0, 0, 4);
    // Input gap: segment 0 never gets its last part; segment 1 starts.
    feedParts(*pkg, 1, 0, 2);
    QCOMPARE(pkg->segment("v0", 0).availability, Availability::Ready);
    const std::string text = str(pkg->mediaPlaylist("v0", false));
    QVERIFY(text.find("#EXTINF:0.800,\nseg_0.m4s") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(TstChannelPackager)
#include "tst_channel_packager.moc"
