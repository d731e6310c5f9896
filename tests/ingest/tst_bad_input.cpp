// What a contribution input does with bad feeds: random bytes, a truncated
// MPEG-TS, a resolution change, timestamps that jump backwards or wrap at
// 2^33, audio-only and video-only feeds. Feeds are made by the ffmpeg CLI and
// handed to the input the way a listener does (in 1316-byte messages through
// its PublisherSink). The input must say why a feed is unusable, deliver
// what is usable with pts rising on the timeline, stay usable for the next
// publisher, and never crash (this suite runs under ASan and UBSan too).
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include "core/clock.h"
#include "ingest/contribution_input.h"
#include "srt_test_util.h"
#include "support/test_media.h"

using namespace vigil;
using namespace vigil::ingest;

namespace {

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

using srttest::publish;

struct Rig {
  explicit Rig(ContributionInputOptions options = {}) : timeline(180000, 18000) {
    timeline.begin(nowUtcUs());
    input = std::make_unique<ContributionInput>("ch", "in", timeline, options);
  }
  ~Rig() { input->stop(); }
  void start() { QVERIFY(input->start(&collector)); }
  bool waitSessions(int64_t n, int timeoutMs = 15000) {
    return srttest::waitFor(
        [&] {
          const auto s = input->status();
          return s.sessions >= n && s.state == ContributionInputStatus::State::Waiting;
        },
        timeoutMs);
  }
  // Video pts strictly rising, on the timeline.
  void checkRising() {
    int64_t last = INT64_MIN;
    for (const auto& f : collector.frames()) {
      if (!f.video) continue;
      QVERIFY2(f.pts > last, qPrintable(QString("%1 after %2").arg(f.pts).arg(last)));
      last = f.pts;
    }
  }
  Timeline timeline;
  srttest::Collector collector;
  std::unique_ptr<ContributionInput> input;
};

}  // namespace

