// The SRT listener with real publishers on loopback: the ffmpeg CLI (libsrt
// caller) and srt-live-transmit. Every refusal rule has its test; the good
// paths check frames on the timeline, reconnection and isolation between
// channels. Publishers are killed in cleanup; every wait is bounded.
#include <QtTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <random>

#include "ingest/contribution_input.h"
#include "ingest/srt_listener.h"
#include "srt_test_util.h"

using namespace vigil;
using namespace vigil::ingest;
using srttest::Collector;
using srttest::waitFor;

namespace {

const QString kPass = "correct-horse-battery";  // ch1/primary
constexpr int kLatencyMs = 200;

SrtInputSpec spec(std::string channel, std::string input, std::string passphrase = {},
                  std::vector<std::string> allow = {}, int pbkeylen = 16) {
  SrtInputSpec s;
  s.channelId = std::move(channel);
  s.inputId = std::move(input);
  s.passphrase = std::move(passphrase);
  s.pbkeylen = pbkeylen;
  s.latencyMs = kLatencyMs;
  s.allowCidrs = std::move(allow);
  return s;
}

// A channel input wired as the integrator would: ContributionInput behind the listener.
struct Channel {
  Channel(SrtListener& listener, SrtInputSpec spec, const Timeline& timeline)
      : input(spec.channelId, spec.inputId, timeline) {
    spec.sink = input.publisherSink();
    ok = listener.addInput(std::move(spec)).isOk() && input.start(&sink).isOk();
  }
  Collector sink;
  ContributionInput input;
  bool ok = false;
};

}  // namespace

class TstSrtListener : public QObject {
  Q_OBJECT
  std::unique_ptr<SrtListener> listener_;
  std::unique_ptr<Timeline> timeline_;
  std::vector<std::unique_ptr<QProcess>> procs_;

  // ffmpeg takes the latency in microseconds, srt-live-transmit in milliseconds.
  QString url(const QString& streamId, const QString& passphrase = {}, bool latencyInMs = false) const {
    QString u = QString("srt://127.0.0.1:%1?streamid=%2&latency=%3")
                    .arg(listener_->port())
                    .arg(streamId)
                    .arg(latencyInMs ? kLatencyMs : kLatencyMs * 1000);
    if (!passphrase.isEmpty()) u += "&passphrase=" + passphrase + "&pbkeylen=16";
    return u;
  }
  // A real-time ffmpeg publisher: 320x180@30 H.264 + AAC in MPEG-TS over SRT
  // (or to stdout, for pipe).
  QProcess* ffmpeg(const QString& target, QProcess* pipeTo = nullptr) {
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (pipeTo) p->setStandardOutputProcess(pipeTo);
    p->start("ffmpeg",
             {"-v",      "error",     "-re",    "-f",          "lavfi", "-i",   "testsrc2=size=320x180:rate=30",
              "-re",     "-f",        "lavfi",  "-i",          "sine",  "-c:v", "libx264",
              "-preset", "ultrafast", "-tune",  "zerolatency", "-g",    "30",   "-c:a",
              "aac",     "-f",        "mpegts", target});
    procs_.push_back(std::move(p));
    return procs_.back().get();
  }
  // ffmpeg | srt-live-transmit: srt-live-transmit is the SRT caller.
  QProcess* liveTransmit(const QString& target) {
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcess* caller = p.get();
    procs_.push_back(std::move(p));
    ffmpeg("-", caller);
    caller->start("srt-live-transmit", {"-a:no", "-q", "-chunk:1316", "file://con", target});
    return caller;
  }
  static bool exitsWithError(QProcess* p) {
    return p->waitForFinished(15000) && (p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0);
  }
  SrtListenerCounters counters() const { return listener_->counters(); }
  int64_t rejected(SrtRejectReason r) const { return counters().rejected[static_cast<int>(r)]; }

 private slots:
  void init() {
    timeline_ = std::make_unique<Timeline>(180000, 18000);
    timeline_->begin(nowUtcUs());
    listener_ = std::make_unique<SrtListener>(SrtListenerSpec{"127.0.0.1", 0});
    QVERIFY(listener_->start().isOk());
    QVERIFY(listener_->port() > 0);
  }
  void cleanup() {
    for (auto& p : procs_) {
      p->kill();
      p->waitForFinished(5000);
    }
    procs_.clear();
    listener_.reset();
  }

