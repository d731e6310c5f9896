// The origin serving a real ChannelPackager fed with synthetic CMAF objects:
// cache headers per object kind, ETags, blocking playlist reload
// (rfc8216bis 6.2.5.2), held pending parts, and the metrics of both.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <QtTest>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/media_types.h"
#include "core/timeline.h"
#include "http_test_client.h"
#include "origin/origin.h"
#include "package/channel_packager.h"

using namespace testhttp;
using vigil::Bytes;
using vigil::origin::Origin;
using vigil::origin::OriginConfig;
namespace package = vigil::package;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSegmentMs = 1000;
constexpr int kPartMs = 200;
constexpr int kPartsPerSegment = kSegmentMs / kPartMs;

// A channel fed by hand: every part's bytes name its position, so a test can
// tell which object it got.
struct FakeChannel {
  std::shared_ptr<package::ChannelPackager> packager;
  vigil::PackagingSpec spec;
  std::vector<std::string> renditions{"v0", "a0"};

  FakeChannel(const std::string& id, int segmentMs, int partMs, int startSegment, int dvrSegments = 60) {
    spec.segmentDurationMs = segmentMs;
    spec.partDurationMs = partMs;
    spec.partHoldBackMs = 3 * partMs;
    spec.liveWindowSegments = std::min(6, dvrSegments);
    spec.dvrWindowSegments = dvrSegments;
    vigil::Timeline timeline(int64_t(segmentMs) * 90, int64_t(partMs) * 90);
    // Anchor the timeline so that segment `startSegment` begins now: manifest
    // age stays near zero while the test publishes in real time.
    timeline.begin(vigil::nowUtcUs() - int64_t(startSegment) * segmentMs * 1000);
    packager = std::make_shared<package::ChannelPackager>(id, spec, timeline, renditions);
    for (const auto& r : renditions) {
      vigil::CmafInit init;
      init.rendition.id = r;
      init.rendition.kind = r[0] == 'a' ? vigil::TrackKind::Audio : vigil::TrackKind::Video;
      init.rendition.codecs = r[0] == 'a' ? "mp4a.40.2" : "avc1.64001f";
      init.rendition.bitrateBps = r[0] == 'a' ? 128000 : 1000000;
      init.rendition.peakBitrateBps = init.rendition.bitrateBps;
      init.rendition.timescale = r[0] == 'a' ? 48000 : 90000;
      init.rendition.width = r[0] == 'a' ? 0 : 640;
      init.rendition.height = r[0] == 'a' ? 0 : 360;
      init.rendition.frameRate = r[0] == 'a' ? 0 : 30;
      init.rendition.sampleRate = r[0] == 'a' ? 48000 : 0;
      init.rendition.channels = r[0] == 'a' ? 2 : 0;
      init.bytes = vigil::makeBytes("init-" + r + std::string(500, 'i'));
      packager->onInit(init);
    }
  }
  int partsPerSegment() const { return spec.segmentDurationMs / spec.partDurationMs; }

  static std::string partBytes(const std::string& r, int64_t msn, int part) {
    return "part-" + r + "-" + std::to_string(msn) + "-" + std::to_string(part) + std::string(1000, 'p');
  }
  void publish(int64_t msn, int part, const std::vector<std::string>& only = {}) {
    for (const auto& r : only.empty() ? renditions : only) {
      vigil::CmafPart p;
      p.renditionId = r;
      p.segmentNumber = msn;
      p.partIndex = part;
      const int64_t partTicks = int64_t(spec.partDurationMs) * 90;
      p.startTime90k = msn * int64_t(spec.segmentDurationMs) * 90 + part * partTicks;
      p.duration90k = partTicks;
      p.independent = part == 0 || r[0] == 'a';
      p.lastInSegment = part == partsPerSegment() - 1;
      p.bytes = vigil::makeBytes(partBytes(r, msn, part));
      packager->onPart(p);
    }
  }
  // Publishes every part of segments [from, to).
  void publishSegments(int64_t from, int64_t to) {
    for (int64_t s = from; s < to; ++s)
      for (int i = 0; i < partsPerSegment(); ++i) publish(s, i);
  }
};

std::string playlistTarget(const std::string& ch, const std::string& r, const std::string& query = "") {
  return "/live/" + ch + "/" + r + "/playlist.m3u8" + (query.empty() ? "" : "?" + query);
}

