// Pipeline behaviour beyond the keyframe contract: determinism, part latency
// in real time, the flushed last part, frame-rate reduction, overload.
#include <QtTest>

#include "support/test_media.h"
#include "support/wait_for.h"

#include <algorithm>
#include <chrono>

#include "collecting_sink.h"
#include "core/channel_spec.h"
#include "core/clock.h"
#include "ingest/file_source.h"
#include "ingest/test_source.h"
#include "pipeline/pipeline.h"

using namespace vigil;

namespace {

ChannelSpec channel(bool realtime) {
  ChannelSpec spec;
  spec.id = "pl";
  spec.source.realtime = realtime;
  spec.video = demoLadder();
  return spec;
}

Timeline startedTimeline(int64_t startUtcUs) {
  Timeline t(180000, 18000);
  t.begin(startUtcUs);
  return t;
}

// Feeds one source into several sinks (two pipelines see identical frames).
class Tee : public ingest::FrameSink {
 public:
  explicit Tee(std::vector<ingest::FrameSink*> sinks) : sinks_(std::move(sinks)) {}
  void onVideoFrame(const AVFrame* f) override {
    for (auto* s : sinks_) s->onVideoFrame(f);
  }
  void onAudioFrame(const AVFrame* f) override {
    for (auto* s : sinks_) s->onAudioFrame(f);
  }
  void onEndOfStream() override {
    for (auto* s : sinks_) s->onEndOfStream();
  }

 private:
  std::vector<ingest::FrameSink*> sinks_;
};

// Records the wall clock at which each part arrives.
class TimingSink : public testing::CollectingPartSink {
 public:
  void onPart(CmafPart part) override {
    {
      std::lock_guard lock(mutex_);
      arrivals_.push_back({part.renditionId, part.startTime90k + part.duration90k, nowUtcUs()});
    }
    CollectingPartSink::onPart(std::move(part));
  }
  struct Arrival {
    std::string id;
    int64_t end90k;
    int64_t wallUs;
  };
  std::vector<Arrival> arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Arrival> arrivals_;
};

// Forwards the frames before a part boundary, nine parts after the first
// video frame, and nothing after it, not even the end of the stream: a part
// that waited for a later frame (or for the end) would never come.
class GateAtPart : public ingest::FrameSink {
 public:
  GateAtPart(ingest::FrameSink* next, int64_t part90k) : next_(next), part90k_(part90k) {}
  void onVideoFrame(const AVFrame* f) override {
    if (cutoff90k_ < 0) cutoff90k_ = (f->pts / part90k_ + 9) * part90k_;
    if (f->pts < cutoff90k_) next_->onVideoFrame(f);
  }
  void onAudioFrame(const AVFrame* f) override {
    if (cutoff90k_ >= 0 && f->pts < cutoff90k_) next_->onAudioFrame(f);
  }
  void onEndOfStream() override {}
  int64_t cutoff90k() const { return cutoff90k_; }

 private:
  ingest::FrameSink* next_;
  const int64_t part90k_;
  int64_t cutoff90k_ = -1;  // the source's thread only
};

bool runToEnd(ingest::TestSource& source, ingest::FrameSink* sink, int timeoutMs) {
  testing::EndWatch watch(sink);
  if (!source.start(&watch).isOk()) return false;
  QElapsedTimer timer;
  timer.start();
  while (!watch.ended && timer.elapsed() < timeoutMs) QThread::msleep(5);
  source.stop();
  return watch.ended;
}

}  // namespace

class TstPipeline : public QObject {
  Q_OBJECT
 private slots:
  void twoPipelinesProduceIdenticalBytes() {
    const ChannelSpec spec = channel(false);
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink a, b;
    pipeline::Pipeline pa(spec.id, spec, timeline, &a), pb(spec.id, spec, timeline, &b);
    QVERIFY(pa.start().isOk());
    QVERIFY(pb.start().isOk());
    Tee tee({&pa, &pb});
    ingest::TestSource source(spec.id, spec.source, timeline, 4000);
    QVERIFY(runToEnd(source, &tee, 30000));
    pa.stop();
    pb.stop();
    const auto partsA = a.parts(), partsB = b.parts();
    QCOMPARE(partsA.size(), size_t{4});
    for (const auto& [id, list] : partsA) {
      QCOMPARE(list.size(), partsB.at(id).size());
      for (size_t i = 0; i < list.size(); ++i)
        QVERIFY2(*list[i].bytes == *partsB.at(id)[i].bytes, qPrintable(QString::fromStdString(id)));
      QVERIFY(*a.inits().at(id).bytes == *b.inits().at(id).bytes);
    }
  }