  void rejectsBadInputSpecs() {
    auto sink = std::make_shared<Channel>(*listener_, spec("ch1", "primary"), *timeline_);
    QVERIFY(sink->ok);
    auto bad = [&](SrtInputSpec s) {
      s.sink = sink->input.publisherSink();
      return !listener_->addInput(std::move(s)).isOk();
    };
    QVERIFY(bad(spec("ch1", "primary")));                         // exists
    QVERIFY(bad(spec("ch1", "x", "short")));                      // passphrase under 10 characters
    QVERIFY(bad(spec("ch1", "x", kPass.toStdString(), {}, 20)));  // pbkeylen
    QVERIFY(bad(spec("ch1", "x", "", {"10.0.0.0/40"})));
    QVERIFY(bad(spec("ch 1", "x")));
    QVERIFY(listener_->removeInput("ch1", "primary").isOk());
    QVERIFY(!listener_->removeInput("ch1", "primary").isOk());
  }

  // ffmpeg, access-control stream id, AES-128: frames on the timeline, stats.
  void ffmpegPublisherIsDemuxedOntoTheTimeline() {
    Channel ch1(*listener_, spec("ch1", "primary", kPass.toStdString()), *timeline_);
    QVERIFY(ch1.ok);
    const int64_t startUs = nowUtcUs();
    const int64_t startTimeline = timeline_->timeAtUtcUs(startUs);
    ffmpeg(url("#!::r=ch1/primary,m=publish", kPass));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 90; }, 20000));
    const auto frames = ch1.sink.frames();
    const auto first = std::find_if(frames.begin(), frames.end(), [](auto& f) { return f.video; });
    const double toFirstFrameMs = (first->atUs - startUs) / 1000.0;
    qInfo("ffmpeg start -> first decoded frame: %.0f ms (publisher connected -> first frame: %lld ms)", toFirstFrameMs,
          static_cast<long long>(ch1.input.status().firstFrameMs));
    QVERIFY(first->pts >= startTimeline);
    const auto check = srttest::checkTimestamps(frames, 3000);
    QVERIFY2(check.empty(), check.c_str());
    // The rate: 90 frames cover 3 s of timeline, delivered in about 3 s.
    const auto last = std::find_if(frames.rbegin(), frames.rend(), [](auto& f) { return f.video; });
    const double wallS = (last->atUs - first->atUs) / 1e6;
    const double timelineS = (last->pts - first->pts) / 90000.0;
    QVERIFY2(std::abs(wallS - timelineS) < 1.0,
             qPrintable(QString("wall %1 s, timeline %2 s").arg(wallS).arg(timelineS)));

    const auto st = listener_->stats("ch1", "primary");
    QVERIFY(st && st->connected);
    qInfo(
        "stats: rtt %.3f ms, %lld packets, %lld lost, %lld retransmitted, %lld dropped, %lld bytes, buffer %d ms / %d "
        "B, latency %d ms, %.2f Mb/s",
        st->rttMs, static_cast<long long>(st->packetsReceived), static_cast<long long>(st->packetsLost),
        static_cast<long long>(st->packetsRetransmitted), static_cast<long long>(st->packetsDropped),
        static_cast<long long>(st->bytesReceived), st->receiveBufferMs, st->receiveBufferBytes, st->latencyMs,
        st->receiveRateMbps);
    QVERIFY(st->packetsReceived > 100);
    QVERIFY(st->bytesReceived > 100000);
    QVERIFY(st->rttMs > 0);
    QVERIFY(st->latencyMs >= kLatencyMs);
    QVERIFY(st->receiveRateMbps > 0);
    QCOMPARE(st->sessions, int64_t{1});
    // The input's health figures of a real-time publisher.
    const auto health = ch1.input.status();
    qInfo("input: %.0f kb/s, %.2f fps, %s/%s, GOP %lld ms, %lld CC errors, A/V drift %.1f ms, last payload %lld ms ago",
          health.bitrateKbps, health.frameRate, health.videoCodec.c_str(), health.audioCodec.c_str(),
          static_cast<long long>(health.keyframeIntervalMs), static_cast<long long>(health.continuityErrors),
          health.avSyncDriftMs, static_cast<long long>((nowUtcUs() - health.lastPayloadUtcUs) / 1000));
    QVERIFY2(std::abs(health.frameRate - 30) < 0.5, qPrintable(QString::number(health.frameRate)));
    QVERIFY(health.bitrateKbps > 20 && health.bitrateKbps < 20000);
    QCOMPARE(health.keyframeIntervalMs, int64_t{1000});
    QCOMPARE(health.continuityErrors, int64_t{0});
    QVERIFY2(std::abs(health.avSyncDriftMs) < 30, qPrintable(QString::number(health.avSyncDriftMs)));  // one clock
    QVERIFY(nowUtcUs() - health.lastPayloadUtcUs < 1'000'000);
    QCOMPARE(counters().accepted, int64_t{1});
  }

  // srt-live-transmit, plain stream id: a publisher that goes frees the input,
  // and the next one continues the timeline.
  void publisherReconnectsWithPlainStreamId() {
    Channel ch1(*listener_, spec("ch1", "primary", kPass.toStdString()), *timeline_);
    QVERIFY(ch1.ok);
    const int64_t startUs = nowUtcUs();
    QProcess* caller = liveTransmit(url("ch1/primary", kPass, true));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 30; }, 20000));
    const auto frames = ch1.sink.frames();
    const auto first = std::find_if(frames.begin(), frames.end(), [](auto& f) { return f.video; });
    qInfo("ffmpeg | srt-live-transmit start -> first decoded frame: %.0f ms", (first->atUs - startUs) / 1000.0);
    caller->kill();
    QVERIFY(waitFor([&] { return !listener_->stats("ch1", "primary")->connected; }, 10000));
    QVERIFY(waitFor([&] { return ch1.input.status().state == ContributionInputStatus::State::Waiting; }, 10000));
    const int before = ch1.sink.videoCount();
    liveTransmit(url("ch1/primary", kPass, true));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= before + 30; }, 20000));
    const auto check = srttest::checkTimestamps(ch1.sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{2});
    QCOMPARE(ch1.input.status().sessions, int64_t{2});
  }

  void wrongPassphraseIsRejected() {
    Channel ch1(*listener_, spec("ch1", "primary", kPass.toStdString()), *timeline_);
    QVERIFY(ch1.ok);
    QVERIFY(exitsWithError(ffmpeg(url("#!::r=ch1/primary,m=publish", "not-the-passphrase"))));
    QVERIFY(exitsWithError(ffmpeg(url("#!::r=ch1/primary,m=publish"))));  // none at all
    QVERIFY(waitFor([&] { return listener_->stats("ch1", "primary")->handshakeFailures == 2; }, 5000));
    QCOMPARE(ch1.sink.videoCount(), 0);
    QCOMPARE(counters().accepted, int64_t{0});
    // The failed callers did not keep the input.
    ffmpeg(url("#!::r=ch1/primary,m=publish", kPass));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() > 0; }, 20000));
  }

  void unknownStreamIdsAreRejected() {
    Channel ch1(*listener_, spec("ch1", "primary"), *timeline_);
    QVERIFY(ch1.ok);
    QVERIFY(exitsWithError(ffmpeg(url("#!::r=ch9/primary,m=publish"))));
    QCOMPARE(rejected(SrtRejectReason::UnknownChannel), int64_t{1});
    QVERIFY(exitsWithError(ffmpeg(url("ch1/nope"))));
    QCOMPARE(rejected(SrtRejectReason::UnknownInput), int64_t{1});
    QVERIFY(exitsWithError(ffmpeg(url("#!::r=ch1/primary,m=request"))));
    QCOMPARE(rejected(SrtRejectReason::BadMode), int64_t{1});
    QVERIFY(exitsWithError(ffmpeg(url("just-a-name"))));
    QCOMPARE(rejected(SrtRejectReason::BadStreamId), int64_t{1});
    QCOMPARE(ch1.sink.videoCount(), 0);
  }

  void addressOutsideTheAllowListIsRejected() {
    Channel ch1(*listener_, spec("ch1", "primary", "", {"10.0.0.0/8", "fd00::/8"}), *timeline_);
    QVERIFY(ch1.ok);
    QVERIFY(exitsWithError(ffmpeg(url("ch1/primary"))));
    QCOMPARE(rejected(SrtRejectReason::AddressNotAllowed), int64_t{1});
    QCOMPARE(listener_->stats("ch1", "primary")->rejections, int64_t{1});
    QCOMPARE(ch1.sink.videoCount(), 0);
    // Loopback allowed: the same caller gets in.
    Channel ch2(*listener_, spec("ch2", "primary", "", {"10.0.0.0/8", "127.0.0.0/8"}), *timeline_);
    QVERIFY(ch2.ok);
    ffmpeg(url("ch2/primary"));
    QVERIFY(waitFor([&] { return ch2.sink.videoCount() > 0; }, 20000));
  }

  // Stream hijack: a second publisher with the right passphrase is refused
  // while the first is connected, and the first keeps the input.
  void secondPublisherIsRefused() {
    Channel ch1(*listener_, spec("ch1", "primary", kPass.toStdString()), *timeline_);
    QVERIFY(ch1.ok);
    ffmpeg(url("#!::r=ch1/primary,m=publish", kPass));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));
    QVERIFY(exitsWithError(ffmpeg(url("#!::r=ch1/primary,m=publish", kPass))));
    QCOMPARE(rejected(SrtRejectReason::InputBusy), int64_t{1});
    const int now = ch1.sink.videoCount();
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= now + 30; }, 5000));
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{1});
    QVERIFY(listener_->stats("ch1", "primary")->connected);
  }

  // ch2's caller sends random bytes as its TS and the port gets raw UDP
  // garbage; ch1 keeps receiving, ch2 reports the error and takes a good
  // publisher afterwards.
  void garbageOnOneChannelLeavesTheOthersAlone() {
    Channel ch1(*listener_, spec("ch1", "primary", kPass.toStdString()), *timeline_);
    Channel ch2(*listener_, spec("ch2", "primary"), *timeline_);
    QVERIFY(ch1.ok && ch2.ok);
    ffmpeg(url("#!::r=ch1/primary,m=publish", kPass));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));

    auto garbage = std::make_unique<QProcess>();
    garbage->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    garbage->start("srt-live-transmit", {"-a:no", "-q", "-chunk:1316", "file://con", url("ch2/primary", {}, true)});
    QVERIFY(garbage->waitForStarted(5000));
    std::mt19937 rng(11);
    QByteArray noise(1316 * 1200, 0);  // over the input's 1 MB probing budget
    for (auto& c : noise) c = static_cast<char>(rng());
    garbage->write(noise);
    QVERIFY(waitFor([&] { return garbage->bytesToWrite() == 0 || !garbage->waitForBytesWritten(100); }, 10000));
    QCOMPARE(garbage->bytesToWrite(), 0);

    const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    QVERIFY(udp >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(listener_->port()));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 2000; ++i) {
      char pkt[1316];
      for (auto& c : pkt) c = static_cast<char>(rng());
      if (i % 2) pkt[0] = char(0x80);  // half look like SRT control packets
      ::sendto(udp, pkt, 16 + rng() % 1300, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    ::close(udp);

    QVERIFY(waitFor([&] { return ch2.input.status().failedSessions >= 1; }, 10000));
    qInfo("ch2: %s", ch2.input.status().lastError.c_str());
    garbage->terminate();  // srt-live-transmit closes its SRT socket on SIGTERM
    if (!garbage->waitForFinished(3000)) garbage->kill();
    procs_.push_back(std::move(garbage));
    const int now = ch1.sink.videoCount();
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= now + 30; }, 5000));
    const auto check = srttest::checkTimestamps(ch1.sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{1});

    QVERIFY(waitFor([&] { return !listener_->stats("ch2", "primary")->connected; }, 10000));
    ffmpeg(url("ch2/primary"));
    QVERIFY(waitFor([&] { return ch2.sink.videoCount() >= 10; }, 20000));
  }
};

QTEST_GUILESS_MAIN(TstSrtListener)
#include "tst_srt_listener.moc"