// Issues `count` GETs concurrently (one connection each) and collects the
// answers and when each arrived.
struct Concurrent {
  struct Answer {
    unsigned status = 0;
    std::string body;
    Clock::time_point at;
  };
  asio::io_context ioc;
  std::vector<Answer> answers;
  std::atomic<int> connected{0};
  std::thread thread;

  Concurrent(uint16_t port, const std::string& target, int count) : answers(count) {
    for (int i = 0; i < count; ++i) asio::co_spawn(ioc, one(port, target, answers[i]), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Concurrent() {
    ioc.stop();
    if (thread.joinable()) thread.join();
  }
  void join() { thread.join(); }

  asio::awaitable<void> one(uint16_t port, std::string target, Answer& out) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(20));
    co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    ++connected;
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    out.at = Clock::now();
    if (ec) co_return;
    out.status = res.result_int();
    out.body = std::move(res.body());
  }
};

double metricValue(const std::string& metrics, const std::string& seriesPrefix) {
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(seriesPrefix + " ")) return std::stod(line.substr(line.rfind(' ') + 1));
  return -1;
}

}  // namespace

class TstOriginLive : public QObject {
  Q_OBJECT
  std::unique_ptr<Origin> origin_;
  std::unique_ptr<FakeChannel> ch_;
  uint16_t port_ = 0;
  int64_t nextMsn_ = 0;  // next segment to publish on ch_
  int nextPart_ = 0;

  void publishNext() {
    ch_->publish(nextMsn_, nextPart_);
    if (++nextPart_ == kPartsPerSegment) {
      nextPart_ = 0;
      ++nextMsn_;
    }
  }
  package::PlaylistPosition last() const { return ch_->packager->lastPosition("v0"); }
  std::string held() {
    auto m = fetch(port_, "/metrics");
    return m ? m->body() : std::string();
  }

 private slots:
  void initTestCase() {
    OriginConfig cfg;
    cfg.listenAddress = "127.0.0.1";
    cfg.port = 0;
    cfg.ioThreads = 2;
    origin_ = std::make_unique<Origin>(cfg);
    QVERIFY(origin_->start().isOk());
    port_ = origin_->port();
    ch_ = std::make_unique<FakeChannel>("news1", kSegmentMs, kPartMs, 100);
    QVERIFY(origin_->addChannel(ch_->packager));
    QVERIFY(!origin_->addChannel(ch_->packager));  // one registration per id
    nextMsn_ = 100;
    for (int i = 0; i < 3 * kPartsPerSegment + 2; ++i) publishNext();  // 100..102 complete, 103 has 2 parts
    QCOMPARE(last(), (package::PlaylistPosition{103, 1}));
  }
  void cleanupTestCase() {
    origin_.reset();
    ch_.reset();
  }

  void servesEveryObjectKindWithItsCachePolicy() {
    struct Case {
      std::string target, type, cache;
    };
    const std::string immutable = "public, max-age=31536000, immutable", manifest = "public, max-age=1";
    const std::vector<Case> cases = {
        {"/live/news1/master.m3u8", "application/vnd.apple.mpegurl", manifest},
        {"/live/news1/manifest.mpd", "application/dash+xml", manifest},
        {playlistTarget("news1", "v0"), "application/vnd.apple.mpegurl", manifest},
        {playlistTarget("news1", "v0", "_HLS_msn=102&_HLS_part=0"), "application/vnd.apple.mpegurl", manifest},
        {"/live/news1/v0/init.mp4", "video/mp4", immutable},
        {"/live/news1/a0/init.mp4", "audio/mp4", immutable},
        {"/live/news1/v0/part_103_1.m4s", "video/mp4", immutable},
        {"/live/news1/a0/part_103_0.m4s", "audio/mp4", immutable},
        {"/live/news1/v0/seg_101.m4s", "video/mp4", immutable},
    };
    for (const auto& c : cases) {
      auto res = fetch(port_, c.target);
      QVERIFY2(res, c.target.c_str());
      QVERIFY2(res->result_int() == 200, (c.target + " -> " + std::to_string(res->result_int())).c_str());
      QCOMPARE(str((*res)[http::field::content_type]), c.type);
      QCOMPARE(str((*res)[http::field::cache_control]), c.cache);
      QVERIFY(!str((*res)[http::field::etag]).empty());
      QVERIFY(!res->body().empty());
    }
    QCOMPARE(fetch(port_, "/live/news1/v0/part_103_1.m4s")->body(), FakeChannel::partBytes("v0", 103, 1));
    QVERIFY(fetch(port_, playlistTarget("news1", "v0"))->body().find("part_103_1.m4s") != std::string::npos);
  }

