// The confidence monitors over a real embedded engine (test source: a moving
// pattern with a burned-in clock and a 1 kHz tone), following its origin as a
// viewer does. Offscreen, a QVideoWidget grabs blank: the pictures are checked
// at the monitors' video sinks.
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QVideoFrame>
#include <QVideoSink>
#include <QtTest>

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>

#include <memory>
#include <thread>

#include "confidence/audio_meter.h"
#include "confidence/confidence_monitor.h"
#include "confidence/confidence_panel.h"
#include "confidence/media_playlist.h"
#include "confidence/rendition_probe.h"
#include "confidence/thumbnail_feed.h"
#include "control/http_client.h"
#include "engine_client.h"
#include "package/uri_layout.h"
#include "support/test_engine.h"

using namespace vigil;
using namespace vigil::ui;

namespace {

double processCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time of this process's threads whose name starts with prefix (Linux:
// /proc/self/task/*/comm and stat's utime + stime).
double threadsCpuSeconds(const QByteArray& prefix) {
  double total = 0;
  const long ticksPerS = sysconf(_SC_CLK_TCK);
  for (const QString& tid : QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(tid)),
        stat(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
    if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith(prefix) || !stat.open(QIODevice::ReadOnly))
      continue;
    const QByteArray line = stat.readAll();
    // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() > 12) total += static_cast<double>(fields[11].toLongLong() + fields[12].toLongLong()) / ticksPerS;
  }
  return total;
}

// The sink's current picture as a hash of its pixels ("" : none).
QByteArray frameHash(QVideoSink* sink) {
  QVideoFrame frame = sink->videoFrame();
  if (!frame.isValid() || !frame.map(QVideoFrame::ReadOnly)) return {};
  QCryptographicHash hash(QCryptographicHash::Sha1);
  for (int y = 0; y < frame.height(); ++y)
    hash.addData(QByteArrayView(frame.bits(0) + static_cast<ptrdiff_t>(y) * frame.bytesPerLine(0), frame.width() * 4));
  frame.unmap();
  return hash.result();
}

// Distinct colours in an image (a picture, not a blank frame, has many).
int distinctColours(const QImage& image) {
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 4)
    for (int x = 0; x < image.width(); x += 4) colours.insert(image.pixel(x, y));
  return static_cast<int>(colours.size());
}

}  // namespace

