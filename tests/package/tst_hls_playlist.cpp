// The pure HLS builders against the rules of RFC 8216 / rfc8216bis.
#include <QtTest>

#include "package/hls_playlist.h"
#include "package/manifest_format.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
namespace hls = vigil::package::hls;

namespace {

// `complete` segments of 2 s (10 parts each) from msn `first`, then a growing
// segment with `growingParts` parts (none when 0).
hls::MediaPlaylistInput makeInput(int64_t first, int complete, int growingParts) {
  hls::MediaPlaylistInput in;
  in.targetDurationS = 2;
  in.partTargetUs = 200000;
  in.partHoldBackUs = 600000;
  auto segment = [&](int64_t msn, int parts, bool done) {
    hls::SegmentEntry s;
    s.msn = msn;
    s.startUtcUs = kT0Us + msn * 2000000;
    s.complete = done;
    for (int i = 0; i < parts; ++i) {
      s.parts.push_back(hls::PartEntry{i, kPart90k, i == 0});
      s.duration90k += kPart90k;
    }
    return s;
  };
  for (int i = 0; i < complete; ++i) in.segments.push_back(segment(first + i, 10, true));
  if (growingParts > 0) in.segments.push_back(segment(first + complete, growingParts, false));
  in.preloadMsn = first + complete;  // the growing segment's next part, or the next segment's first
  in.preloadPart = growingParts;
  in.reports = {{"v1", in.preloadMsn, growingParts - 1}, {"a0", in.preloadMsn, growingParts - 1}};
  return in;
}

double seconds(const std::string& s) { return std::stod(s); }

int countExact(const std::string& text, const std::string& line) {
  int n = 0;
  for (const std::string& l : lines(text)) n += l == line ? 1 : 0;
  return n;
}

}  // namespace

class TstHlsPlaylist : public QObject {
  Q_OBJECT
 private slots:
  void headerTagsInOrder() {
    const std::string text = hls::renderMediaPlaylist(makeInput(100, 4, 3), false);
    const auto ls = lines(text);
    QCOMPARE(ls.at(0), std::string("#EXTM3U"));
    const int version = indexOf(ls, "#EXT-X-VERSION:");
    const int target = indexOf(ls, "#EXT-X-TARGETDURATION:");
    const int seq = indexOf(ls, "#EXT-X-MEDIA-SEQUENCE:");
    const int dseq = indexOf(ls, "#EXT-X-DISCONTINUITY-SEQUENCE:");
    const int partInf = indexOf(ls, "#EXT-X-PART-INF:");
    const int control = indexOf(ls, "#EXT-X-SERVER-CONTROL:");
    const int map = indexOf(ls, "#EXT-X-MAP:");
    const int firstPdt = indexOf(ls, "#EXT-X-PROGRAM-DATE-TIME:");
    for (int i : {version, target, seq, dseq, partInf, control, map, firstPdt}) QVERIFY(i > 0);
    // Playlist tags come before the first segment's tags; the map precedes every segment.
    for (int i : {version, target, seq, dseq, partInf, control}) QVERIFY(i < map);
    QVERIFY(map < firstPdt);
    QCOMPARE(ls[version], std::string("#EXT-X-VERSION:6"));  // EXT-X-MAP needs 6; nothing needs more
    QCOMPARE(ls[map], std::string("#EXT-X-MAP:URI=\"init.mp4\""));
    QCOMPARE(tagValue(text, "#EXT-X-MEDIA-SEQUENCE"), std::string("100"));
    QCOMPARE(attr(ls[control], "CAN-BLOCK-RELOAD"), std::string("YES"));
    // Every segment carries a PDT; every complete one an EXTINF and its URI.
    QCOMPARE(countLines(text, "#EXT-X-PROGRAM-DATE-TIME:"), 5);
    QCOMPARE(countLines(text, "#EXTINF:"), 4);
    QVERIFY(indexOf(ls, "seg_103.m4s") > 0);
    QCOMPARE(indexOf(ls, "seg_104.m4s"), -1);  // growing: parts only
    // The preload hint follows the last part; rendition reports close the playlist.
    const int hint = indexOf(ls, "#EXT-X-PRELOAD-HINT:");
    int lastPart = -1;
    for (int i = 0; i < int(ls.size()); ++i)
      if (startsWith(ls[i], "#EXT-X-PART:")) lastPart = i;
    QVERIFY(hint > lastPart);
    QVERIFY(indexOf(ls, "#EXT-X-RENDITION-REPORT:") > hint);
    QCOMPARE(indexOf(ls, "#EXT-X-ENDLIST"), -1);
  }

