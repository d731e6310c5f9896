#include <QtTest>

#include "support/test_media.h"

#include <chrono>
#include <mutex>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

#include "core/clock.h"
#include "ingest/file_source.h"

using namespace vigil;

namespace {

struct Seen {
  bool video;
  int64_t pts;
  int nbSamples, sampleRate, channels, format;
};

class Collector : public ingest::FrameSink {
 public:
  void onVideoFrame(const AVFrame* f) override { add({true, f->pts, 0, 0, 0, f->format}); }
  void onAudioFrame(const AVFrame* f) override {
    add({false, f->pts, f->nb_samples, f->sample_rate, f->ch_layout.nb_channels, f->format});
  }
  void onEndOfStream() override { ended = true; }
  std::vector<Seen> frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::atomic<bool> ended{false};

 private:
  void add(Seen s) {
    std::lock_guard lock(mutex_);
    frames_.push_back(s);
  }
  std::mutex mutex_;
  std::vector<Seen> frames_;
};

}  // namespace

class TstFileSource : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString file_;

  std::vector<Seen> run(ingest::FileSource& source, Collector& sink) {
    if (!source.start(&sink).isOk()) return {};
    QElapsedTimer t;
    t.start();
    while (!sink.ended && t.elapsed() < 20000) QThread::msleep(5);
    source.stop();
    return sink.frames();
  }

 private slots:
  void initTestCase() {
    // 2 s at 25 fps with B-frames (reordered timestamps), 44.1 kHz mono AAC:
    // everything the source must normalise.
    file_ = dir_.filePath("input.mp4");
    QByteArray log;
    QVERIFY2(test::makeTestMedia(file_,
                                 {"320x240",
                                  25,
                                  44100,
                                  2,
                                  {"-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-c:a", "aac", "-ac", "1"}},
                                 &log),
             log.constData());
  }

  void opensAndDescribesTheFile() {
    Timeline timeline(180000, 18000);
    timeline.begin(nowUtcUs());
    ingest::FileSource source("fs", {file_.toStdString()}, timeline);
    QVERIFY(source.open().isOk());
    QCOMPARE(source.width(), 320);
    QCOMPARE(source.height(), 240);
    QCOMPARE(source.frameRateNum() / source.frameRateDen(), 25);
    QVERIFY(source.hasAudio());
    ingest::FileSource missing("fs", {dir_.filePath("nope.mp4").toStdString()}, timeline);
    QVERIFY(!missing.open().isOk());
  }

  void timestampsLandOnTheTimeline() {
    Timeline timeline(180000, 18000);
    timeline.resume({TimelinePeriod{0, 0, nowUtcUs() - 10'000'000}}, 6, nowUtcUs());
    const int64_t start = timeline.segmentStart90k(7);
    Collector sink;
    ingest::FileSource source("fs", {file_.toStdString()}, timeline);
    const auto frames = run(source, sink);
    QVERIFY(sink.ended);
    int64_t videoIndex = 0, samples = 0;
    for (const auto& f : frames) {
      if (f.video) {
        QCOMPARE(f.pts, start + videoIndex++ * 3600);  // 25 fps, in presentation order
      } else {
        QCOMPARE(f.sampleRate, 48000);
        QCOMPARE(f.channels, 2);
        QCOMPARE(f.format, int(AV_SAMPLE_FMT_FLTP));
        QVERIFY(f.nbSamples <= 1024);
        QCOMPARE(f.pts, start + samples * 90000 / 48000);  // contiguous from the first frame
        samples += f.nbSamples;
      }
    }
    QCOMPARE(videoIndex, int64_t{50});
    QVERIFY2(std::abs(samples - 96000) < 2048, qPrintable(QString::number(samples)));  // ~2 s of audio
  }

  void loopsContinueTheTimeline() {
    Timeline timeline(180000, 18000);
    timeline.begin(nowUtcUs());
    Collector sink;
    ingest::FileSource source("fs", {file_.toStdString(), false, true}, timeline, 5000);
    const auto frames = run(source, sink);
    QVERIFY(sink.ended);
    int64_t videoIndex = 0, audioEnd = 0;
    for (const auto& f : frames) {
      if (f.video) {
        QCOMPARE(f.pts, videoIndex++ * 3600);  // no gap, no repeat at the loop points
      } else {
        QVERIFY2(f.pts >= audioEnd, "audio overlaps at a loop point");
        audioEnd = f.pts + f.nbSamples * 90000 / 48000;
      }
    }
    QCOMPARE(videoIndex, int64_t{125});  // 5 s over 2.5 loops
    QVERIFY(audioEnd > 4 * 90000);
  }
};

QTEST_GUILESS_MAIN(TstFileSource)
#include "tst_file_source.moc"