class TestConfidence : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::shared_ptr<control::Engine> engine_;
  std::unique_ptr<EngineClient> client_;
  std::string masterUrl_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    ChannelSpec ch;
    ch.id = "conf";
    ch.name = "Confidence";
    ch.redundancy.mode = "single";
    ch.video = demoLadder();  // 640x360, 480x270, 320x180
    // for (auto& v : ch.video) v.preset = "ultrafast";  // leave the CPU to the probes under test
    engine_ = test::startEngine(test::loopbackConfig(dir_, {ch}));
    QVERIFY(engine_);
    client_ = std::make_unique<EngineClient>(engine_, QStringLiteral("embedded"));
    client_->start(200);
    // Running, with parts published on every rendition.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          const auto* c = client_->channel("conf");
          if (!c || c->state != control::ChannelStatus::State::Running || c->renditions.size() != 4) return false;
          for (const auto& r : c->renditions)
            if (r.lastMsn < 0) return false;
          return true;
        }(),
        20000);
    masterUrl_ = client_->channel("conf")->hlsUrl;
    QVERIFY(!masterUrl_.empty());
  }

  void cleanupTestCase() {
    client_.reset();
    engine_.reset();
  }

  // Live pictures reach every monitor's sink, they move, at >= 10 fps; the
  // keyframe contract holds across the ladder; the bitrate is near target;
  // the audio meter shows the tone.
  void panelFollowsTheLadder() {
    ConfidencePanel panel(client_.get());
    panel.resize(1000, 600);
    panel.setChannel("conf");
    QTRY_COMPARE_WITH_TIMEOUT(panel.monitors().size(), size_t{3}, 10000);
    QVERIFY(!panel.probesRunning());  // not shown yet: nothing decoded

    const double idleCpu0 = processCpuSeconds();
    QElapsedTimer idle;
    idle.start();
    QTest::qWait(2000);
    const double idleCpuPerS = (processCpuSeconds() - idleCpu0) / (idle.elapsed() / 1000.0);

    panel.show();
    QVERIFY(panel.probesRunning());
    QCOMPARE(panel.audioMeter()->renditionId(), QStringLiteral("a0"));
    for (ConfidenceMonitor* m : panel.monitors())
      QTRY_VERIFY2_WITH_TIMEOUT(m->framesPresented() >= 10,
                                qPrintable(m->renditionId() + ": " + QString::fromStdString(m->stats().status)), 15000);

    // The pictures change over time (moving pattern, burned-in clock).
    ConfidenceMonitor* top = panel.monitors().front();
    QCOMPARE(top->renditionId(), QStringLiteral("v0"));
    const QByteArray before = frameHash(top->videoSink());
    QVERIFY(!before.isEmpty());
    QCOMPARE(top->videoSink()->videoFrame().size(), QSize(640, 360));
    QTest::qWait(700);
    const QByteArray after = frameHash(top->videoSink());
    QVERIFY(!after.isEmpty());
    QVERIFY(before != after);

    // Frame rate at the sinks, and the process's CPU while the panel decodes.
    std::vector<int> sinkFrames(panel.monitors().size(), 0);
    std::vector<QMetaObject::Connection> counting;
    for (size_t i = 0; i < panel.monitors().size(); ++i)
      counting.push_back(connect(panel.monitors()[i]->videoSink(), &QVideoSink::videoFrameChanged, this,
                                 [&sinkFrames, i] { ++sinkFrames[i]; }));
    const double cpu0 = processCpuSeconds();
    const double probeCpu0 = threadsCpuSeconds("probe ");
    QElapsedTimer window;
    window.start();
    QTest::qWait(4000);
    const double wallS = window.elapsed() / 1000.0;
    const double activeCpuPerS = (processCpuSeconds() - cpu0) / wallS;
    const double probeCpuPerS = (threadsCpuSeconds("probe ") - probeCpu0) / wallS;
    for (auto& c : counting) disconnect(c);
    for (size_t i = 0; i < panel.monitors().size(); ++i) {
      const ConfidenceMonitor* m = panel.monitors()[i];
      const double fps = sinkFrames[i] / wallS;
      qInfo("%s: %.1f fps at the sink, %.1f fps measured by the probe, %.0f / %lld kbps", qPrintable(m->renditionId()),
            fps, m->stats().fps, m->stats().measuredBitrateBps / 1000,
            static_cast<long long>(m->targetBitrateBps() / 1000));
      QVERIFY2(fps >= 10, qPrintable(m->renditionId() + QStringLiteral(": %1 fps").arg(fps)));
      QVERIFY(m->stats().fps >= 10);
    }
    qInfo(
        "process CPU: %.2f s/s with the panel hidden, %.2f s/s with 3 monitors + audio; the 4 probe threads: "
        "%.3f s/s",
        idleCpuPerS, activeCpuPerS, probeCpuPerS);
    QVERIFY(probeCpuPerS > 0);  // they decode (and the measure works)

    // A stalled GUI queues nothing: the probe goes on decoding, and the sink
    // then gets only the newest picture.
    {
      const uint64_t presented = top->framesPresented();
      const uint64_t shown = top->stats().framesShown;
      QThread::msleep(1000);
      QCoreApplication::processEvents();
      QVERIFY(top->stats().framesShown >= shown + 15);
      QVERIFY2(top->framesPresented() - presented <= 2,
               qPrintable(QString::number(top->framesPresented() - presented)));
    }

    // Keyframe contract: every segment start seen is an IDR at k * D, the same in every rendition.
    QTRY_VERIFY_WITH_TIMEOUT(panel.allAligned(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          for (const ConfidenceMonitor* m : panel.monitors())
            if (m->stats().segmentsChecked < 2) return false;
          return true;
        }(),
        8000);
    for (const ConfidenceMonitor* m : panel.monitors()) {
      const auto s = m->stats();
      QVERIFY2(s.segmentsMisaligned == 0, s.alignmentDetail.c_str());
      QCOMPARE(s.lastIdrPts90k, s.lastCheckedMsn * 180000);
      QCOMPARE(m->alignment(), ConfidenceMonitor::Alignment::Aligned);
    }
    bool sharedSegment = false;
    for (const auto& [msn, pts] : panel.monitors()[0]->idrHistory()) {
      const auto& other = panel.monitors()[2]->idrHistory();
      if (other.count(msn)) {
        sharedSegment = true;
        QCOMPARE(other.at(msn), pts);
      }
    }
    QVERIFY(sharedSegment);

    // Bitrate: whole segments, within a plausible band of the target; the
    // label is coloured only outside 0.5x..1.1x.
    for (const ConfidenceMonitor* m : panel.monitors()) {
      QTRY_VERIFY_WITH_TIMEOUT(m->stats().measuredSegments >= 2, 8000);
      const double measured = m->stats().measuredBitrateBps;
      const double ratio = measured / static_cast<double>(m->targetBitrateBps());
      QVERIFY2(ratio > 0.3 && ratio < 1.6, qPrintable(m->renditionId() + QStringLiteral(": %1x target").arg(ratio)));
      const auto* label = m->findChild<QLabel*>(QStringLiteral("confidenceBitrate"));
      QVERIFY(label);
      // "<measured> / <target> kbps", coloured as that measurement says.
      const QStringList parts = label->text().split(QLatin1Char(' '));
      QVERIFY2(parts.size() == 4 && parts[2].toLongLong() == m->targetBitrateBps() / 1000, qPrintable(label->text()));
      const double shownKbps = parts[0].toDouble(), targetKbps = m->targetBitrateBps() / 1000.0;
      const bool atAnEdge = std::abs(shownKbps - 1.1 * targetKbps) <= 1 || std::abs(shownKbps - 0.5 * targetKbps) <= 1;
      if (!atAnEdge)  // the label shows whole kbps: at a band's edge, rounding decides
        QCOMPARE(label->styleSheet().isEmpty(),
                 !ConfidenceMonitor::bitrateOutOfBand(shownKbps * 1000, m->targetBitrateBps()));
    }
    QVERIFY(!ConfidenceMonitor::bitrateOutOfBand(850'000, 800'000));
    QVERIFY(ConfidenceMonitor::bitrateOutOfBand(900'000, 800'000));
    QVERIFY(ConfidenceMonitor::bitrateOutOfBand(390'000, 800'000));
    QVERIFY(!ConfidenceMonitor::bitrateOutOfBand(-1, 800'000));  // nothing measured yet

    // Audio: the 1 kHz tone (FFmpeg's sine: amplitude 1/8, -18 dBFS).
    AudioMeter* audio = panel.audioMeter();
    QTRY_VERIFY_WITH_TIMEOUT(audio->peakDbfs() > -60 && audio->momentaryLufs() > -60, 8000);
    qInfo("audio: peak %.1f dBFS, momentary %.1f LUFS, short-term %.1f LUFS", audio->peakDbfs(), audio->momentaryLufs(),
          audio->shortTermLufs());
    QVERIFY(audio->peakDbfs() > -24 && audio->peakDbfs() < -12);
    QVERIFY(audio->momentaryLufs() > -30 && audio->momentaryLufs() < -8);

    // Hidden: nothing decodes, promptly.
    QElapsedTimer stopping;
    stopping.start();
    panel.hide();
    QVERIFY(!panel.probesRunning());
    QVERIFY2(stopping.elapsed() < 1000, qPrintable(QString::number(stopping.elapsed())));
    const uint64_t presented = top->framesPresented();
    QTest::qWait(500);
    QCOMPARE(top->framesPresented(), presented);
    panel.show();
    QVERIFY(panel.probesRunning());
    QTRY_VERIFY_WITH_TIMEOUT(top->framesPresented() > presented + 5, 10000);

    // Another channel (unknown here): the old probes stop, nothing is built.
    panel.setChannel("nope");
    QVERIFY(!panel.probesRunning());
    QVERIFY(panel.monitors().empty());
  }

  void thumbnailArrives() {
    ThumbnailFeed feed(client_.get());
    QSignalSpy spy(&feed, &ThumbnailFeed::thumbnailReady);
    feed.setChannels({"conf"});
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 10000);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("conf"));
    const QImage first = spy.at(0).at(1).value<QImage>();
    QCOMPARE(feed.renditionOf("conf"), std::string("v2"));  // the lowest rung
    QCOMPARE(first.size(), QSize(320, 180));
    QVERIFY(distinctColours(first) > 50);
    // About one a segment, not one a frame.
    QElapsedTimer t;
    t.start();
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 2, 6000);
    QTest::qWait(1000);
    const double perSecond = spy.count() / ((t.elapsed() + 0.0) / 1000.0);
    QVERIFY2(perSecond <= 1.5, qPrintable(QString::number(perSecond)));
    QVERIFY(spy.last().at(1).value<QImage>() != first);  // the clock moved
    feed.setChannels({});
    QVERIFY(feed.renditionOf("conf").empty());
  }

  // A probe that cannot follow reports why, keeps retrying, and stops promptly.
  void probeErrorsAreStatus() {
    const std::string base = masterUrl_.substr(0, masterUrl_.find("/live/"));
    using State = confidence::ProbeStats::State;
    struct Case {
      std::string url, rendition, expect;
      State state;  // retried, or failed for good (a malformed URL or id)
    };
    const std::vector<Case> cases = {
        {masterUrl_, "v9", "404", State::Retrying},
        {base + "/live/nochannel/master.m3u8", "v0", "404", State::Retrying},
        {"http://127.0.0.1:1/live/conf/master.m3u8", "v0", "cannot reach", State::Retrying},
        {"ftp://example/x", "v0", "http://", State::Failed},
        {masterUrl_, "../v0", "not a rendition id", State::Failed},
    };
    for (const Case& c : cases) {
      confidence::ProbeConfig config;
      config.masterUrl = c.url;
      config.renditionId = c.rendition;
      confidence::RenditionProbe probe(config);
      probe.start();
      QTRY_VERIFY_WITH_TIMEOUT(probe.stats().errors >= 1, 5000);
      const auto s = probe.stats();
      QCOMPARE(s.state, c.state);
      QVERIFY2(s.lastError.find(c.expect) != std::string::npos, s.lastError.c_str());
      QCOMPARE(s.framesDecoded, uint64_t{0});
      QElapsedTimer stopping;
      stopping.start();
      probe.stop();
      QVERIFY(stopping.elapsed() < 1000);
      QCOMPARE(probe.stats().state, c.state == State::Failed ? State::Failed : State::Stopped);
    }
  }

  // stop() while a part request is held by the origin returns at once.
  void stopInterruptsAHeldRequest() {
    confidence::ProbeConfig config;
    config.masterUrl = masterUrl_;
    config.renditionId = "a0";
    confidence::RenditionProbe probe(config);
    probe.start();
    QTRY_VERIFY_WITH_TIMEOUT(probe.stats().partsReceived >= 3, 8000);
    // Parts come every 200 ms: most of the time the probe waits in a held request.
    QElapsedTimer stopping;
    stopping.start();
    probe.stop();
    QVERIFY2(stopping.elapsed() < 500, qPrintable(QString::number(stopping.elapsed())));
    QVERIFY(probe.stats().peakDbfs > -60);
  }

  // A part request the origin holds (a part not yet published) ends at once
  // when the client is interrupted from another thread.
  void heldRequestIsInterruptible() {
    auto master = control::HttpLocation::parse(masterUrl_);
    QVERIFY(master);
    control::HttpClient http(master->server, "the origin");
    const std::string dir = master->target.substr(0, master->target.rfind('/') + 1) + "v2/";
    auto heldTarget = [&]() -> std::string {
      control::HttpRequest req;
      req.target = dir + "playlist.m3u8";
      auto res = http.exchange(req);
      if (!res || res->status != 200) return {};
      const auto pl = confidence::parseMediaPlaylist(res->body);
      if (!pl || !pl->newestPart() || pl->partsPerSegment() != 10) return {};
      // Eight parts after the next one: held for about 1.6 s.
      int64_t position = pl->newestPart()->msn * 10 + pl->newestPart()->index + 9;
      return dir + package::uri::part(position / 10, static_cast<int>(position % 10));
    };
    control::HttpRequest held;
    held.timeout = std::chrono::milliseconds(8000);

    // Not interrupted: the origin really holds it, then answers with the part.
    held.target = heldTarget();
    QVERIFY(!held.target.empty());
    QElapsedTimer t;
    t.start();
    auto answered = http.exchange(held);
    QVERIFY2(answered, answered.message().c_str());
    QCOMPARE(answered->status, 200u);
    QVERIFY2(t.elapsed() > 800, qPrintable(QString::number(t.elapsed())));

    held.target = heldTarget();
    std::thread interrupter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      http.interrupt();
    });
    t.restart();
    auto interrupted = http.exchange(held);
    const qint64 tookMs = t.elapsed();
    interrupter.join();
    QVERIFY(!interrupted);
    QVERIFY2(interrupted.message().find("interrupted") != std::string::npos, interrupted.message().c_str());
    QVERIFY2(tookMs < 600, qPrintable(QString::number(tookMs)));
    QVERIFY(!http.exchange(held));  // stays interrupted
    http.resume();
    held.target = dir + "playlist.m3u8";
    auto again = http.exchange(held);
    QVERIFY2(again && again->status == 200, again ? "" : again.message().c_str());
  }

  // The channel goes away and comes back (a new timeline period): the probe
  // reports the loss, retries with backoff and plays again by itself.
  void followsAChannelRestart() {
    confidence::ProbeConfig config;
    config.masterUrl = masterUrl_;
    config.renditionId = "v2";
    confidence::RenditionProbe probe(config);
    probe.start();
    ConfidencePanel panel(client_.get());
    panel.setChannel("conf");
    panel.show();
    QTRY_COMPARE_WITH_TIMEOUT(panel.monitors().size(), size_t{3}, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(probe.stats().framesShown >= 10, 10000);
    QVERIFY(engine_->stopChannel("conf"));
    // The panel drops its monitors and says why.
    QTRY_VERIFY_WITH_TIMEOUT(panel.monitors().empty(), 5000);
    QVERIFY(!panel.probesRunning());
    const auto* status = panel.findChild<QLabel*>(QStringLiteral("confidencePanelStatus"));
    QVERIFY(status && status->isVisible());
    QVERIFY2(status->text().contains(QStringLiteral("not running")), qPrintable(status->text()));
    QTRY_VERIFY_WITH_TIMEOUT(probe.stats().state == confidence::ProbeStats::State::Retrying, 10000);
    const std::string why = probe.stats().status;
    QVERIFY(!why.empty());
    QVERIFY(engine_->startChannel("conf"));
    const uint64_t before = probe.stats().framesShown;
    QTRY_VERIFY_WITH_TIMEOUT(probe.stats().framesShown > before + 10, 20000);
    // And the panel follows the channel again.
    QTRY_COMPARE_WITH_TIMEOUT(panel.monitors().size(), size_t{3}, 10000);
    QVERIFY(panel.probesRunning());
    QTRY_VERIFY_WITH_TIMEOUT(panel.monitors().front()->framesPresented() >= 10, 10000);
    const auto s = probe.stats();
    QCOMPARE(s.state, confidence::ProbeStats::State::Playing);
    QVERIFY(s.errors + s.resyncs >= 1);
    qInfo("while the channel was stopped: %s", why.c_str());
  }
};

QTEST_MAIN(TestConfidence)
#include "tst_confidence.moc"