  void extinfAndPartDurationsAreTheRealOnes() {
    hls::MediaPlaylistInput in = makeInput(7, 1, 0);
    in.segments[0].parts[9].duration90k = kPart90k + 1920;  // an AAC frame longer
    in.segments[0].parts[3].duration90k = kPart90k - 1920;
    in.segments[0].duration90k = 10 * kPart90k;  // sum unchanged
    in.segments[0].parts[3].duration90k -= 90;   // and one millisecond shorter in total
    in.segments[0].duration90k -= 90;
    const std::string text = hls::renderMediaPlaylist(in, false);
    QCOMPARE(tagValue(text, "#EXTINF"), std::string("1.999,"));
    QVERIFY(text.find("#EXT-X-PART:DURATION=0.221,URI=\"part_7_9.m4s\"") != std::string::npos);
    QVERIFY(text.find("#EXT-X-PART:DURATION=0.178,URI=\"part_7_3.m4s\"") != std::string::npos);
  }

  void targetDurationRounding_data() {
    QTest::addColumn<qint64>("segment90k");
    QTest::addColumn<int>("expected");
    QTest::newRow("2.000") << qint64(180000) << 2;
    QTest::newRow("2.005 audio") << qint64(180450) << 2;
    QTest::newRow("2.499") << qint64(224910) << 2;
    QTest::newRow("2.500") << qint64(225000) << 3;
    QTest::newRow("6.006") << qint64(540540) << 6;
    QTest::newRow("0.4") << qint64(36000) << 1;
  }
  void targetDurationRounding() {
    QFETCH(qint64, segment90k);
    QFETCH(int, expected);
    QCOMPARE(hls::targetDurationSeconds(segment90k), expected);
    // Rule of RFC 8216 4.3.3.1: every EXTINF rounded is <= the target.
    QVERIFY((segment90k + 45000) / 90000 <= hls::targetDurationSeconds(segment90k));
  }

  void holdBacksRespectTheMinimums_data() {
    QTest::addColumn<int>("targetS");
    QTest::addColumn<qint64>("partTargetUs");
    QTest::addColumn<qint64>("configuredPartHoldBackUs");
    QTest::newRow("defaults") << 2 << qint64(200000) << qint64(600000);
    QTest::newRow("audio part target") << 2 << qint64(213334) << qint64(600000);
    QTest::newRow("configured too low") << 4 << qint64(500000) << qint64(200000);
    QTest::newRow("configured higher") << 6 << qint64(1000000) << qint64(4000000);
  }
  void holdBacksRespectTheMinimums() {
    QFETCH(int, targetS);
    QFETCH(qint64, partTargetUs);
    QFETCH(qint64, configuredPartHoldBackUs);
    hls::MediaPlaylistInput in = makeInput(0, 3, 2);
    in.targetDurationS = targetS;
    in.partTargetUs = partTargetUs;
    in.partHoldBackUs = hls::partHoldBackUs(configuredPartHoldBackUs, partTargetUs);
    const std::string text = hls::renderMediaPlaylist(in, false);
    const std::string control = "#EXT-X-SERVER-CONTROL:" + tagValue(text, "#EXT-X-SERVER-CONTROL");
    const double partTarget = seconds(attr("#X:" + tagValue(text, "#EXT-X-PART-INF"), "PART-TARGET"));
    QCOMPARE(std::stoi(tagValue(text, "#EXT-X-TARGETDURATION")), targetS);
    QVERIFY(partTarget * 1e6 >= partTargetUs);
    QVERIFY(seconds(attr(control, "PART-HOLD-BACK")) >= 3 * partTarget - 1e-9);
    QVERIFY(seconds(attr(control, "PART-HOLD-BACK")) * 1e6 >= configuredPartHoldBackUs);
    QVERIFY(seconds(attr(control, "HOLD-BACK")) >= 3.0 * targetS);
    QVERIFY(seconds(attr(control, "CAN-SKIP-UNTIL")) >= 6.0 * targetS);
  }

  void partsOnlyForTheLastThreeTargetDurations() {
    const hls::MediaPlaylistInput in = makeInput(50, 8, 4);
    const std::string text = hls::renderMediaPlaylist(in, false);
    // Distance of each segment's start from the end of the playlist, computed
    // here independently: 8 complete 2 s segments then 0.8 s of growing one.
    const double end = 8 * 2.0 + 0.8;
    for (int k = 0; k < 9; ++k) {
      const int64_t msn = 50 + k;
      const bool listed = text.find("URI=\"part_" + std::to_string(msn) + "_0.m4s\"") != std::string::npos;
      const double startDistance = end - 2.0 * k;
      QCOMPARE(listed, startDistance <= 3 * 2.0 + 1e-9);
    }
    // The growing segment lists all of its parts, in order.
    const auto ls = lines(text);
    int prev = indexOf(ls, "#EXT-X-PART:DURATION=0.200,URI=\"part_58_0.m4s\",INDEPENDENT=YES");
    QVERIFY(prev > 0);
    for (int i = 1; i < 4; ++i) {
      const int at = indexOf(ls, "#EXT-X-PART:DURATION=0.200,URI=\"part_58_" + std::to_string(i) + ".m4s\"");
      QVERIFY(at > prev);
      prev = at;
    }
    QCOMPARE(countLines(text, "#EXT-X-PART:"), 4 + 10 * 2);  // segments 56, 57 (starts 4.8 s, 2.8 s from the end)
  }

