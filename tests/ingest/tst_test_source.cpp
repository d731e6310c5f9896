#include <QtTest>

#include <chrono>
#include <mutex>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libavutil/samplefmt.h>
}

#include "core/clock.h"
#include "core/media_types.h"
#include "ingest/test_source.h"

using namespace vigil;

namespace {

struct Delivered {
  bool video;
  int64_t pts;
  int64_t wallUs;  // when the sink saw it
  int width, height, format, nbSamples, sampleRate, channels;
};

class Collector : public ingest::FrameSink {
 public:
  void onVideoFrame(const AVFrame* f) override { add(true, f); }
  void onAudioFrame(const AVFrame* f) override { add(false, f); }
  void onEndOfStream() override {
    std::lock_guard lock(mutex);
    ++ends;
  }
  std::vector<Delivered> snapshot() {
    std::lock_guard lock(mutex);
    return frames;
  }
  int endCount() {
    std::lock_guard lock(mutex);
    return ends;
  }

 private:
  void add(bool video, const AVFrame* f) {
    std::lock_guard lock(mutex);
    frames.push_back({video, f->pts, nowUtcUs(), f->width, f->height, f->format, f->nb_samples, f->sample_rate,
                      f->ch_layout.nb_channels});
  }
  std::mutex mutex;
  std::vector<Delivered> frames;
  int ends = 0;
};

// A timeline whose current period starts at segment 42, so "absolute" and
// "relative to the start" differ.
Timeline resumedTimeline(int64_t startUtcUs) {
  Timeline t(180000, 18000);
  t.resume({TimelinePeriod{0, 0, startUtcUs - 100'000'000}}, 41, startUtcUs);
  return t;
}

bool waitFor(const std::function<bool()>& cond, int timeoutMs) {
  QElapsedTimer timer;
  timer.start();
  while (!cond()) {
    if (timer.elapsed() > timeoutMs) return false;
    QThread::msleep(5);
  }
  return true;
}

}  // namespace

class TstTestSource : public QObject {
  Q_OBJECT
 private slots:
  void timestampsAreExactOnTheTimeline() {
    Timeline timeline = resumedTimeline(nowUtcUs());
    const int64_t start = timeline.segmentStart90k(42);
    TestSourceSpec spec;
    spec.realtime = false;
    Collector sink;
    ingest::TestSource source("tsrc", spec, timeline, 1000);
    QVERIFY(source.start(&sink).isOk());
    QVERIFY(waitFor([&] { return sink.endCount() == 1; }, 20000));
    source.stop();

    const auto frames = sink.snapshot();
    int64_t videoIndex = 0, samples = 0, lastPts = INT64_MIN;
    for (const auto& f : frames) {
      QVERIFY2(f.pts >= lastPts, "frames must be delivered in pts order");
      lastPts = f.pts;
      if (f.video) {
        QCOMPARE(f.pts, start + videoIndex * 3000);  // 30 fps: 3000 ticks
        QCOMPARE(f.width, 640);
        QCOMPARE(f.height, 360);
        QCOMPARE(f.format, int(AV_PIX_FMT_YUV420P));
        ++videoIndex;
      } else {
        QCOMPARE(f.nbSamples, ingest::TestSource::kAudioFrameSamples);
        QCOMPARE(f.pts, start + samples * 90000 / 48000);
        QCOMPARE(f.sampleRate, 48000);
        QCOMPARE(f.channels, 2);
        QCOMPARE(f.format, int(AV_SAMPLE_FMT_FLTP));
        samples += f.nbSamples;
      }
    }
    QCOMPARE(videoIndex, int64_t{30});      // 1 s of content at 30 fps
    QCOMPARE(samples, int64_t{47 * 1024});  // AAC frames starting before 1 s
    QCOMPARE(sink.endCount(), 1);
  }

  void realtimeFollowsTheWallClock() {
    const int64_t startUtc = nowUtcUs() + 200'000;
    Timeline timeline = resumedTimeline(startUtc);
    TestSourceSpec spec;
    spec.realtime = true;
    Collector sink;
    ingest::TestSource source("tsrc", spec, timeline, 1000);
    QVERIFY(source.start(&sink).isOk());
    QVERIFY(waitFor([&] { return sink.endCount() == 1; }, 5000));
    source.stop();
    const auto frames = sink.snapshot();
    QVERIFY(frames.size() > 70);
    int late = 0;
    for (const auto& f : frames) {
      const int64_t due = timeline.utcUsAt(f.pts);
      QVERIFY2(f.wallUs >= due - 2000, "a frame was delivered before its capture time");
      if (f.wallUs - due > 50'000) ++late;
    }
    QVERIFY2(late <= int(frames.size()) / 20, "more than 5% of the frames were over 50 ms late");
    // The last frame (pts just under 1 s) is delivered about 1 s after the start.
    const int64_t span = frames.back().wallUs - startUtc;
    QVERIFY2(span > 900'000 && span < 1'300'000, qPrintable(QString::number(span)));
  }

  void stopIsPromptEvenWhileWaiting() {
    // The first frame is due in 10 s: the thread is asleep when stop() comes.
    Timeline timeline = resumedTimeline(nowUtcUs() + 10'000'000);
    TestSourceSpec spec;
    Collector sink;
    ingest::TestSource source("tsrc", spec, timeline);
    QVERIFY(source.start(&sink).isOk());
    QThread::msleep(100);
    QElapsedTimer timer;
    timer.start();
    source.stop();
    QVERIFY2(timer.elapsed() < 200, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(sink.snapshot().empty());
    QCOMPARE(sink.endCount(), 0);  // stop() is not an end of stream
  }

  void stopMidStreamDeliversNothingAfterwards() {
    Timeline timeline = resumedTimeline(nowUtcUs());
    Collector sink;
    ingest::TestSource source("tsrc", TestSourceSpec{}, timeline);
    QVERIFY(source.start(&sink).isOk());
    QVERIFY(waitFor([&] { return sink.snapshot().size() > 10; }, 3000));
    QElapsedTimer timer;
    timer.start();
    source.stop();
    QVERIFY(timer.elapsed() < 200);
    const size_t n = sink.snapshot().size();
    QThread::msleep(100);
    QCOMPARE(sink.snapshot().size(), n);
  }

  void rejectsATimelineWithoutAPeriod() {
    Collector sink;
    ingest::TestSource source("tsrc", TestSourceSpec{}, Timeline(180000, 18000));
    QVERIFY(!source.start(&sink).isOk());
  }
};

QTEST_GUILESS_MAIN(TstTestSource)
#include "tst_test_source.moc"