  void partsAreEmittedAsSoonAsEncodedInRealtime() {
    const ChannelSpec spec = channel(true);
    const Timeline timeline = startedTimeline(nowUtcUs() + 300'000);
    TimingSink sink;
    pipeline::Pipeline p(spec.id, spec, timeline, &sink);
    QVERIFY(p.start().isOk());
    GateAtPart gate(&p, timeline.partDuration90k());
    ingest::TestSource source(spec.id, spec.source, timeline, 3000);
    QVERIFY(runToEnd(source, &gate, 10000));
    // The source ran on for 1.2 s past the gate: every rendition's part that
    // ends there came out without a later frame.
    const auto arrivals = sink.arrivals();
    p.stop();
    std::vector<int64_t> videoLatencyUs;  // after the capture of the part's last frame
    for (const auto& a : arrivals) {
      if (a.id == spec.audio.id) continue;
      QVERIFY(a.end90k <= gate.cutoff90k());
      videoLatencyUs.push_back(a.wallUs - timeline.utcUsAt(a.end90k - 3000));
    }
    QCOMPARE(videoLatencyUs.size(), size_t{3 * 9});
    std::sort(videoLatencyUs.begin(), videoLatencyUs.end());
    const int64_t median = videoLatencyUs[videoLatencyUs.size() / 2];
    const int64_t p90 = videoLatencyUs[videoLatencyUs.size() * 9 / 10];
    qInfo("video part emission after its last frame's capture: median %.1f ms, p90 %.1f ms, max %.1f ms",
          median / 1000.0, p90 / 1000.0, videoLatencyUs.back() / 1000.0);
    QVERIFY2(median < 33'000 * test::kRealtimeSlack, "median part latency is more than a frame");
    for (const auto& s : p.stats()) QCOMPARE(s.droppedFrames, uint64_t{0});
  }

  void stopEmitsThePartialLastPart() {
    const ChannelSpec spec = channel(false);
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink sink;
    pipeline::Pipeline p(spec.id, spec, timeline, &sink);
    QVERIFY(p.start().isOk());
    ingest::TestSource source(spec.id, spec.source, timeline, 1100);  // 33 frames: 5 parts + 3 frames
    QVERIFY(runToEnd(source, &p, 10000));
    p.stop();
    for (const auto& v : spec.video) {
      const auto parts = sink.parts().at(v.id);
      QCOMPARE(parts.size(), size_t{6});
      QCOMPARE(parts.back().partIndex, 5);
      QCOMPARE(parts.back().duration90k, int64_t{9000});
      QVERIFY(parts.back().lastInSegment);  // nothing more will come for this segment
      QVERIFY(!parts[4].lastInSegment);
    }
  }

  void lowerFrameRateRungsKeepTheBoundaryFrames() {
    ChannelSpec spec = channel(false);
    spec.video[2].frameRateNum = 15;  // 320x180 at half the source rate
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink sink;
    pipeline::Pipeline p(spec.id, spec, timeline, &sink);
    QVERIFY(p.start().isOk());
    ingest::TestSource source(spec.id, spec.source, timeline, 4000);
    QVERIFY(runToEnd(source, &p, 20000));
    p.stop();
    QCOMPARE(sink.inits().at("v2").rendition.frameRate, 15.0);
    const auto half = sink.parts().at("v2");
    const auto full = sink.parts().at("v1");
    QCOMPARE(half.size(), full.size());
    for (size_t i = 0; i < half.size(); ++i) {
      QCOMPARE(half[i].startTime90k, full[i].startTime90k);
      QCOMPARE(half[i].duration90k, int64_t{18000});  // 3 frames of 6000 ticks
      QCOMPARE(half[i].independent, full[i].independent);
      QCOMPARE(testing::readTfdt(*half[i].bytes).value_or(0), uint64_t(half[i].startTime90k));
    }
    for (const auto& s : p.stats())
      if (s.id == "v2") QCOMPARE(s.framesOut, uint64_t{60});
  }

  void rejectsARateThatDoesNotDivideTheSource() {
    ChannelSpec spec = channel(false);
    spec.video[1].frameRateNum = 20;
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink sink;
    pipeline::Pipeline p(spec.id, spec, timeline, &sink);
    const Status s = p.start();
    QVERIFY(!s.isOk());
    QVERIFY2(s.message().find("does not divide") != std::string::npos, s.message().c_str());
  }

  void levelComesFromTheSpecAndShowsInTheCodecs() {
    ChannelSpec spec = channel(false);
    spec.video[0].level = "3.1";
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink sink;
    {
      pipeline::Pipeline p(spec.id, spec, timeline, &sink);
      QVERIFY(p.start().isOk());
      p.stop();  // no frame: inits only, no part
    }
    QCOMPARE(sink.inits().at("v0").rendition.codecs, std::string("avc1.4d401f"));
    QVERIFY(sink.parts().empty());
    spec.video[0].level = "high";
    pipeline::Pipeline bad(spec.id, spec, timeline, &sink);
    QVERIFY(!bad.start().isOk());
  }

  void ladderFromAFileAsFastAsPossible() {
    QTemporaryDir dir;
    const QString file = dir.filePath("in.mp4");
    QByteArray log;
    QVERIFY2(
        test::makeTestMedia(
            file, {"1280x720", 30, 48000, 6, {"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2"}},
            &log),
        log.constData());

    ChannelSpec spec = channel(false);
    const Timeline timeline = startedTimeline(nowUtcUs());
    ingest::FileSource source(spec.id, {file.toStdString()}, timeline);
    QVERIFY(source.open().isOk());
    spec.source.width = source.width();
    spec.source.height = source.height();
    spec.source.frameRateNum = source.frameRateNum();
    spec.source.frameRateDen = source.frameRateDen();
    testing::CollectingPartSink sink;
    pipeline::Pipeline p(spec.id, spec, timeline, &sink);
    QVERIFY(p.start().isOk());
    QElapsedTimer timer;
    timer.start();
    testing::EndWatch watch(&p);
    QVERIFY(source.start(&watch).isOk());
    while (!watch.ended && timer.elapsed() < 60000) QThread::msleep(5);
    source.stop();
    p.stop();
    const double wallS = timer.elapsed() / 1000.0;
    qInfo("6 s of 720p30 file -> decode + 3-rung ladder + AAC in %.2f s wall (%.1fx real time)", wallS, 6 / wallS);
    for (const auto& v : spec.video) {
      const auto parts = sink.parts().at(v.id);
      QCOMPARE(parts.size(), size_t{30});
      for (size_t i = 0; i < parts.size(); ++i) {
        QCOMPARE(parts[i].startTime90k, int64_t(i) * 18000);
        QCOMPARE(parts[i].independent, i % 10 == 0);
      }
    }
  }

  // A burst into a full queue (a worker catching up after a stall) waits for
  // the encoder when the queue gives it time, and loses frames when it does not.
  void aFullQueueWaitsAFrameTimeBeforeItDrops() {
    auto burst = [](std::chrono::microseconds wait) {
      pipeline::FrameQueue q("burst", 2, pipeline::OverflowPolicy::DropNewest, wait);
      std::thread encoder([&] {
        while (q.pop()) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // an encode
      });
      uint64_t refused = 0;
      for (int i = 0; i < 50; ++i) refused += q.push(av::allocFrame()) ? 0 : 1;
      q.close();
      encoder.join();
      return std::pair{refused, q.dropped()};
    };
    const auto waited = burst(std::chrono::milliseconds(100));
    QCOMPARE(waited.first, uint64_t{0});
    QCOMPARE(waited.second, uint64_t{0});
    const auto dropped = burst(std::chrono::microseconds(0));
    QVERIFY2(dropped.first >= 40, qPrintable(QString::number(dropped.first)));
    QCOMPARE(dropped.second, dropped.first);
  }

  void overloadDropsButKeepsSegmentsIndependent() {
    const ChannelSpec spec = channel(false);  // as fast as possible...
    const Timeline timeline = startedTimeline(nowUtcUs());
    testing::CollectingPartSink sink;
    pipeline::PipelineOptions options;
    options.overflow = pipeline::PipelineOptions::Overflow::DropNewest;  // ...into live queues
    options.queueFrames = 2;
    options.audioQueueFrames = 2;
    options.waitAFrameWhenFull = false;  // drops at once (the wait is its own case below)
    pipeline::Pipeline p(spec.id, spec, timeline, &sink, options);
    QVERIFY(p.start().isOk());
    ingest::TestSource source(spec.id, spec.source, timeline, 6000);
    QVERIFY(runToEnd(source, &p, 20000));
    p.stop();
    uint64_t dropped = 0;
    for (const auto& s : p.stats()) {
      if (s.kind == TrackKind::Video) QCOMPARE(s.framesIn + s.droppedFrames, uint64_t{180});
      QCOMPARE(s.queueCapacity, size_t{2});
      dropped += s.droppedFrames;
    }
    QVERIFY2(dropped > 0, "the source outran 2-frame queues without a drop?");
    for (const auto& [id, parts] : sink.parts()) {
      int64_t segment = -1;
      for (const auto& part : parts) {
        if (part.segmentNumber != segment) QVERIFY2(part.independent, "a segment starts without an IDR");
        segment = part.segmentNumber;
      }
    }
  }
};

QTEST_GUILESS_MAIN(TstPipeline)
#include "tst_pipeline.moc"
