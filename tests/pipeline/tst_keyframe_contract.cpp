// The keyframe contract (DESIGN.md 2) end to end: the test source through the
// demo ladder into CMAF parts, checked from the bytes and by the real ffprobe.
#include <QtTest>

#include <chrono>
#include <set>

#include "collecting_sink.h"
#include "core/channel_spec.h"
#include "core/clock.h"
#include "ingest/test_source.h"
#include "pipeline/pipeline.h"

using namespace vigil;

namespace {

constexpr int64_t kFirstSegment = 42;  // a resumed timeline: absolute != relative to the start
constexpr int kContentMs = 8000;
constexpr int64_t kFullSegments = 4;  // 8 s of 2 s segments

struct ProbedPacket {
  int64_t pts;
  bool key;
};

// ffprobe's view of one file: the packets of its first stream.
std::vector<ProbedPacket> probePackets(const QString& path, QString* errors) {
  QProcess p;
  p.start("ffprobe", {"-v", "error", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", path});
  if (!p.waitForFinished(30000) || p.exitCode() != 0) {
    *errors = "ffprobe failed: " + QString::fromUtf8(p.readAllStandardError());
    return {};
  }
  *errors = QString::fromUtf8(p.readAllStandardError()).trimmed();
  std::vector<ProbedPacket> out;
  for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
    const auto fields = line.trimmed().split(',');
    if (fields.size() < 2) continue;
    out.push_back({fields[0].toLongLong(), fields[1].contains('K')});
  }
  return out;
}

int decodedFrames(const QString& path, QString* errors) {
  QProcess p;
  p.start("ffprobe", {"-v", "error", "-show_entries", "frame=pts", "-of", "csv=p=0", path});
  if (!p.waitForFinished(30000) || p.exitCode() != 0) return -1;
  *errors = QString::fromUtf8(p.readAllStandardError()).trimmed();
  return p.readAllStandardOutput().trimmed().split('\n').size();
}

}  // namespace

class TstKeyframeContract : public QObject {
  Q_OBJECT

  Timeline timeline_{180000, 18000};
  ChannelSpec spec_;
  testing::CollectingPartSink sink_;
  QTemporaryDir dir_;  // VIGIL_KEEP_SEGMENTS=1 keeps it for inspection

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    if (qEnvironmentVariableIsSet("VIGIL_KEEP_SEGMENTS")) {
      dir_.setAutoRemove(false);
      qInfo("segments in %s", qPrintable(dir_.path()));
    }
    const int64_t start = nowUtcUs();
    timeline_.resume({TimelinePeriod{0, 0, start - 100'000'000}}, kFirstSegment - 1, start);
    QCOMPARE(timeline_.current().firstSegment, kFirstSegment);

    spec_.id = "kf";
    spec_.source.realtime = false;  // as fast as possible: the pipeline blocks instead of dropping
    spec_.video = demoLadder();
    QCOMPARE(spec_.video.size(), size_t{3});

    pipeline::Pipeline pipeline(spec_.id, spec_, timeline_, &sink_);
    QVERIFY2(pipeline.start().isOk(), "pipeline start");
    testing::EndWatch watch(&pipeline);
    ingest::TestSource source(spec_.id, spec_.source, timeline_, kContentMs);
    QVERIFY(source.start(&watch).isOk());
    QElapsedTimer timer;
    timer.start();
    while (!watch.ended && timer.elapsed() < 60000) QThread::msleep(10);
    QVERIFY(watch.ended);
    source.stop();
    pipeline.stop();
    const double wallS = timer.elapsed() / 1000.0;
    for (const auto& s : pipeline.stats()) {
      qInfo("%s: %llu frames in, %llu out, %llu parts, %llu bytes, %llu dropped, encode %.0f fps", s.id.c_str(),
            (unsigned long long)s.framesIn, (unsigned long long)s.framesOut, (unsigned long long)s.partsOut,
            (unsigned long long)s.bytesOut, (unsigned long long)s.droppedFrames, s.encodeFps);
      QCOMPARE(s.droppedFrames, uint64_t{0});
      QCOMPARE(s.queueDepth, size_t{0});
    }
    qInfo("8 s of content through the 3-rung ladder in %.2f s wall (%.1fx real time)", wallS,
          kContentMs / 1000.0 / wallS);
  }

  void everyRenditionHasAnInitFirst() {
    const auto inits = sink_.inits();
    QCOMPARE(inits.size(), spec_.video.size() + 1);
    QVERIFY(!sink_.partBeforeInit());
    for (const auto& v : spec_.video) {
      QVERIFY(inits.count(v.id));
      const RenditionInfo& r = inits.at(v.id).rendition;
      QCOMPARE(r.kind, TrackKind::Video);
      QCOMPARE(r.width, v.width);
      QCOMPARE(r.height, v.height);
      QCOMPARE(r.timescale, 90000);
      QCOMPARE(r.bitrateBps, v.bitrateBps);
      // The peak is what the VBV lets a whole segment reach, above the target.
      QCOMPARE(r.peakBitrateBps, videoRateControl(v, timeline_.segmentDuration90k()).segmentPeakBps);
      QVERIFY(r.peakBitrateBps > v.bitrateBps);
      // The profile in the codecs string comes from the SPS the encoder wrote.
      const std::string profile = v.profile == "baseline" ? "42" : v.profile == "main" ? "4d" : "64";
      QVERIFY2(r.codecs.rfind("avc1." + profile, 0) == 0, r.codecs.c_str());
      QCOMPARE(r.codecs.size(), size_t{11});
      QVERIFY(inits.at(v.id).bytes->find("moov") != std::string::npos);
    }
    const RenditionInfo& a = inits.at(spec_.audio.id).rendition;
    QCOMPARE(a.kind, TrackKind::Audio);
    QCOMPARE(a.codecs, std::string("mp4a.40.2"));
    QCOMPARE(a.timescale, 48000);
    QCOMPARE(a.sampleRate, 48000);
    QCOMPARE(a.channels, 2);
  }

