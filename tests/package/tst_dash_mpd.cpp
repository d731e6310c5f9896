// The DASH MPD builder: timing arithmetic and structure, read back with an
// XML parser rather than string matching.
#include <QXmlStreamReader>
#include <QtTest>

#include "package/dash_mpd.h"
#include "package/manifest_format.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
namespace dash = vigil::package::dash;

namespace {

struct Element {
  QString name;
  QXmlStreamAttributes attrs;
  QString attr(const char* n) const { return attrs.value(QLatin1String(n)).toString(); }
};

std::vector<Element> parse(const std::string& xml) {
  std::vector<Element> out;
  QXmlStreamReader r(QByteArray::fromStdString(xml));
  while (!r.atEnd()) {
    if (r.readNext() == QXmlStreamReader::StartElement) out.push_back({r.name().toString(), r.attributes()});
  }
  if (r.hasError()) qWarning() << r.errorString();
  return r.hasError() ? std::vector<Element>{} : out;
}

dash::MpdInput twoPeriods() {
  dash::MpdInput in;
  in.availabilityStartUtcUs = kT0Us;
  in.publishUtcUs = kT0Us + 3'600'000'000LL;
  in.segmentDuration90k = kSeg90k;
  in.timeShiftBufferUs = 120'000'000;
  in.suggestedPresentationDelayUs = 6'000'000;
  in.minBufferUs = 2'000'000;
  in.minimumUpdatePeriodUs = 2'000'000;
  // Period 1 resumes at segment 1500 after a gap, 3123.456789 s after the AST.
  in.periods = {TimelinePeriod{0, 0, kT0Us}, TimelinePeriod{1, 1500, kT0Us + 3'123'456'789LL}};
  in.video = {videoInfo("v0", 640, 360, 800000), videoInfo("v1", 480, 270, 450000)};
  in.audio = {audioInfo()};
  return in;
}

}  // namespace

class TstDashMpd : public QObject {
  Q_OBJECT
 private slots:
  void timingArithmetic() {
    // presentationTimeOffset = firstSegment * D in the track timescale.
    QCOMPARE(dash::presentationTimeOffset(1500, kSeg90k, 90000), int64_t(1500) * 180000);
    QCOMPARE(dash::presentationTimeOffset(1500, kSeg90k, 48000), int64_t(1500) * 96000);
    QCOMPARE(dash::presentationTimeOffset(7, 540540, 30000), int64_t(7) * 180180);  // 6.006 s
    QCOMPARE(dash::presentationTimeOffset(123456789, kSeg90k, 44100), int64_t(123456789) * 88200);
    QCOMPARE(dash::segmentDurationInTimescale(kSeg90k, 48000), int64_t(96000));
    QCOMPARE(package::format::xsDuration(0), std::string("PT0S"));
    QCOMPARE(package::format::xsDuration(600000), std::string("PT0.6S"));
    QCOMPARE(package::format::xsDuration(3'123'456'789LL), std::string("PT3123.456789S"));
    QCOMPARE(dash::frameRateAttr(30), std::string("30"));
    QCOMPARE(dash::frameRateAttr(30000.0 / 1001), std::string("30000/1001"));
    QCOMPARE(dash::frameRateAttr(12.5), std::string("12500/1000"));
  }

  void mpdStructure() {
    const dash::MpdInput in = twoPeriods();
    const auto els = parse(dash::renderMpd(in));
    QVERIFY(!els.empty());
    const Element& mpd = els.front();
    QCOMPARE(mpd.name, QString("MPD"));
    QCOMPARE(mpd.attr("type"), QString("dynamic"));
    QVERIFY(mpd.attr("profiles").contains("urn:mpeg:dash:profile:isoff-live:2011"));
    QVERIFY(mpd.attr("profiles").contains("urn:mpeg:dash:profile:cmaf:2019"));
    QCOMPARE(mpd.attr("availabilityStartTime"), QString("2024-05-01T12:00:00.000Z"));
    QCOMPARE(mpd.attr("publishTime"), QString("2024-05-01T13:00:00.000Z"));
    QCOMPARE(mpd.attr("timeShiftBufferDepth"), QString("PT120S"));
    QCOMPARE(mpd.attr("minimumUpdatePeriod"), QString("PT2S"));
    QCOMPARE(mpd.attr("suggestedPresentationDelay"), QString("PT6S"));
    QCOMPARE(mpd.attr("minBufferTime"), QString("PT2S"));

    std::vector<const Element*> periods;
    std::vector<const Element*> templates;
    const Element* utc = nullptr;
    int audioConfigs = 0;
    for (const Element& e : els) {
      if (e.name == "Period") periods.push_back(&e);
      if (e.name == "SegmentTemplate") templates.push_back(&e);
      if (e.name == "UTCTiming") utc = &e;
      if (e.name == "AudioChannelConfiguration") {
        ++audioConfigs;
        QCOMPARE(e.attr("value"), QString("2"));
      }
      if (e.name == "AdaptationSet" && e.attr("contentType") == "audio") QCOMPARE(e.attr("lang"), QString("en"));
      if (e.name == "AdaptationSet" && e.attr("contentType") == "video") {
        QCOMPARE(e.attr("segmentAlignment"), QString("true"));
        QCOMPARE(e.attr("startWithSAP"), QString("1"));
      }
      if (e.name == "Representation" && e.attr("id") == "v0") {
        QCOMPARE(e.attr("bandwidth"), QString("880000"));
        QCOMPARE(e.attr("width"), QString("640"));
        QCOMPARE(e.attr("height"), QString("360"));
        QCOMPARE(e.attr("frameRate"), QString("30"));
        QCOMPARE(e.attr("codecs"), QString("avc1.4d401e"));
      }
    }
    QCOMPARE(periods.size(), size_t(2));
    QCOMPARE(periods[0]->attr("id"), QString("p0"));
    QCOMPARE(periods[0]->attr("start"), QString("PT0S"));
    QCOMPARE(periods[1]->attr("id"), QString("p1"));
    QCOMPARE(periods[1]->attr("start"), QString("PT3123.456789S"));  // startUtc - AST
    QCOMPARE(audioConfigs, 2);
    QVERIFY(utc);
    QCOMPARE(utc->attr("schemeIdUri"), QString("urn:mpeg:dash:utc:http-iso:2014"));
    QCOMPARE(utc->attr("value"), QString("/time"));

    // 3 representations per period; the second period's templates start at its first segment.
    QCOMPARE(templates.size(), size_t(6));
    for (size_t i = 0; i < templates.size(); ++i) {
      const Element& t = *templates[i];
      const bool audio = i % 3 == 2;
      const int64_t first = i < 3 ? 0 : 1500;
      const int64_t timescale = audio ? 48000 : 90000;
      QCOMPARE(t.attr("timescale").toLongLong(), timescale);
      QCOMPARE(t.attr("duration").toLongLong(), 2 * timescale);
      QCOMPARE(t.attr("startNumber").toLongLong(), first);
      QCOMPARE(t.attr("presentationTimeOffset").toLongLong(), first * 2 * timescale);
      QCOMPARE(t.attr("media"), QString("$RepresentationID$/seg_$Number$.m4s"));
      QCOMPARE(t.attr("initialization"), QString("$RepresentationID$/init.mp4"));
    }
  }

  void segmentAvailabilityMatchesTheTimeline() {
    // The wall clock at which the MPD says segment N of a period ends must be
    // the timeline's wall clock of that segment's end: AST + Period@start +
    // (N - startNumber + 1) * D == utcUsAt((N + 1) * D).
    dash::MpdInput in = twoPeriods();
    Timeline tl(kSeg90k, kPart90k);
    tl.resume({in.periods[0]}, 1499, in.periods[1].startUtcUs);
    for (const TimelinePeriod& p : in.periods) {
      for (int64_t n : {p.firstSegment, p.firstSegment + 1, p.firstSegment + 77}) {
        const int64_t mpdEnd = in.availabilityStartUtcUs + dash::periodStartUs(in, p) +
                               (n - p.firstSegment + 1) * ticksToUs(in.segmentDuration90k);
        QCOMPARE(mpdEnd, tl.utcUsAt(tl.segmentStart90k(n + 1)));  // n + 1 is in the same period
      }
    }
  }
};

QTEST_APPLESS_MAIN(TstDashMpd)
#include "tst_dash_mpd.moc"
