// The Engine facade over a channel with two contribution inputs: what an
// operator (the console, the control API) sees and does. Real SRT
// broadcasters (the ffmpeg CLI): one sends bytes that are not MPEG-TS, one a
// real feed. Checked: the slate is on air until an input is fit; the switch
// and the bad feed are events in the store; the input status carries the
// feed's codecs, bitrate and errors; holdOnBackup and selectInput act and are
// recorded; bad requests are refused with a reason.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "control/engine.h"
#include "support/test_engine.h"
#include "support/test_media.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::control;

namespace {

bool hasEvent(const std::vector<store::EventRecord>& events, const std::string& kind, const std::string& text) {
  for (const auto& e : events)
    if (e.kind == kind && e.detail.find(text) != std::string::npos) return true;
  return false;
}

// An engine on loopback (ephemeral HTTP and SRT ports, data in dir) running
// one demo-ladder channel with the given inputs (ids; SRT).
std::unique_ptr<Engine> startEngine(const QTemporaryDir& dir, const std::string& channelId,
                                    const std::vector<std::string>& inputIds, const FailoverSpec& failover = {}) {
  ChannelSpec ch;
  ch.id = channelId;
  ch.name = channelId;
  ch.video = demoLadder();
  ch.failover = failover;
  for (const auto& id : inputIds) {
    InputSpec in;
    in.id = id;
    ch.inputs.push_back(in);
  }
  EngineConfig cfg = test::loopbackConfig(dir, {ch});
  cfg.srt.listen = "127.0.0.1:0";
  return test::startEngine(cfg);
}

}  // namespace

class TstEngineInputs : public QObject {
  Q_OBJECT
 private slots:
  void operatorSeesAndActsOnInputs() {
    QTemporaryDir dir;
    FailoverSpec failover;
    failover.returnHoldoffMs = 500;
    auto engine = startEngine(dir, "live1", {"primary", "backup"}, failover);
    QVERIFY(engine);
    Engine& e = *engine;
    const int port = e.srtPort();
    QVERIFY(port > 0);

    QVERIFY(test::waitFor([&] { return e.channel("live1")->onAir == "slate"; }, 3000));
    QVERIFY(!e.selectInput("live1", "nope"));
    QVERIFY(!e.selectInput("nope", "primary"));
    QVERIFY(!e.selectInput("live1", "primary"));  // nothing published: not fit

    // Bytes that are not MPEG-TS on the backup; a real feed on the primary.
    QProcess garbage, feed;
    garbage.start("ffmpeg", {"-v", "error", "-re", "-f", "lavfi", "-i", "anoisesrc=r=48000", "-t", "6", "-f", "s16le",
                             QString("srt://127.0.0.1:%1?streamid=live1/backup").arg(port)});
    feed.start("ffmpeg",
               test::liveEncoderArgs("testsrc2", {"-t", "20"},
                                     {"-f", "mpegts", QString("srt://127.0.0.1:%1?streamid=live1/primary").arg(port)}));
    QVERIFY(garbage.waitForStarted(5000) && feed.waitForStarted(5000));
    QVERIFY(test::waitFor([&] { return e.channel("live1")->onAir == "primary"; }, 10000));
    QVERIFY(test::waitFor([&] { return hasEvent(e.events("live1"), "input.error", "backup: "); }, 15000));

    // The rate is of frames as they arrive over the last second: a loaded
    // machine can hold the feed back for a moment, so it is sampled until the
    // feed flows again (the encoder sends 30 fps).
    ChannelStatus st;
    QVERIFY(test::waitFor(
        [&] {
          st = *e.channel("live1");
          return st.inputs.size() == 2 && st.inputs[0].frameRate > 20 / test::kRealtimeSlack;
        },
        5000));
    QCOMPARE(st.inputs.size(), size_t{2});
    const auto& p = st.inputs[0];
    QVERIFY(p.onAir);
    QCOMPARE(p.fault, std::string("fit"));
    QVERIFY(p.connected);
    QCOMPARE(p.videoCodec, std::string("h264"));
    QCOMPARE(p.audioCodec, std::string("aac"));
    QCOMPARE(p.width, 640);
    QVERIFY2(p.bitrateKbps > 10, qPrintable(QString::number(p.bitrateKbps)));
    const auto& b = st.inputs[1];
    QVERIFY(!b.onAir);
    QVERIFY(b.failedSessions >= 1 || !b.lastError.empty());
    QVERIFY2(b.fault != "fit", b.fault.c_str());
    // A bad feed raises alarms an operator sees and acknowledges, not only events:
    // the backup is unfit (a warning: the primary is on air) and its feed is bad.
    QVERIFY(test::waitFor(
        [&] {
          bool loss = false, bad = false;
          for (const auto& a : e.alarms("live1", true)) {
            loss = loss || (a.key.kind == "input.loss" && a.key.subject == "backup" &&
                            a.severity == monitor::Severity::Warning);
            bad = bad || (a.key.kind == "input.bad-feed" && a.key.subject == "backup");
          }
          return loss && bad;
        },
        5000));

    const auto events = e.events("live1");
    QVERIFY(hasEvent(events, "input.switch", "slate -> primary"));
    QVERIFY(!e.selectInput("live1", "backup"));  // not fit
    QVERIFY(e.holdOnBackup("live1", true));
    QVERIFY(e.channel("live1")->holdOnBackup);
    QVERIFY(e.selectInput("live1", "slate"));
    QCOMPARE(e.channel("live1")->onAir, std::string("slate"));
    QVERIFY(e.channel("live1")->slateByOperator);
    QTest::qWait(500);  // the primary is fit all along: the operator's slate stays
    QCOMPARE(e.channel("live1")->onAir, std::string("slate"));
    QVERIFY(e.selectInput("live1", "primary"));
    QCOMPARE(e.channel("live1")->onAir, std::string("primary"));
    const auto after = e.events("live1");
    QVERIFY(hasEvent(after, "input.hold", ""));
    QVERIFY(hasEvent(after, "input.switch", "primary -> slate: operator"));
    QVERIFY(hasEvent(after, "input.switch", "slate -> primary: operator"));

    garbage.kill();
    feed.kill();
    garbage.waitForFinished(3000);
    feed.waitForFinished(3000);
    e.stop();
  }

