// The RTMP listener with real publishers on loopback: the ffmpeg CLI pushes a
// clip (-re, -c copy, -f flv) to rtmp://127.0.0.1:PORT/<app>/<key>, and
// ContributionInput(Flv) decodes it onto the timeline. Every refusal rule has
// its test; hostile connections (random bytes, a cut handshake, bad chunks,
// bad AMF, a silent peer) are made with raw sockets beside a real publisher,
// which must not notice. Publishers are killed in cleanup; every wait is bounded.
#include <QtTest>

#include "support/test_media.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <random>

#include "ingest/contribution_input.h"
#include "ingest/rtmp_listener.h"
#include "srt_test_util.h"

using namespace vigil;
using namespace vigil::ingest;
using srttest::Collector;
using srttest::waitFor;

namespace {

const std::string kKey = "s3cret-key-1";

RtmpInputSpec spec(std::string channel, std::string input, std::string app, std::string key,
                   std::vector<std::string> allow = {}) {
  RtmpInputSpec s;
  s.channelId = std::move(channel);
  s.inputId = std::move(input);
  s.app = std::move(app);
  s.streamKey = std::move(key);
  s.allowCidrs = std::move(allow);
  return s;
}

ContributionInputOptions flv() {
  ContributionInputOptions o;
  o.container = ContributionInputOptions::Container::Flv;
  return o;
}

// A channel input wired as the integrator would: ContributionInput(Flv) behind the listener.
struct Channel {
  Channel(RtmpListener& listener, RtmpInputSpec spec, const Timeline& timeline)
      : input(spec.channelId, spec.inputId, timeline, flv()) {
    spec.sink = input.publisherSink();
    ok = listener.addInput(std::move(spec)).isOk() && input.start(&sink).isOk();
  }
  Collector sink;
  ContributionInput input;
  bool ok = false;
};

// A raw TCP client on loopback, blocking with a receive timeout.
class RawClient {
 public:
  // from: the local address to connect from (any 127.x.y.z is loopback on Linux).
  explicit RawClient(int port, const char* from = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (from) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, from, &local.sin_addr);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::vector<uint8_t>& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads exactly n bytes; false on close or timeout.
  bool read(size_t n) {
    std::vector<uint8_t> buf(n);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, buf.data() + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  // True once the server closed the connection (EOF or reset) within the timeout.
  bool closedByServer() {
    char buf[4096];
    for (;;) {
      const ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
      if (r == 0) return true;
      if (r < 0) return errno == ECONNRESET;
    }
  }
  // C0+C1, S0+S1+S2, C2: the plain handshake.
  bool handshake() {
    std::vector<uint8_t> c0c1(1537, 0);
    c0c1[0] = 3;
    return send(c0c1) && read(3073) && send(std::vector<uint8_t>(1536, 0));
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace

class TstRtmpListener : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString clip_;
  std::unique_ptr<RtmpListener> listener_;
  std::unique_ptr<Timeline> timeline_;
  std::vector<std::unique_ptr<QProcess>> procs_;

  QString url(const QString& app, const QString& key) const {
    return QString("rtmp://127.0.0.1:%1/%2/%3").arg(listener_->port()).arg(app, key);
  }
  // A real-time publisher of the clip, looped: what an encoder sends.
  QProcess* publish(const QString& target) {
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start("ffmpeg", {"-v", "error", "-re", "-stream_loop", "-1", "-i", clip_, "-c", "copy", "-f", "flv", target});
    procs_.push_back(std::move(p));
    return procs_.back().get();
  }
  static bool exitsWithError(QProcess* p) {
    return p->waitForFinished(15000) && (p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0);
  }
  int64_t rejected(RtmpRejectReason r) const { return listener_->counters().rejected[static_cast<int>(r)]; }

 private slots:
  void initTestCase() {
    clip_ = dir_.filePath("clip.ts");
    QByteArray log;
    QVERIFY2(test::makeTestMedia(clip_,
                                 {"320x180",
                                  30,
                                  48000,
                                  2,
                                  {"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30",
                                   "-c:a", "aac", "-f", "mpegts"}},
                                 &log),
             log.constData());
  }
  void init() {
    timeline_ = std::make_unique<Timeline>(180000, 18000);
    timeline_->begin(nowUtcUs());
    RtmpListenerSpec s;
    s.address = "127.0.0.1";
    s.port = 0;
    s.handshakeTimeoutMs = 2000;
    s.idleTimeoutMs = 5000;
    s.takeoverAfterSilenceMs = 1000;
    listener_ = std::make_unique<RtmpListener>(s);
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

  void framesAreDecodedOntoTheTimeline() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    const int64_t startUs = nowUtcUs();
    const int64_t startTimeline = timeline_->timeAtUtcUs(startUs);
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 90; }, 20000));
    const auto frames = ch1.sink.frames();
    const auto first = std::find_if(frames.begin(), frames.end(), [](auto& f) { return f.video; });
    qInfo("ffmpeg start -> first decoded frame: %.0f ms (publisher connected -> first frame: %lld ms)",
          (first->atUs - startUs) / 1000.0, static_cast<long long>(ch1.input.status().firstFrameMs));
    QVERIFY(first->pts >= startTimeline);
    const auto check = srttest::checkTimestamps(frames, 3000);
    QVERIFY2(check.empty(), check.c_str());
    const auto st = ch1.input.status();
    QCOMPARE(st.width, 320);
    QCOMPARE(st.height, 180);
    QCOMPARE(st.videoCodec, std::string("h264"));
    QCOMPARE(st.audioCodec, std::string("aac"));
    QVERIFY2(std::abs(st.frameRate - 30) < 0.5, qPrintable(QString::number(st.frameRate)));
    QVERIFY(st.bitrateKbps > 20);
    // A GOP of 30 frames at 30 fps, as the publisher's timestamps say: a
    // live encoder on a loaded machine may stamp a frame a few ms off.
    QVERIFY2(std::abs(st.keyframeIntervalMs - 1000) <= 34, qPrintable(QString::number(st.keyframeIntervalMs)));
    QCOMPARE(st.continuityErrors, int64_t{0});
    qInfo("input: %.0f kb/s, %.2f fps, GOP %lld ms, A/V drift %.1f ms", st.bitrateKbps, st.frameRate,
          static_cast<long long>(st.keyframeIntervalMs), st.avSyncDriftMs);
    const auto stats = listener_->stats("ch1", "primary");
    QVERIFY(stats && stats->connected);
    QCOMPARE(stats->sessions, int64_t{1});
    QVERIFY(stats->bytesReceived > 10000);
    QVERIFY(stats->mediaMessages > 90);
    QCOMPARE(listener_->counters().published, int64_t{1});
  }

