// The keyframe indicator turns red on a rendition that breaks the keyframe
// contract. The engine never does, so the stream here comes from the ffmpeg
// CLI with its IDRs three frames after each segment boundary, cut into 200 ms
// fragments, published through a real ChannelPackager and served by a real
// Origin: the probe meets it exactly as it would meet a faulty engine.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "confidence/confidence_monitor.h"
#include "confidence/rendition_probe.h"
#include "core/clock.h"
#include "core/media_types.h"
#include "core/timeline.h"
#include "origin/origin.h"
#include "package/channel_packager.h"

using namespace vigil;

namespace {

constexpr int kSegmentMs = 2000;
constexpr int kPartMs = 200;
constexpr int kPartsPerSegment = kSegmentMs / kPartMs;
constexpr int kSegments = 3;

uint64_t readBoxSize(const QByteArray& data, qsizetype at) {
  uint64_t size = 0;
  for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<uint8_t>(data[at + i]);
  if (size == 1)
    for (int i = 8; i < 16; ++i) size = (size << 8) | static_cast<uint8_t>(data[at + i]);
  return size;
}

// A fragmented MP4 file as its init segment and its fragments (moof + mdat).
bool splitFragments(const QByteArray& file, std::string& init, std::vector<std::string>& fragments) {
  qsizetype at = 0;
  std::string current;
  while (at + 8 <= file.size()) {
    const uint64_t size = readBoxSize(file, at);
    if (size < 8 || at + static_cast<qsizetype>(size) > file.size()) return false;
    const QByteArray type = file.mid(at + 4, 4);
    const std::string box(file.constData() + at, size);
    if (type == "ftyp" || type == "moov") {
      init += box;
    } else if (type == "moof") {
      current = box;
    } else if (type == "mdat") {
      fragments.push_back(current + box);
      current.clear();
    }
    at += static_cast<qsizetype>(size);
  }
  return !init.empty() && !fragments.empty();
}

}  // namespace

class TestConfidenceContract : public QObject {
  Q_OBJECT

 private slots:
  void indicatorFollowsTheStream_data() {
    QTest::addColumn<int>("idrOffsetFrames");
    QTest::addColumn<int>("timestampOffsetMs");
    QTest::newRow("aligned") << 0 << 0;
    QTest::newRow("IDR three frames late") << 3 << 0;
    QTest::newRow("IDR at the boundary, timestamps 100 ms off") << 0 << 100;
  }