class TstBadInput : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QByteArray good_;  // 2 s, 320x180 H.264 + AAC

  QByteArray make(const QString& name, test::TestMedia m) {
    const QString path = dir_.filePath(name);
    QByteArray log;
    if (!test::makeTestMedia(path, m, &log)) qWarning() << log;
    return readFile(path);
  }
  static test::TestMedia ts(QStringList extra = {}) {
    test::TestMedia m;
    m.encode = QStringList{"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac"} + extra +
               QStringList{"-f", "mpegts"};
    return m;
  }

 private slots:
  void initTestCase() {
    good_ = make("good.ts", ts());
    QVERIFY(good_.size() > 10000);
  }

  void randomBytesAreRefusedWithAReasonAndTheNextPublisherPlays() {
    Rig rig;
    rig.start();
    QByteArray noise(3 << 20, '\0');
    std::mt19937 rng(7);
    for (auto& c : noise) c = static_cast<char>(rng());
    publish(*rig.input->publisherSink(), noise);
    QVERIFY(rig.waitSessions(1));
    auto s = rig.input->status();
    QCOMPARE(s.failedSessions, int64_t{1});
    QVERIFY2(s.lastError.find("garbage") != std::string::npos, s.lastError.c_str());
    QCOMPARE(rig.collector.videoCount(), 0);
    publish(*rig.input->publisherSink(), good_);
    QVERIFY(rig.waitSessions(2));
    QVERIFY(rig.collector.videoCount() >= 55);
  }

  void truncatedStreamDeliversWhatItHas() {
    Rig rig;
    rig.start();
    publish(*rig.input->publisherSink(), good_.left(good_.size() * 3 / 5 + 77));  // cut mid-packet
    QVERIFY(rig.waitSessions(1));
    QVERIFY2(rig.collector.videoCount() >= 25, qPrintable(QString::number(rig.collector.videoCount())));
    rig.checkRising();
  }

  void resolutionChangeAndTimestampsGoingBack() {
    Rig rig;
    rig.start();
    test::TestMedia big = ts();
    big.size = "640x360";
    // Two encodes one after the other in one session: the second restarts its
    // clock (backwards) and changes the picture size.
    publish(*rig.input->publisherSink(), good_ + make("big.ts", big));
    QVERIFY(rig.waitSessions(1));
    const auto s = rig.input->status();
    QVERIFY2(s.timestampJumps >= 1, "the jump back was noticed");
    QVERIFY2(rig.collector.videoCount() >= 110, qPrintable(QString::number(rig.collector.videoCount())));
    QCOMPARE(s.width, 640);
    rig.checkRising();
  }

  void timestampsWrappingAt2To33() {
    Rig rig;
    rig.start();
    // Starts 0.5 s before the 33-bit PTS wrap (95443.7 s).
    publish(*rig.input->publisherSink(), make("wrap.ts", ts({"-output_ts_offset", "95443.2"})));
    QVERIFY(rig.waitSessions(1));
    QVERIFY2(rig.collector.videoCount() >= 55, qPrintable(QString::number(rig.collector.videoCount())));
    rig.checkRising();
    // No gap: consecutive frames one slot apart.
    int64_t last = INT64_MIN;
    for (const auto& f : rig.collector.frames()) {
      if (!f.video) continue;
      if (last != INT64_MIN) QVERIFY2(f.pts - last <= 3000 * 2, qPrintable(QString::number(f.pts - last)));
      last = f.pts;
    }
  }

  void audioOnlyFeedIsRefusedWithAReason() {
    Rig rig;
    rig.start();
    publish(*rig.input->publisherSink(), make("audio.ts", ts({"-vn"})));
    QVERIFY(rig.waitSessions(1));
    const auto s = rig.input->status();
    QCOMPARE(s.failedSessions, int64_t{1});
    QVERIFY2(s.lastError.find("no video") != std::string::npos, s.lastError.c_str());
  }

  void videoOnlyFeedDeliversPictures() {
    Rig rig;
    rig.start();
    publish(*rig.input->publisherSink(), make("video.ts", ts({"-an"})));
    QVERIFY(rig.waitSessions(1));
    QVERIFY(rig.collector.videoCount() >= 55);
    for (const auto& f : rig.collector.frames()) QVERIFY(f.video);
  }

  // A feed at another rate than the channel's lands on the channel's frame grid.
  void otherFrameRatesLandOnTheChannelGrid_data() {
    QTest::addColumn<int>("fps");
    QTest::newRow("25 fps") << 25;
    QTest::newRow("60 fps") << 60;
  }
  void otherFrameRatesLandOnTheChannelGrid() {
    QFETCH(int, fps);
    ContributionInputOptions options;
    options.frameRateNum = 30;
    options.frameRateDen = 1;
    Rig rig(options);
    rig.start();
    test::TestMedia m = ts();
    m.fps = fps;
    publish(*rig.input->publisherSink(), make(QString("fps%1.ts").arg(fps), m));
    QVERIFY(rig.waitSessions(1));
    const int64_t start = rig.timeline.segmentStart90k(0);
    int video = 0;
    for (const auto& f : rig.collector.frames())
      if (f.video) {
        QVERIFY2((f.pts - start) % 3000 == 0, qPrintable(QString::number(f.pts)));
        ++video;
      }
    QVERIFY2(video >= std::min(fps, 30) * 2 - 5, qPrintable(QString::number(video)));  // 2 s of the slower rate
    rig.checkRising();
  }

  void codecChangeMidStreamNeverCrashes() {
    Rig rig;
    rig.start();
    test::TestMedia mpeg2;
    mpeg2.encode = QStringList{"-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts"};
    publish(*rig.input->publisherSink(), good_ + make("mpeg2.ts", mpeg2));
    QVERIFY(rig.waitSessions(1));
    const auto s = rig.input->status();
    QCOMPARE(s.codecChanges, int64_t{1});
    QVERIFY2(s.lastError.find("codec change") != std::string::npos, s.lastError.c_str());
    QVERIFY2(rig.collector.videoCount() >= 100, qPrintable(QString::number(rig.collector.videoCount())));  // both
    rig.checkRising();
    publish(*rig.input->publisherSink(), good_);  // and the input still works
    QVERIFY(rig.waitSessions(2));
  }
};

QTEST_GUILESS_MAIN(TstBadInput)
#include "tst_bad_input.moc"
