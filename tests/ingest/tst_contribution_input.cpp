// ContributionInput without a network: publisher sessions are played into its sink
// directly (as the listener's thread would), so demuxing, rebasing, session
// restarts and bad input are tested deterministically. Stream id and CIDR
// rules are tested here too.
#include <QtTest>

#include "support/test_media.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <random>

#include "ingest/contribution_input.h"
#include "ingest/srt_access.h"
#include "srt_test_util.h"

using namespace vigil;
using namespace vigil::ingest;
using srttest::Collector;

class TstContributionInput : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QByteArray ts_;  // 2 s of 30 fps H.264 + AAC in MPEG-TS

  // One publisher session: connect, the bytes in SRT-message-sized chunks, gone.

 private slots:
  void initTestCase() {
    const QString file = dir_.filePath("in.ts");
    QByteArray log;
    QVERIFY2(test::makeTestMedia(file,
                                 {"320x180",
                                  30,
                                  44100,
                                  2,
                                  {"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30",
                                   "-c:a", "aac", "-f", "mpegts"}},
                                 &log),
             log.constData());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    ts_ = f.readAll();
    QVERIFY(ts_.size() > 10000);
  }

  void streamIdForms() {
    auto id = parseSrtStreamId("#!::r=news1/primary,m=publish");
    QVERIFY(id.id);
    QCOMPARE(id.id->channelId, std::string("news1"));
    QCOMPARE(id.id->inputId, std::string("primary"));
    QVERIFY(parseSrtStreamId("#!::m=publish,u=alice,r=news1/backup,t=stream").id);
    QVERIFY(parseSrtStreamId("news1/primary").id);
    auto request = parseSrtStreamId("#!::r=news1/primary,m=request");
    QVERIFY(!request.id);
    QVERIFY(request.error == SrtStreamIdError::Mode);
    QVERIFY(parseSrtStreamId("#!::r=news1/primary").error == SrtStreamIdError::Mode);  // default mode is request
    for (const char* bad : {"", "news1", "news1/", "/primary", "a/b/c", "#!::m=publish", "#!:{r=a/b}",
                            "#!::r=a/b,r=c/d,m=publish", "#!::r=a/b,m=publish,t=file", "ne ws/primary", "#!::garbage"})
      QVERIFY2(!parseSrtStreamId(bad).id, bad);
  }

  void cidrMatching() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, "10.1.2.3", &a.sin_addr);
    sockaddr_in6 mapped{};
    mapped.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:10.1.2.3", &mapped.sin6_addr);
    sockaddr_in6 b{};
    b.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8::7", &b.sin6_addr);
    auto net = [](const char* t) { return *Cidr::parse(t); };
    auto* pa = reinterpret_cast<sockaddr*>(&a);
    QVERIFY(net("10.0.0.0/8").contains(pa));
    QVERIFY(net("10.1.2.0/23").contains(pa));
    QVERIFY(!net("10.1.4.0/23").contains(pa));
    QVERIFY(net("10.1.2.3").contains(pa));
    QVERIFY(net("0.0.0.0/0").contains(pa));
    QVERIFY(!net("127.0.0.0/8").contains(pa));
    QVERIFY(net("10.0.0.0/8").contains(reinterpret_cast<sockaddr*>(&mapped)));
    QVERIFY(net("2001:db8::/32").contains(reinterpret_cast<sockaddr*>(&b)));
    QVERIFY(!net("2001:db9::/32").contains(reinterpret_cast<sockaddr*>(&b)));
    QVERIFY(!net("2001:db8::/32").contains(pa));
    for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "x", "10.0.0.0/", "::/129", "10.0.0.0/8x"})
      QVERIFY2(!Cidr::parse(bad), bad);
  }

  // Good, garbage, truncated, good: every session is handled on its own and
  // the timeline only moves forward.
  void sessionsEndAndRestartCleanly() {
    Timeline timeline(180000, 18000);
    timeline.begin(nowUtcUs());
    ContributionInput input("ch1", "primary", timeline);
    Collector sink;
    QVERIFY(input.start(&sink).isOk());
    auto feed = input.publisherSink();
    const int64_t before = timeline.timeAtUtcUs(nowUtcUs());

    srttest::publish(*feed, ts_);
    QVERIFY(srttest::waitFor(
        [&] { return input.status().sessions == 1 && input.status().state == ContributionInputStatus::State::Waiting; },
        10000));
    QCOMPARE(sink.videoCount(), 60);
    QCOMPARE(input.status().failedSessions, int64_t{0});
    QCOMPARE(input.status().width, 320);
    const auto first = sink.frames();
    const auto firstVideo = std::find_if(first.begin(), first.end(), [](auto& f) { return f.video; });
    QVERIFY(firstVideo->pts >= before);  // lands at the current timeline time, not in the past

    std::mt19937 rng(7);
    QByteArray garbage(300000, 0);
    for (auto& c : garbage) c = static_cast<char>(rng());
    srttest::publish(*feed, garbage);
    QVERIFY(srttest::waitFor([&] { return input.status().failedSessions == 1; }, 10000));
    QVERIFY(!input.status().lastError.empty());
    qInfo("garbage session: %s", input.status().lastError.c_str());

    srttest::publish(*feed, ts_.left(ts_.size() / 2 + 77));  // cut mid-packet
    QVERIFY(srttest::waitFor(
        [&] { return input.status().sessions == 3 && input.status().state == ContributionInputStatus::State::Waiting; },
        10000));
    QVERIFY(sink.videoCount() > 70);

    const int afterTruncated = sink.videoCount();
    srttest::publish(*feed, ts_);
    QVERIFY(srttest::waitFor([&] { return sink.videoCount() == afterTruncated + 60; }, 10000));
    input.stop();
    const auto check = srttest::checkTimestamps(sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    QCOMPARE(input.status().sessions, int64_t{4});
    QCOMPARE(input.status().failedSessions, int64_t{1});
    QVERIFY(!sink.ended);  // a live input ends only by stop()
  }

  // What the status tells about a feed: codecs, rate, GOP, continuity, sync.
  void reportsInputHealth() {
    Timeline timeline(180000, 18000);
    timeline.begin(nowUtcUs());
    ContributionInput input("ch1", "primary", timeline);
    Collector sink;
    QVERIFY(input.start(&sink).isOk());
    auto feed = input.publisherSink();
    QCOMPARE(input.status().lastPayloadUtcUs, int64_t{0});
    const int64_t before = nowUtcUs();
    srttest::publish(*feed, ts_);
    QVERIFY(srttest::waitFor([&] { return sink.videoCount() == 60; }, 10000));
    auto st = input.status();
    QVERIFY(st.lastPayloadUtcUs >= before && st.lastPayloadUtcUs <= nowUtcUs());
    QVERIFY(st.bitrateKbps > 0);  // all of it within the window: a burst
    QVERIFY2(std::abs(st.frameRate - 30) < 0.01, qPrintable(QString::number(st.frameRate)));
    QCOMPARE(st.videoCodec, std::string("h264"));
    QCOMPARE(st.audioCodec, std::string("aac"));
    QCOMPARE(st.keyframeIntervalMs, int64_t{1000});  // -g 30 at 30 fps
    QCOMPARE(st.continuityErrors, int64_t{0});
    QVERIFY2(std::abs(st.avSyncDriftMs) < 25, qPrintable(QString::number(st.avSyncDriftMs)));

    // Three TS packets lost in the middle: continuity errors, frames still come.
    QByteArray lossy = ts_;
    lossy.remove(188 * 400, 188 * 3);
    srttest::publish(*feed, lossy);
    QVERIFY(srttest::waitFor([&] { return input.status().sessions == 2 && sink.videoCount() >= 100; }, 10000));
    QVERIFY(srttest::waitFor([&] { return input.status().state == ContributionInputStatus::State::Waiting; }, 10000));
    st = input.status();
    QVERIFY2(st.continuityErrors >= 1 && st.continuityErrors <= 3, qPrintable(QString::number(st.continuityErrors)));
    input.stop();
  }

  void stopWhileWaitingAndWhileProbing() {
    Timeline timeline(180000, 18000);
    timeline.begin(nowUtcUs());
    ContributionInput input("ch1", "primary", timeline);
    Collector sink;
    QVERIFY(input.start(&sink).isOk());
    QThread::msleep(50);
    input.stop();  // blocked waiting for a publisher
    QVERIFY(input.start(&sink).isOk());
    auto feed = input.publisherSink();
    feed->onPublisherConnected("test");
    feed->onPayload(reinterpret_cast<const uint8_t*>(ts_.constData()), 1316);
    QThread::msleep(50);
    input.stop();  // blocked in the demuxer's read
    QCOMPARE(sink.videoCount(), 0);
  }
};

QTEST_GUILESS_MAIN(TstContributionInput)
#include "tst_contribution_input.moc"