  void objectsLargerThanTheSendBufferArriveWhole() {
    // The first non-blocking send takes what fits; the rest is written
    // asynchronously (the socket's send buffer is at most 4 MB here).
    FakeChannel big("big1", 2000, 200, 0);
    vigil::CmafInit init;
    init.rendition.id = "v0";
    init.rendition.kind = vigil::TrackKind::Video;
    init.rendition.codecs = "avc1.64001f";
    init.rendition.bitrateBps = 1000000;
    init.rendition.peakBitrateBps = 1000000;
    init.rendition.timescale = 90000;
    init.rendition.width = 640;
    init.rendition.height = 360;
    init.rendition.frameRate = 30;
    std::string bytes(24 * 1024 * 1024, 'i');
    for (std::size_t i = 0; i < bytes.size(); i += 4096) bytes[i] = char('a' + (i / 4096) % 26);
    init.bytes = vigil::makeBytes(bytes);
    big.packager->onInit(init);
    QVERIFY(origin_->addChannel(big.packager));
    auto res = fetch(port_, "/live/big1/v0/init.mp4");
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY(res->body() == bytes);
    QVERIFY(origin_->removeChannel("big1"));
  }

  void missingObjectsAre404WithNegativeCache() {
    for (const char* t : {"/live/news1/v0/part_900_0.m4s", "/live/news1/v0/seg_5000.m4s", "/live/news1/v0/seg_3.m4s",
                          "/live/news1/v9/playlist.m3u8", "/live/news1/v9/init.mp4"}) {
      auto res = fetch(port_, t);
      QVERIFY(res);
      QVERIFY2(res->result_int() == 404, t);
      QCOMPARE(str((*res)[http::field::cache_control]), std::string("public, max-age=1"));
    }
  }

  void evictedObjectsAre404() {
    FakeChannel small("dvr1", kSegmentMs, kPartMs, 0, 3);
    QVERIFY(origin_->addChannel(small.packager));
    small.publishSegments(0, 8);
    auto fresh = fetch(port_, "/live/dvr1/v0/seg_7.m4s");
    QCOMPARE(fresh->result_int(), 200u);
    auto old = fetch(port_, "/live/dvr1/v0/seg_0.m4s");
    QCOMPARE(old->result_int(), 404u);
    QCOMPARE(str((*old)[http::field::cache_control]), std::string("public, max-age=1"));
    QCOMPARE(fetch(port_, "/live/dvr1/v0/part_0_0.m4s")->result_int(), 404u);
    QVERIFY(origin_->removeChannel("dvr1"));
    QCOMPARE(fetch(port_, "/live/dvr1/v0/seg_7.m4s")->result_int(), 404u);
  }

  void etagRevalidatesTo304() {
    for (const std::string& t : std::vector<std::string>{"/live/news1/v0/part_103_0.m4s", "/live/news1/v0/init.mp4",
                                                         playlistTarget("news1", "v0")}) {
      Connection c(port_);
      auto first = c.get(t);
      QVERIFY(first && first->result_int() == 200);
      const std::string etag = str((*first)[http::field::etag]);
      QVERIFY(etag.size() > 2 && etag.front() == '"' && etag.back() == '"');
      auto again = c.request(http::verb::get, t, {{"If-None-Match", "\"other\", " + etag}});
      QVERIFY(again);
      QCOMPARE(again->result_int(), 304u);
      QVERIFY(again->body().empty());
      QCOMPARE(str((*again)[http::field::etag]), etag);
      QCOMPARE(str((*again)[http::field::cache_control]), str((*first)[http::field::cache_control]));
      auto stale = c.request(http::verb::get, t, {{"If-None-Match", "\"nope\""}});
      QCOMPARE(stale->result_int(), 200u);
    }
  }

  void headOfAPartHasItsLengthAndNoBody() {
    Connection c(port_);
    auto head = c.request(http::verb::head, "/live/news1/v0/part_103_0.m4s");
    QVERIFY(head);
    QCOMPARE(head->result_int(), 200u);
    QCOMPARE(str((*head)[http::field::content_length]), std::to_string(FakeChannel::partBytes("v0", 103, 0).size()));
    QVERIFY(head->body().empty());
    QCOMPARE(c.get("/live/news1/v0/part_103_0.m4s")->body(), FakeChannel::partBytes("v0", 103, 0));
  }