  void indicatorFollowsTheStream() {
    QFETCH(int, idrOffsetFrames);
    QFETCH(int, timestampOffsetMs);
    QTemporaryDir dir;
    const QString path = dir.filePath("misaligned.mp4");
    QProcess ff;
    ff.setProcessChannelMode(QProcess::MergedChannels);
    // 30 fps, 60 frames a segment: IDRs at frame 0 and at 60 k + offset;
    // timestamps kept as set (no edit list, no shift to zero).
    ff.start("ffmpeg", {"-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=size=320x180:rate=30",
                        "-t",
                        QString::number(kSegments * kSegmentMs / 1000),
                        "-vf",
                        QStringLiteral("setpts=PTS+%1/TB").arg(timestampOffsetMs / 1000.0),
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-pix_fmt",
                        "yuv420p",
                        "-g",
                        "1000",
                        "-sc_threshold",
                        "0",
                        "-force_key_frames",
                        QStringLiteral("expr:eq(n,0)+eq(mod(n,60),%1)").arg(idrOffsetFrames),
                        "-video_track_timescale",
                        "90000",
                        "-frag_duration",
                        QString::number(kPartMs * 1000),
                        "-movflags",
                        "empty_moov+default_base_moof+frag_discont",
                        "-use_editlist",
                        "0",
                        "-avoid_negative_ts",
                        "make_non_negative",
                        "-y",
                        path});
    QVERIFY(ff.waitForFinished(60000));
    QVERIFY2(ff.exitCode() == 0, ff.readAll().constData());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    std::string init;
    std::vector<std::string> fragments;
    QVERIFY(splitFragments(file.readAll(), init, fragments));
    QCOMPARE(fragments.size(), size_t{kSegments * kPartsPerSegment});

    // A real packager and origin; segments 0..2 lie in the past.
    PackagingSpec spec;
    spec.segmentDurationMs = kSegmentMs;
    spec.partDurationMs = kPartMs;
    spec.partHoldBackMs = 3 * kPartMs;
    Timeline timeline(int64_t{kSegmentMs} * 90, int64_t{kPartMs} * 90);
    timeline.begin(nowUtcUs() - int64_t{kSegments} * kSegmentMs * 1000);
    auto packager = std::make_shared<package::ChannelPackager>("bad", spec, timeline, std::vector<std::string>{"v0"});
    CmafInit cmafInit;
    cmafInit.rendition.id = "v0";
    cmafInit.rendition.kind = TrackKind::Video;
    cmafInit.rendition.codecs = "avc1.42c00d";
    cmafInit.rendition.bitrateBps = 300'000;
    cmafInit.rendition.peakBitrateBps = 300'000;
    cmafInit.rendition.timescale = 90000;
    cmafInit.rendition.width = 320;
    cmafInit.rendition.height = 180;
    cmafInit.rendition.frameRate = 30;
    cmafInit.bytes = makeBytes(init);
    packager->onInit(cmafInit);
    for (size_t i = 0; i < fragments.size(); ++i) {
      CmafPart part;
      part.renditionId = "v0";
      part.segmentNumber = static_cast<int64_t>(i) / kPartsPerSegment;
      part.partIndex = static_cast<int>(i % kPartsPerSegment);
      part.startTime90k = static_cast<int64_t>(i) * kPartMs * 90;
      part.duration90k = int64_t{kPartMs} * 90;
      // Honest: a part is independent when it starts with an IDR.
      part.independent = i == 0 || (idrOffsetFrames == 0 && part.partIndex == 0);
      part.lastInSegment = part.partIndex == kPartsPerSegment - 1;
      part.bytes = makeBytes(fragments[i]);
      packager->onPart(part);
    }
    origin::OriginConfig cfg;
    cfg.listenAddress = "127.0.0.1";
    cfg.port = 0;
    cfg.ioThreads = 1;
    origin::Origin origin(cfg);
    QVERIFY(origin.start().isOk());
    QVERIFY(origin.addChannel(packager));
    const QString master = QStringLiteral("http://127.0.0.1:%1/live/bad/master.m3u8").arg(origin.port());

    ui::ConfidenceMonitor monitor;
    monitor.setSource(master, QStringLiteral("v0"), 300'000);
    monitor.start();
    // Aligned, the probe starts at the newest segment (closest to the live
    // edge); misaligned, only segment 0 is an independent start.
    const uint64_t expectChecked = idrOffsetFrames == 0 ? 1 : kSegments;
    QTRY_VERIFY_WITH_TIMEOUT(monitor.stats().segmentsChecked >= expectChecked, 10000);
    const auto s = monitor.stats();
    QVERIFY(s.framesDecoded > 0);
    QCOMPARE(s.lastExpectedPts90k, s.lastCheckedMsn * kSegmentMs * 90);
    if (idrOffsetFrames == 0 && timestampOffsetMs == 0) {
      QVERIFY2(s.segmentsMisaligned == 0, s.alignmentDetail.c_str());
      QVERIFY(s.lastSegmentAligned);
      QCOMPARE(s.lastIdrPts90k, s.lastExpectedPts90k);
      QTRY_COMPARE_WITH_TIMEOUT(monitor.alignment(), ui::ConfidenceMonitor::Alignment::Aligned, 2000);
    } else if (idrOffsetFrames == 0) {
      QCOMPARE(s.segmentsMisaligned, s.segmentsChecked);
      QCOMPARE(s.lastIdrPts90k, s.lastExpectedPts90k + timestampOffsetMs * 90);
      QVERIFY2(s.alignmentDetail.find("an IDR at PTS") != std::string::npos, s.alignmentDetail.c_str());
      QTRY_COMPARE_WITH_TIMEOUT(monitor.alignment(), ui::ConfidenceMonitor::Alignment::Misaligned, 2000);
    } else {
      // Segment 0 is right; every later one starts before its IDR.
      QCOMPARE(s.segmentsMisaligned, s.segmentsChecked - 1);
      QVERIFY(!s.lastSegmentAligned);
      QVERIFY2(s.alignmentDetail.find("not an IDR") != std::string::npos, s.alignmentDetail.c_str());
      QTRY_COMPARE_WITH_TIMEOUT(monitor.alignment(), ui::ConfidenceMonitor::Alignment::Misaligned, 2000);
    }
    qInfo("%s", s.alignmentDetail.empty() ? "aligned" : s.alignmentDetail.c_str());
    monitor.stop();
    origin.stop();
  }
};

QTEST_MAIN(TestConfidenceContract)
#include "tst_confidence_contract.moc"