  void partsAreNumberedFromTheirTime() {
    const auto all = sink_.parts();
    QCOMPARE(all.size(), spec_.video.size() + 1);
    for (const auto& [id, parts] : all) {
      const bool video = id != spec_.audio.id;
      QVERIFY(!parts.empty());
      std::map<int64_t, int> perSegment;
      for (size_t i = 0; i < parts.size(); ++i) {
        const CmafPart& p = parts[i];
        QCOMPARE(p.renditionId, id);
        QCOMPARE(p.segmentNumber, timeline_.segmentNumberAt(p.startTime90k));
        QCOMPARE(p.partIndex, timeline_.partIndexAt(p.startTime90k));
        if (i > 0) QCOMPARE(p.startTime90k, parts[i - 1].startTime90k + parts[i - 1].duration90k);  // contiguous
        const int64_t boundary = timeline_.partStart90k(p.segmentNumber, p.partIndex);
        if (video) {
          QCOMPARE(p.startTime90k, boundary);  // 30 fps: parts are exactly 6 frames
          QCOMPARE(p.duration90k, int64_t{18000});
          QCOMPARE(p.independent, p.partIndex == 0);
        } else {
          // Audio is cut at the first AAC frame at or after the boundary.
          QVERIFY(p.startTime90k >= boundary && p.startTime90k < boundary + 1920);
          QVERIFY(p.independent);
        }
        QCOMPARE(p.lastInSegment, p.partIndex == timeline_.partsPerSegment() - 1);
        ++perSegment[p.segmentNumber];
      }
      QCOMPARE(parts.front().startTime90k, timeline_.segmentStart90k(kFirstSegment));
      for (int64_t k = kFirstSegment; k < kFirstSegment + kFullSegments; ++k)
        QCOMPARE(perSegment[k], timeline_.partsPerSegment());
    }
  }

  void tfdtIsAbsoluteTimelineTime() {
    for (const auto& [id, parts] : sink_.parts()) {
      const bool video = id != spec_.audio.id;
      for (const CmafPart& p : parts) {
        const auto tfdt = testing::readTfdt(*p.bytes);
        QVERIFY2(tfdt.has_value(), "no tfdt in a part");
        const int64_t expected = video ? p.startTime90k : p.startTime90k * 48000 / 90000;
        QCOMPARE(int64_t(*tfdt), expected);
      }
    }
  }

  void ffprobeSeesOneKeyframeAtEachSegmentStart() {
    const auto inits = sink_.inits();
    const auto all = sink_.parts();
    std::map<int64_t, std::set<int64_t>> keyframesBySegment;  // segment -> keyframe pts over renditions
    for (const auto& v : spec_.video) {
      for (int64_t k = kFirstSegment; k < kFirstSegment + kFullSegments; ++k) {
        const QString path = dir_.filePath(QString("%1_%2.mp4").arg(QString::fromStdString(v.id)).arg(k));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(inits.at(v.id).bytes->data(), qint64(inits.at(v.id).bytes->size()));
        for (const CmafPart& p : all.at(v.id))
          if (p.segmentNumber == k) f.write(p.bytes->data(), qint64(p.bytes->size()));
        f.close();

        QString errors;
        const auto packets = probePackets(path, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors));
        QCOMPARE(packets.size(), size_t{60});                         // 2 s at 30 fps
        QCOMPARE(packets.front().pts, timeline_.segmentStart90k(k));  // absolute, from tfdt
        QVERIFY2(packets.front().key, "segment does not start with a keyframe");
        for (size_t i = 1; i < packets.size(); ++i) {
          QVERIFY2(!packets[i].key, qPrintable(QString("extra keyframe at pts %1").arg(packets[i].pts)));
          QCOMPARE(packets[i].pts, packets[i - 1].pts + 3000);
        }
        keyframesBySegment[k].insert(packets.front().pts);
      }
    }
    for (const auto& [k, pts] : keyframesBySegment) QCOMPARE(pts.size(), size_t{1});  // identical across rungs
  }

  void audioSegmentsDecode() {
    const auto& id = spec_.audio.id;
    const CmafInit init = sink_.inits().at(id);
    const auto parts = sink_.parts().at(id);
    for (int64_t k = kFirstSegment; k < kFirstSegment + kFullSegments; ++k) {
      const QString path = dir_.filePath(QString("a_%1.mp4").arg(k));
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(init.bytes->data(), qint64(init.bytes->size()));
      int64_t samples = 0;
      for (const CmafPart& p : parts)
        if (p.segmentNumber == k) {
          f.write(p.bytes->data(), qint64(p.bytes->size()));
          samples += p.duration90k * 48000 / 90000;
        }
      f.close();
      QString errors;
      const int frames = decodedFrames(path, &errors);
      QVERIFY2(errors.isEmpty(), qPrintable(errors));
      QCOMPARE(int64_t(frames) * 1024, samples);  // every AAC frame of the segment decodes
      QVERIFY(frames >= 93 && frames <= 94);      // 2 s = 93.75 AAC frames
    }
  }
};

QTEST_GUILESS_MAIN(TstKeyframeContract)
#include "tst_keyframe_contract.moc"