  void preSerializedHeadsCarryEveryHeader() {
    // 200s of packager objects take the pre-serialized path: GET and HEAD,
    // keep-alive and close must carry every header, once, with a fresh Date.
    const std::vector<http::field> expected = {
        http::field::server,        http::field::date,          http::field::access_control_allow_origin,
        http::field::cache_control, http::field::content_type,  http::field::access_control_expose_headers,
        http::field::etag,          http::field::content_length};
    auto checkHeaders = [&](const Response& r, std::size_t length) {
      QCOMPARE(r.result_int(), 200u);
      QCOMPARE(r.version(), 11u);
      for (auto f : expected) QVERIFY2(r.count(f) == 1, std::string(http::to_string(f)).c_str());
      QCOMPARE(str(r[http::field::content_length]), std::to_string(length));
      QCOMPARE(str(r[http::field::access_control_allow_origin]), std::string("*"));
      QCOMPARE(str(r[http::field::access_control_expose_headers]), std::string("Age, Date, ETag, Content-Length"));
      std::tm tm{};
      const std::string date = str(r[http::field::date]);
      QVERIFY2(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr, date.c_str());
      QVERIFY2(std::abs(static_cast<long>(timegm(&tm) - std::time(nullptr))) <= 2, date.c_str());
    };
    for (const std::string& t : std::vector<std::string>{"/live/news1/v0/part_103_0.m4s", "/live/news1/a0/init.mp4",
                                                         playlistTarget("news1", "v0"), "/live/news1/master.m3u8"}) {
      Connection c(port_);
      auto get = c.get(t);
      QVERIFY2(get, t.c_str());
      checkHeaders(*get, get->body().size());
      QVERIFY(!get->body().empty());
      QVERIFY(get->keep_alive());
      QVERIFY(get->find(http::field::connection) == get->end());
      // HEAD: the same head on the same connection, no body, still in sync.
      auto head = c.request(http::verb::head, t);
      QVERIFY(head);
      checkHeaders(*head, get->body().size());
      QVERIFY(head->body().empty());
      for (auto f : expected)
        if (f != http::field::date) QCOMPARE(str((*head)[f]), str((*get)[f]));
      // 304 is not pre-serialized and still validates.
      auto notModified = c.request(http::verb::get, t, {{"If-None-Match", str((*get)[http::field::etag])}});
      QVERIFY(notModified);
      QCOMPARE(notModified->result_int(), 304u);
      QCOMPARE(str((*notModified)[http::field::etag]), str((*get)[http::field::etag]));
      QVERIFY(notModified->body().empty());
      // Connection: close is answered with it, the same body, then a close.
      auto closing = c.request(http::verb::get, t, {{"Connection", "close"}});
      QVERIFY(closing);
      checkHeaders(*closing, get->body().size());
      QVERIFY(!closing->keep_alive());
      QCOMPARE(str((*closing)[http::field::connection]), std::string("close"));
      QCOMPARE(closing->body(), get->body());
      QVERIFY(c.closedByPeer());
    }
  }

  void blockingReloadAlreadyAvailableAnswersAtOnce() {
    const auto pos = last();
    QElapsedTimer t;
    t.start();
    auto res =
        fetch(port_, playlistTarget("news1", "v0",
                                    "_HLS_msn=" + std::to_string(pos.msn) + "&_HLS_part=" + std::to_string(pos.part)));
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY2(t.elapsed() < 200, QByteArray::number(t.elapsed()));
    QCOMPARE(res->body(), fetch(port_, playlistTarget("news1", "v0"))->body());
    // _HLS_msn alone: segment 102 is complete.
    QCOMPARE(fetch(port_, playlistTarget("news1", "v0", "_HLS_msn=102"))->result_int(), 200u);
  }

  void blockingReloadReturnsPromptlyAfterPublish() {
    const auto pos = last();
    const int64_t wantMsn = pos.part + 1 == kPartsPerSegment ? pos.msn + 1 : pos.msn;
    const int wantPart = (pos.part + 1) % kPartsPerSegment;
    const std::string partUri = "part_" + std::to_string(wantMsn) + "_" + std::to_string(wantPart) + ".m4s";
    Connection c(port_);
    c.send(http::verb::get,
           playlistTarget("news1", "v0",
                          "_HLS_msn=" + std::to_string(wantMsn) + "&_HLS_part=" + std::to_string(wantPart)));
    Clock::time_point publishedAt;
    std::thread publisher([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      publishedAt = Clock::now();
      publishNext();
    });
    auto res = c.read();
    const auto answeredAt = Clock::now();
    publisher.join();
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY(res->body().find(partUri) != std::string::npos);
    const auto latencyMs = std::chrono::duration<double, std::milli>(answeredAt - publishedAt).count();
    qInfo("blocking reload answered %.2f ms after the publish", latencyMs);
    QVERIFY2(latencyMs >= 0 && latencyMs < 50, QByteArray::number(latencyMs));
  }