  void preloadHintNamesTheNextPart() {
    hls::MediaPlaylistInput in = makeInput(10, 2, 3);
    QCOMPARE(attr(tagValue(hls::renderMediaPlaylist(in, false), "#EXT-X-PRELOAD-HINT").insert(0, ":"), "URI"),
             std::string("part_12_3.m4s"));
    QCOMPARE(attr(":" + tagValue(hls::renderMediaPlaylist(in, false), "#EXT-X-PRELOAD-HINT"), "TYPE"),
             std::string("PART"));
    in.preloadMsn = -1;
    QCOMPARE(countLines(hls::renderMediaPlaylist(in, false), "#EXT-X-PRELOAD-HINT"), 0);
  }

  void renditionReportsCarryTheOtherPositions() {
    hls::MediaPlaylistInput in = makeInput(10, 2, 3);
    in.reports = {{"v1", 12, 1}, {"a0", 12, 2}, {"v2", -1, -1}};
    const std::string text = hls::renderMediaPlaylist(in, false);
    QCOMPARE(countLines(text, "#EXT-X-RENDITION-REPORT:"), 2);  // v2 has nothing to report yet
    QVERIFY(text.find("#EXT-X-RENDITION-REPORT:URI=\"../v1/playlist.m3u8\",LAST-MSN=12,LAST-PART=1\n") !=
            std::string::npos);
    QVERIFY(text.find("#EXT-X-RENDITION-REPORT:URI=\"../a0/playlist.m3u8\",LAST-MSN=12,LAST-PART=2\n") !=
            std::string::npos);
  }

  void discontinuityBetweenPeriods() {
    hls::MediaPlaylistInput in = makeInput(20, 5, 2);
    for (auto& s : in.segments) s.discontinuitySequence = s.msn < 23 ? 3 : 4;
    const std::string text = hls::renderMediaPlaylist(in, false);
    const auto ls = lines(text);
    QCOMPARE(tagValue(text, "#EXT-X-DISCONTINUITY-SEQUENCE"), std::string("3"));
    QCOMPARE(countExact(text, "#EXT-X-DISCONTINUITY"), 1);
    const int disc = indexOf(ls, "#EXT-X-DISCONTINUITY", indexOf(ls, "seg_22.m4s"));
    QVERIFY(disc > 0);
    QCOMPARE(ls[disc], std::string("#EXT-X-DISCONTINUITY"));
    QVERIFY(disc < indexOf(ls, "seg_23.m4s"));
    QVERIFY(startsWith(ls[disc + 1], "#EXT-X-PROGRAM-DATE-TIME:"));

    // Once the old period's segments have slid out, the sequence carries it.
    in.segments.erase(in.segments.begin(), in.segments.begin() + 3);
    const std::string later = hls::renderMediaPlaylist(in, false);
    QCOMPARE(tagValue(later, "#EXT-X-DISCONTINUITY-SEQUENCE"), std::string("4"));
    QCOMPARE(countExact(later, "#EXT-X-DISCONTINUITY"), 0);
  }

  void deltaUpdateSkipsSegmentsBeyondTheSkipBoundary() {
    const hls::MediaPlaylistInput in = makeInput(300, 20, 1);
    const std::string full = hls::renderMediaPlaylist(in, false);
    const std::string delta = hls::renderMediaPlaylist(in, true);
    // Expected count, computed independently: segment k ends 2(k+1) s into a
    // playlist of 40.2 s; it is skipped when that end is more than 12 s back.
    int expected = 0;
    for (int k = 0; k < 20; ++k) expected += (40.2 - 2.0 * (k + 1) > 12.0) ? 1 : 0;
    QCOMPARE(expected, 14);
    QCOMPARE(hls::skippableSegments(in), expected);
    QCOMPARE(countLines(full, "#EXT-X-SKIP"), 0);
    QCOMPARE(tagValue(delta, "#EXT-X-SKIP"), "SKIPPED-SEGMENTS=" + std::to_string(expected));
    QCOMPARE(tagValue(delta, "#EXT-X-VERSION"), std::string("9"));
    QCOMPARE(tagValue(delta, "#EXT-X-MEDIA-SEQUENCE"), std::string("300"));
    QCOMPARE(countLines(delta, "#EXTINF:"), 20 - expected);
    QCOMPARE(indexOf(lines(delta), "seg_313.m4s"), -1);
    QVERIFY(indexOf(lines(delta), "seg_314.m4s") > 0);
    // The skip tag comes before the first remaining segment's tags.
    QVERIFY(indexOf(lines(delta), "#EXT-X-SKIP") < indexOf(lines(delta), "#EXT-X-PROGRAM-DATE-TIME"));
    // A short playlist has nothing to skip.
    QCOMPARE(hls::skippableSegments(makeInput(0, 6, 1)), 0);
  }