  void rejectsBadInputSpecs() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    auto bad = [&](RtmpInputSpec s) {
      s.sink = ch1.input.publisherSink();
      return !listener_->addInput(std::move(s)).isOk();
    };
    QVERIFY(bad(spec("ch1", "primary", "live", "other")));  // exists
    QVERIFY(bad(spec("ch2", "primary", "live", kKey)));     // same app and key as ch1
    QVERIFY(bad(spec("ch2", "primary", "", "k")));
    QVERIFY(bad(spec("ch2", "primary", "li ve", "k")));
    QVERIFY(bad(spec("ch2", "primary", "/live", "k")));
    QVERIFY(bad(spec("ch2", "primary", "live", "")));
    QVERIFY(bad(spec("ch2", "primary", "live", "k?x=1")));
    QVERIFY(bad(spec("ch2", "primary", "live", "k", {"10.0.0.0/40"})));
    RtmpInputSpec noSink = spec("ch2", "primary", "live", "k");
    QVERIFY(!listener_->addInput(noSink).isOk());
    QVERIFY(listener_->removeInput("ch1", "primary").isOk());
    QVERIFY(!listener_->removeInput("ch1", "primary").isOk());
  }

  void wrongKeyAndUnknownAppAreRefused() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    QVERIFY(exitsWithError(publish(url("live", "not-the-key"))));
    QCOMPARE(rejected(RtmpRejectReason::WrongKey), int64_t{1});
    QVERIFY(exitsWithError(publish(url("other", QString::fromStdString(kKey)))));
    QCOMPARE(rejected(RtmpRejectReason::UnknownApp), int64_t{1});
    QCOMPARE(ch1.sink.videoCount(), 0);
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{0});
    QCOMPARE(listener_->counters().published, int64_t{0});
    // The refused callers did not keep anything: the right key gets in.
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() > 0; }, 20000));
  }

  void addressOutsideTheAllowListIsRefused() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey, {"10.0.0.0/8"}), *timeline_);
    QVERIFY(ch1.ok);
    QVERIFY(exitsWithError(publish(url("live", QString::fromStdString(kKey)))));
    QCOMPARE(rejected(RtmpRejectReason::AddressNotAllowed), int64_t{1});
    QCOMPARE(listener_->stats("ch1", "primary")->rejections, int64_t{1});
    Channel ch2(*listener_, spec("ch2", "primary", "live", "key-2", {"10.0.0.0/8", "127.0.0.0/8"}), *timeline_);
    QVERIFY(ch2.ok);
    publish(url("live", "key-2"));
    QVERIFY(waitFor([&] { return ch2.sink.videoCount() > 0; }, 20000));
    QCOMPARE(ch1.sink.videoCount(), 0);
  }

  // Stream hijack: a second publisher with the right key is refused while the
  // first is live, and the first carries on.
  void secondPublisherIsRefused() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    QProcess* first = publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));
    QVERIFY(exitsWithError(publish(url("live", QString::fromStdString(kKey)))));
    QCOMPARE(rejected(RtmpRejectReason::InputBusy), int64_t{1});
    const int now = ch1.sink.videoCount();
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= now + 30; }, 5000));
    QVERIFY(!first->waitForFinished(100));  // still publishing
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{1});
    QVERIFY(listener_->stats("ch1", "primary")->connected);
  }

  // An encoder that drops and comes back is taken back, and the timeline
  // goes on from where it was.
  void reconnectingPublisherIsTakenBack() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    QProcess* first = publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 30; }, 20000));
    first->kill();
    QVERIFY(waitFor([&] { return !listener_->stats("ch1", "primary")->connected; }, 5000));
    QVERIFY(waitFor([&] { return ch1.input.status().state == ContributionInputStatus::State::Waiting; }, 10000));
    const int before = ch1.sink.videoCount();
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= before + 30; }, 20000));
    const auto check = srttest::checkTimestamps(ch1.sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{2});
    QCOMPARE(ch1.input.status().sessions, int64_t{2});
    QCOMPARE(ch1.input.status().failedSessions, int64_t{0});
  }

  // A frozen encoder keeps its TCP connection but sends nothing: after the
  // takeover silence, a new publisher with the key replaces it (long before
  // the idle timeout), and the timeline goes on.
  void silentPublisherIsTakenOver() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    QProcess* first = publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 30; }, 20000));
    QVERIFY(::kill(static_cast<pid_t>(first->processId()), SIGSTOP) == 0);
    QThread::msleep(1500);
    QVERIFY(listener_->stats("ch1", "primary")->connected);  // still held: no idle timeout yet
    const int before = ch1.sink.videoCount();
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= before + 30; }, 20000));
    const auto st = listener_->stats("ch1", "primary");
    QCOMPARE(st->takeovers, int64_t{1});
    QCOMPARE(st->sessions, int64_t{2});
    QCOMPARE(listener_->counters().takeovers, int64_t{1});
    QCOMPARE(rejected(RtmpRejectReason::InputBusy), int64_t{0});
    QCOMPARE(ch1.input.status().sessions, int64_t{2});
    const auto check = srttest::checkTimestamps(ch1.sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    ::kill(static_cast<pid_t>(first->processId()), SIGKILL);
  }

  // Random bytes, a cut handshake, a silent peer, bad chunks and bad AMF on
  // the port: each closes its own connection, with its reason counted, while
  // a real publisher on another input goes on.
  void hostileConnectionsLeaveOthersAlone() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    Channel ch2(*listener_, spec("ch2", "primary", "live", "key-2"), *timeline_);
    QVERIFY(ch1.ok && ch2.ok);
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));

    std::mt19937 rng(5);
    {  // random bytes: not RTMP
      RawClient c(listener_->port());
      std::vector<uint8_t> noise(5000);
      for (auto& b : noise) b = static_cast<uint8_t>(rng());
      noise[0] = 0x47;
      QVERIFY(c.connected());
      c.send(noise);
      QVERIFY(c.closedByServer());
    }
    QCOMPARE(rejected(RtmpRejectReason::BadHandshake), int64_t{1});
    {  // a handshake cut short: C0 and half of C1, then gone
      RawClient c(listener_->port());
      std::vector<uint8_t> half(700, 0);
      half[0] = 3;
      QVERIFY(c.send(half));
    }
    QVERIFY(waitFor([&] { return rejected(RtmpRejectReason::BadHandshake) == 2; }, 5000));
    {  // a fmt 3 chunk on a stream that never had a header
      RawClient c(listener_->port());
      QVERIFY(c.handshake());
      c.send({0xc4, 1, 2, 3});
      QVERIFY(c.closedByServer());
    }
    {  // a command message of garbage AMF
      RawClient c(listener_->port());
      QVERIFY(c.handshake());
      std::vector<uint8_t> m{0x03, 0, 0, 0, 0, 0, 20, 20, 0, 0, 0, 0};
      m.resize(m.size() + 20, 0xff);
      c.send(m);
      QVERIFY(c.closedByServer());
    }
    {  // a message header announcing 16 MB
      RawClient c(listener_->port());
      QVERIFY(c.handshake());
      c.send({0x03, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0});
      QVERIFY(c.closedByServer());
    }
    QVERIFY(waitFor([&] { return rejected(RtmpRejectReason::ProtocolError) == 3; }, 5000));
    {  // a silent peer after the handshake: the handshake timeout (2 s here)
      RawClient c(listener_->port());
      QVERIFY(c.handshake());
      QVERIFY(c.closedByServer());
    }
    QCOMPARE(rejected(RtmpRejectReason::Timeout), int64_t{1});
    {  // a publish before connect
      RawClient c(listener_->port());
      QVERIFY(c.handshake());
      std::vector<uint8_t> m{0x03, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0};
      const std::vector<uint8_t> name{0x02, 0, 7, 'p', 'u', 'b', 'l', 'i', 's', 'h'};
      m.insert(m.end(), name.begin(), name.end());
      m[6] = static_cast<uint8_t>(name.size());
      c.send(m);
      QVERIFY(c.closedByServer());
    }
    QCOMPARE(rejected(RtmpRejectReason::ProtocolError), int64_t{4});

    const int now = ch1.sink.videoCount();
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= now + 30; }, 5000));
    const auto check = srttest::checkTimestamps(ch1.sink.frames(), 3000);
    QVERIFY2(check.empty(), check.c_str());
    QCOMPARE(listener_->stats("ch1", "primary")->sessions, int64_t{1});
    QVERIFY(listener_->stats("ch1", "primary")->connected);
    // And the other input still takes a publisher.
    publish(url("live", "key-2"));
    QVERIFY(waitFor([&] { return ch2.sink.videoCount() >= 10; }, 20000));
    QCOMPARE(ch2.input.status().failedSessions, int64_t{0});
  }

  // Removing an input cuts its publisher; its sink hears nothing after.
  void removingAnInputDisconnectsItsPublisher() {
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    QProcess* p = publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));
    QVERIFY(listener_->removeInput("ch1", "primary").isOk());
    QVERIFY(!listener_->stats("ch1", "primary"));
    QVERIFY(exitsWithError(p));
    QThread::msleep(300);  // the input drains what it had
    const int after = ch1.sink.videoCount();
    QThread::msleep(500);
    QCOMPARE(ch1.sink.videoCount(), after);
  }

  void tooManySessionsAreRefused() {
    RtmpListenerSpec s;
    s.address = "127.0.0.1";
    s.port = 0;
    s.maxSessions = 2;
    RtmpListener small(s);
    QVERIFY(small.start().isOk());
    {
      RawClient a(small.port()), b(small.port());
      QVERIFY(a.connected() && b.connected());
      QVERIFY(waitFor([&] { return small.counters().connections == 2; }, 5000));
      RawClient c(small.port());
      QVERIFY(c.closedByServer());
      QCOMPARE(small.counters().rejected[static_cast<int>(RtmpRejectReason::TooManySessions)], int64_t{1});
    }
    // The two went without a byte (port checks): no bad handshake, and their places are free again.
    QThread::msleep(200);
    QCOMPARE(small.counters().rejected[static_cast<int>(RtmpRejectReason::BadHandshake)], int64_t{0});
    RawClient d(small.port());
    QVERIFY(d.handshake());
  }

  // One address cannot hold every slot with idle connections; its publisher
  // does not count against it, and other addresses still get in.
  void idleConnectionsPerAddressAreCapped() {
    RtmpListenerSpec s;
    s.address = "127.0.0.1";
    s.port = 0;
    s.maxPendingPerAddress = 2;
    s.handshakeTimeoutMs = 5000;
    listener_ = std::make_unique<RtmpListener>(s);
    QVERIFY(listener_->start().isOk());
    Channel ch1(*listener_, spec("ch1", "primary", "live", kKey), *timeline_);
    QVERIFY(ch1.ok);
    publish(url("live", QString::fromStdString(kKey)));
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= 10; }, 20000));
    RawClient a(listener_->port()), b(listener_->port());
    QVERIFY(a.connected() && b.connected());
    QVERIFY(waitFor([&] { return listener_->counters().connections == 3; }, 5000));
    RawClient c(listener_->port());
    QVERIFY(c.closedByServer());
    QCOMPARE(rejected(RtmpRejectReason::TooManySessions), int64_t{1});
    RawClient other(listener_->port(), "127.0.0.2");
    QVERIFY(other.handshake());
    const int now = ch1.sink.videoCount();
    QVERIFY(waitFor([&] { return ch1.sink.videoCount() >= now + 30; }, 5000));
    QCOMPARE(rejected(RtmpRejectReason::TooManySessions), int64_t{1});
  }
};

QTEST_GUILESS_MAIN(TstRtmpListener)
#include "tst_rtmp_listener.moc"