  void manyHeldRequestsGetIdenticalBytes() {
    // VIGIL_HELD_WAITERS raises the count for a manual run (mind ulimit -n:
    // client and server sockets share this process).
    const int kWaiters =
        qEnvironmentVariableIsSet("VIGIL_HELD_WAITERS") ? qEnvironmentVariableIntValue("VIGIL_HELD_WAITERS") : 200;
    const auto pos = last();
    const int64_t wantMsn = pos.part + 1 == kPartsPerSegment ? pos.msn + 1 : pos.msn;
    const int wantPart = (pos.part + 1) % kPartsPerSegment;
    Concurrent clients(
        port_,
        playlistTarget("news1", "v0", "_HLS_msn=" + std::to_string(wantMsn) + "&_HLS_part=" + std::to_string(wantPart)),
        kWaiters);
    // Wait until all are held by the origin (the gauge says so).
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(held(), "vigil_http_held_requests"), double(kWaiters), 5000);
    const double releasesBefore = metricValue(held(), "vigil_http_held_release_seconds_count");
    const auto publishedAt = Clock::now();
    publishNext();
    clients.join();
    // The server's own measure of that fan-out: one more publication whose
    // held replies were all written.
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(held(), "vigil_http_held_release_seconds_count"), releasesBefore + 1, 2000);
    std::set<std::string> bodies;
    double worstMs = 0;
    for (const auto& a : clients.answers) {
      QCOMPARE(a.status, 200u);
      bodies.insert(a.body);
      worstMs = std::max(worstMs, std::chrono::duration<double, std::milli>(a.at - publishedAt).count());
    }
    QCOMPARE(bodies.size(), std::size_t(1));
    QVERIFY(bodies.begin()->find("part_" + std::to_string(wantMsn) + "_" + std::to_string(wantPart)) !=
            std::string::npos);
    qInfo("%d held requests all answered within %.2f ms of the publish", kWaiters, worstMs);
    QVERIFY2(worstMs < 500, QByteArray::number(worstMs));
    QCOMPARE(metricValue(held(), "vigil_http_held_requests"), 0.0);
  }

  void tooFarAheadIs400AtOnce() {
    const auto pos = last();
    QElapsedTimer t;
    t.start();
    auto res = fetch(port_, playlistTarget("news1", "v0", "_HLS_msn=" + std::to_string(pos.msn + 3)));
    QCOMPARE(res->result_int(), 400u);
    QCOMPARE(str((*res)[http::field::cache_control]), std::string("no-store"));
    QVERIFY(t.elapsed() < 200);
    // msn + 2 is within the rule: held (answered later), not refused. Check
    // with a part-limited channel: 500 ms parts -> Advance Part Limit 6.
    FakeChannel slow("slow1", 2000, 500, 0);
    QVERIFY(origin_->addChannel(slow.packager));
    slow.publish(0, 0);
    t.restart();
    QCOMPARE(fetch(port_, playlistTarget("slow1", "v0", "_HLS_msn=1&_HLS_part=3"))->result_int(), 400u);  // 7 ahead
    QVERIFY(t.elapsed() < 200);
    QCOMPARE(fetch(port_, playlistTarget("slow1", "v0", "_HLS_msn=3"))->result_int(), 400u);
    // 6 ahead is allowed: it is held until published.
    Connection c(port_);
    c.send(http::verb::get, playlistTarget("slow1", "v0", "_HLS_msn=1&_HLS_part=2"));
    for (int i = 1; i < 4; ++i) slow.publish(0, i);
    for (int i = 0; i < 3; ++i) slow.publish(1, i);
    auto held = c.read();
    QVERIFY(held);
    QCOMPARE(held->result_int(), 200u);
    QVERIFY(origin_->removeChannel("slow1"));
  }

  void malformedDirectivesAre400_data() {
    QTest::addColumn<QString>("query");
    for (const char* q : {"_HLS_msn=-1", "_HLS_msn=abc", "_HLS_msn=99999999999999999999", "_HLS_part=1",
                          "_HLS_msn=103&_HLS_msn=103", "_HLS_msn=103&_HLS_part=1&_HLS_part=2",
                          "_HLS_msn=103&_HLS_part=-2", "_HLS_msn=1e3", "_HLS_msn=", "_HLS_skip=maybe"})
      QTest::newRow(q) << QString::fromLatin1(q);
  }
  void malformedDirectivesAre400() {
    QFETCH(QString, query);
    auto res = fetch(port_, playlistTarget("news1", "v0", query.toStdString()));
    QVERIFY(res);
    QCOMPARE(res->result_int(), 400u);
  }

  void partBeyondTheSegmentMeansNextSegment() {
    // rfc8216bis 6.2.5.2: _HLS_part past the final part = part 0 of M+1.
    const auto pos = last();
    auto res = fetch(port_, playlistTarget("news1", "v0",
                                           "_HLS_msn=" + std::to_string(pos.msn - 1) +
                                               "&_HLS_part=" + std::to_string(kPartsPerSegment + 3)));
    QCOMPARE(res->result_int(), 200u);
  }

  void heldPendingPartIsServedWhenPublished() {
    const auto pos = last();
    const int64_t msn = pos.part + 1 == kPartsPerSegment ? pos.msn + 1 : pos.msn;
    const int part = (pos.part + 1) % kPartsPerSegment;
    QCOMPARE(ch_->packager->part("v0", msn, part).availability, package::Availability::Pending);
    Connection c(port_);
    c.send(http::verb::get, "/live/news1/v0/part_" + std::to_string(msn) + "_" + std::to_string(part) + ".m4s");
    std::thread publisher([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      publishNext();
    });
    auto res = c.read();
    publisher.join();
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QCOMPARE(res->body(), FakeChannel::partBytes("v0", msn, part));
    QCOMPARE(str((*res)[http::field::cache_control]), std::string("public, max-age=31536000, immutable"));
  }

  void metricsShowCountersAndManifestAge() {
    const std::string m = held();
    const double parts = metricValue(m, "vigil_parts_published_total{channel=\"news1\"}");
    QCOMPARE(parts, double(ch_->packager->counters().partsPublished));
    QVERIFY(parts >= 2 * (3 * kPartsPerSegment + 2));
    QCOMPARE(metricValue(m, "vigil_segments_published_total{channel=\"news1\"}"),
             double(ch_->packager->counters().segmentsPublished));
    const double age = metricValue(m, "vigil_manifest_age_seconds{channel=\"news1\",rendition=\"v0\"}");
    const double expected = (vigil::nowUtcUs() - ch_->packager->newestPartEndUtcUs("v0")) / 1e6;
    QVERIFY2(std::abs(age - expected) < 1.0, m.c_str());
    QVERIFY(metricValue(m, "vigil_http_requests_total{kind=\"part\",status=\"200\"}") >= 1);
    QVERIFY(metricValue(m, "vigil_http_requests_total{kind=\"media_playlist\",status=\"400\"}") >= 1);
    QVERIFY(metricValue(m, "vigil_http_blocking_wait_seconds_count") >= 200);  // the held requests above
  }

  void blockingReloadTimesOutWith503() {
    // Nothing is published: after three target durations the answer is 503.
    const auto pos = last();
    const int64_t msn = pos.msn + 1;
    QElapsedTimer t;
    t.start();
    auto res = fetch(port_, playlistTarget("news1", "v0", "_HLS_msn=" + std::to_string(msn) + "&_HLS_part=0"));
    QVERIFY(res);
    QCOMPARE(res->result_int(), 503u);
    QCOMPARE(str((*res)[http::field::cache_control]), std::string("no-store"));
    QVERIFY2(t.elapsed() >= 3 * kSegmentMs - 50 && t.elapsed() < 3 * kSegmentMs + 1500,
             QByteArray::number(t.elapsed()));
  }

  void stopAnswersHeldRequests() {
    Connection c(port_);
    c.send(http::verb::get, playlistTarget("news1", "v0", "_HLS_msn=" + std::to_string(last().msn + 1)));
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(held(), "vigil_http_held_requests"), 1.0, 3000);
    QElapsedTimer t;
    t.start();
    origin_->stop();
    QVERIFY2(t.elapsed() < 1000, QByteArray::number(t.elapsed()));
    auto res = c.read();
    QVERIFY(res);
    QCOMPARE(res->result_int(), 503u);
    QVERIFY(!res->keep_alive());
  }
};

QTEST_GUILESS_MAIN(TstOriginLive)
#include "tst_origin_live.moc"