  void programDateTimeIsIsoWithMilliseconds() {
    QCOMPARE(package::format::isoUtc(kT0Us + 123456), std::string("2024-05-01T12:00:00.123Z"));
    QCOMPARE(package::format::isoUtc(kT0Us - 5333), std::string("2024-05-01T11:59:59.995Z"));
    QCOMPARE(package::format::isoUtc(951782400LL * 1000000 + 86399999000LL), std::string("2000-02-29T23:59:59.999Z"));
    QCOMPARE(package::format::isoUtc(951782400LL * 1000000 + 86399999600LL), std::string("2000-03-01T00:00:00.000Z"));
    hls::MediaPlaylistInput in = makeInput(5, 2, 0);
    in.segments[1].startUtcUs = kT0Us + 12 * 1000000 + 40000;
    const std::string text = hls::renderMediaPlaylist(in, false);
    QVERIFY(text.find("#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:10.000Z\n") != std::string::npos);
    QVERIFY(text.find("#EXT-X-PROGRAM-DATE-TIME:2024-05-01T12:00:12.040Z\n") != std::string::npos);
  }

  void multivariantListsVariantsHighestFirst() {
    hls::MultivariantInput in;
    in.video = {videoInfo("v2", 320, 180, 200000), videoInfo("v0", 640, 360, 800000),
                videoInfo("v1", 480, 270, 450000)};
    in.video[1].frameRate = 29.97;
    in.audio = {audioInfo()};
    in.audioName = "English";
    const std::string text = hls::renderMultivariantPlaylist(in);
    const auto ls = lines(text);
    QCOMPARE(ls.at(0), std::string("#EXTM3U"));
    QVERIFY(indexOf(ls, "#EXT-X-INDEPENDENT-SEGMENTS") > 0);
    const std::string media = ls.at(indexOf(ls, "#EXT-X-MEDIA:"));
    QCOMPARE(attr(media, "TYPE"), std::string("AUDIO"));
    QCOMPARE(attr(media, "GROUP-ID"), std::string("aud"));
    QCOMPARE(attr(media, "NAME"), std::string("English"));
    QCOMPARE(attr(media, "LANGUAGE"), std::string("en"));
    QCOMPARE(attr(media, "DEFAULT"), std::string("YES"));
    QCOMPARE(attr(media, "AUTOSELECT"), std::string("YES"));
    QCOMPARE(attr(media, "CHANNELS"), std::string("2"));
    QCOMPARE(attr(media, "URI"), std::string("a0/playlist.m3u8"));
    std::vector<int64_t> bandwidths;
    std::vector<std::string> uris;
    for (int i = 0; i < int(ls.size()); ++i) {
      if (!startsWith(ls[i], "#EXT-X-STREAM-INF:")) continue;
      bandwidths.push_back(std::stoll(attr(ls[i], "BANDWIDTH")));
      uris.push_back(ls.at(i + 1));
      QCOMPARE(attr(ls[i], "AUDIO"), std::string("aud"));
      QCOMPARE(attr(ls[i], "CODECS"), std::string("avc1.4d401e,mp4a.40.2"));
    }
    QCOMPARE(uris, (std::vector<std::string>{"v0/playlist.m3u8", "v1/playlist.m3u8", "v2/playlist.m3u8"}));
    QCOMPARE(bandwidths, (std::vector<int64_t>{880000 + 128000, 495000 + 128000, 220000 + 128000}));
    const std::string first = ls.at(indexOf(ls, "#EXT-X-STREAM-INF:"));
    QCOMPARE(attr(first, "AVERAGE-BANDWIDTH"), std::string("928000"));
    QCOMPARE(attr(first, "RESOLUTION"), std::string("640x360"));
    QCOMPARE(attr(first, "FRAME-RATE"), std::string("29.970"));
  }
};

QTEST_APPLESS_MAIN(TstHlsPlaylist)
#include "tst_hls_playlist.moc"