  // A feed without pictures cannot go on air: the slate keeps the heartbeat.
  // A feed without sound goes on air, and the audio rendition keeps advancing
  // (silence). Either way no playlist goes stale.
  void heartbeatSurvivesAudioOnlyAndVideoOnlyFeeds() {
    QTemporaryDir dir;
    auto engine = startEngine(dir, "live2", {"primary"});
    QVERIFY(engine);
    Engine& e = *engine;
    const QString url = QString("srt://127.0.0.1:%1?streamid=live2/primary").arg(e.srtPort());
    // Every rendition under the 3 s warning; the ages, for the failure message.
    QString ages;
    auto fresh = [&] {
      const auto st = e.channel("live2");
      ages.clear();
      bool ok = !st->renditions.empty();
      for (const auto& r : st->renditions) {
        ages += QString("%1 %2 s; ").arg(QString::fromStdString(r.id)).arg(r.manifestAgeSeconds);
        ok = ok && r.manifestAgeSeconds >= 0 && r.manifestAgeSeconds <= 2.5;
      }
      return ok;
    };

    QVERIFY2(test::waitFor(fresh, 10000), qPrintable("the slate's first parts: " + ages));
    QProcess audioOnly;
    audioOnly.start("ffmpeg", test::liveEncoderArgs("testsrc2", {"-vn", "-t", "6"}, {"-f", "mpegts", url}));
    QVERIFY(audioOnly.waitForStarted(5000));
    QVERIFY(test::waitFor([&] { return hasEvent(e.events("live2"), "input.error", "no video"); }, 10000));
    QCOMPARE(e.channel("live2")->onAir, std::string("slate"));
    QVERIFY2(fresh(), qPrintable("the slate keeps every rendition fresh: " + ages));
    audioOnly.terminate();  // ffmpeg closes its SRT connection: the input is free at once
    audioOnly.waitForFinished(3000);

    QProcess videoOnly;
    videoOnly.start("ffmpeg", test::liveEncoderArgs("testsrc2", {"-an", "-t", "15"}, {"-f", "mpegts", url}));
    QVERIFY(videoOnly.waitForStarted(5000));
    QVERIFY(test::waitFor([&] { return e.channel("live2")->onAir == "primary"; }, 10000));
    QTest::qWait(3000);
    QVERIFY2(fresh(), qPrintable("audio advances as silence beside the pictures: " + ages));
    QCOMPARE(e.channel("live2")->onAir, std::string("primary"));
    videoOnly.kill();
    videoOnly.waitForFinished(3000);
    e.stop();
  }
};

QTEST_GUILESS_MAIN(TstEngineInputs)
#include "tst_engine_inputs.moc"
