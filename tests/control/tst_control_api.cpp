// The HTTP control API end to end: a real engine (a Standard channel, two
// pipeline workers) serving /api/v1/ on its origin port, driven by a
// RemoteEngine and by raw HTTP requests. The remote answers what the engine
// answers in-process; its operator actions reach the engine under its
// operator's name; refusals, hostile requests and authentication get clear
// 4xx answers; and players are answered at once while a rehearsal holds a
// control call for seconds.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "control/control_api.h"
#include "control/engine.h"
#include "control/remote_engine.h"
#include "core/clock.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::control;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

struct RawAnswer {
  int status = 0;  // 0: no answer
  std::string body;
  std::string cacheControl;
  std::string allow;
  std::string wwwAuthenticate;
  std::string error;  // of the transport
};

// One request on a fresh connection, bounded by a 10 s timeout.
RawAnswer rawRequest(uint16_t port, http::verb verb, const std::string& target, const std::string& body = {},
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  RawAnswer out;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(10));
  stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](boost::system::error_code e) { ec = e; });
  ioc.run();
  if (ec) {
    out.error = ec.message();
    return out;
  }
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(false);
  http::async_write(stream, req, [&](boost::system::error_code e, std::size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  // Read the answer even when the write was cut short (an early 413).
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::async_read(stream, buffer, parser, [&](boost::system::error_code e, std::size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec && !parser.is_header_done()) {
    out.error = ec.message();
    return out;
  }
  const auto& res = parser.get();
  out.status = res.result_int();
  out.body = res.body();
  auto field = [&](http::field f) {
    auto it = res.find(f);
    return it == res.end() ? std::string() : std::string(it->value());
  };
  out.cacheControl = field(http::field::cache_control);
  out.allow = field(http::field::allow);
  out.wwwAuthenticate = field(http::field::www_authenticate);
  return out;
}

std::string errorOf(const RawAnswer& a) {
  const json j = json::parse(a.body, nullptr, false);
  return j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
}

bool pipelinesUp(const EngineApi& e) {
  const auto st = e.channel("red1");
  if (!st || st->state != ChannelStatus::State::Running || st->pipelines.size() != 2) return false;
  for (const auto& p : st->pipelines)
    if (p.state != "up") return false;
  return true;
}

}  // namespace

class TstControlApi : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RemoteEngine> remote_;
  uint16_t port_ = 0;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private slots:
  void initTestCase() {
    ChannelSpec ch = test::tinyChannel("red1");
    ch.redundancy.mode = "standard";
    engine_ = test::startEngine(test::loopbackConfig(dir_, {ch}));
    QVERIFY(engine_);
    port_ = engine_->httpPort();
    QVERIFY(test::waitFor([&] { return pipelinesUp(*engine_); }, 20000));
    // No token configured: loopback clients are let in.
    auto remote = RemoteEngine::connect(url(), "", "carol");
    QVERIFY2(remote, remote.message().c_str());
    remote_ = std::move(*remote);
  }

  void cleanupTestCase() {
    remote_.reset();
    engine_.reset();
  }

  void remoteAnswersWhatTheEngineAnswers() {
    RemoteEngine& r = *remote_;
    QCOMPARE(r.engineVersion(), std::string(VIGIL_TEST_VERSION));
    QCOMPARE(r.publicBaseUrl(), engine_->publicBaseUrl());
    const auto local = engine_->channels();
    const auto remote = r.channels();
    QVERIFY2(!remote.empty(), r.lastError().c_str());
    QCOMPARE(remote.size(), local.size());
    for (size_t i = 0; i < local.size(); ++i) {
      QCOMPARE(remote[i].id, local[i].id);
      QCOMPARE(remote[i].name, local[i].name);
      QVERIFY(remote[i].state == local[i].state);
      QCOMPARE(remote[i].hlsUrl, local[i].hlsUrl);
      QCOMPARE(remote[i].redundancy, local[i].redundancy);
      QCOMPARE(remote[i].renditions.size(), local[i].renditions.size());
      for (size_t k = 0; k < local[i].renditions.size(); ++k)
        QCOMPARE(remote[i].renditions[k].id, local[i].renditions[k].id);
    }
    const auto one = r.channel("red1");
    const auto inProcess = engine_->channel("red1");
    QVERIFY(one && inProcess);
    QVERIFY(one->state == ChannelStatus::State::Running);
    QCOMPARE(one->pipelines.size(), size_t(2));
    for (size_t k = 0; k < 2; ++k) {
      QCOMPARE(one->pipelines[k].index, inProcess->pipelines[k].index);
      QCOMPARE(one->pipelines[k].pid, inProcess->pipelines[k].pid);
      QCOMPARE(one->pipelines[k].preferred, inProcess->pipelines[k].preferred);
      QCOMPARE(one->pipelines[k].state, inProcess->pipelines[k].state);
    }
    QVERIFY(!r.channel("nope"));
    QCOMPARE(r.lastError(), std::string("no channel nope"));

    const auto specs = r.channelSpecs();
    QCOMPARE(specs.size(), size_t(1));
    QCOMPARE(specs[0].id, std::string("red1"));
    QCOMPARE(specs[0].redundancy.mode, std::string("standard"));
    QCOMPARE(specs[0].video.at(0).width, 320);

    const auto events = r.events("*", 50);
    QVERIFY(!events.empty());
    bool started = false;
    for (const auto& e : events) started = started || (e.kind == "channel.start" && e.channelId == "red1");
    QVERIFY(started);
    QCOMPARE(r.events("red1", 3).size(), size_t(3));
    bool engineStarted = false;
    for (const auto& e : r.events("", 20)) engineStarted = engineStarted || e.kind == "engine.start";
    QVERIFY(engineStarted);
    // A fixed range that holds samples: both sides answer the same points.
    const int64_t from = nowUtcUs();  // within the full-rate window: every sample
    QVERIFY(test::waitFor([&] { return !engine_->manifestAgeSeries("red1", "v0", from, nowUtcUs()).empty(); }, 5000));
    const int64_t to = nowUtcUs();
    const auto localAges = engine_->manifestAgeSeries("red1", "v0", from, to);
    const auto remoteAges = r.manifestAgeSeries("red1", "v0", from, to);
    QCOMPARE(remoteAges.size(), localAges.size());
    QCOMPARE(remoteAges.front().utcUs, localAges.front().utcUs);
    QCOMPARE(remoteAges.front().ageSeconds, localAges.front().ageSeconds);
    QVERIFY(r.availability("red1"));
    QCOMPARE(r.availability("red1")->channelId, std::string("red1"));
    QVERIFY(!r.availability("nope"));
  }

  void preferThroughTheRemoteIsTheOperatorsAction() {
    RemoteEngine& r = *remote_;
    QVERIFY(engine_->channel("red1")->pipelines[0].preferred);
    auto s = r.preferPipeline("red1", 1);
    QVERIFY2(s, s.message().c_str());
    QVERIFY(test::waitFor([&] { return engine_->channel("red1")->pipelines[1].preferred; }, 5000));
    bool found = false;
    for (const auto& e : engine_->events("red1", 50))
      found = found || (e.kind == "pipeline.prefer" && e.actor == "carol" && e.detail == "pipeline 1");
    QVERIFY(found);
    // An actor named by the caller wins over the default.
    QVERIFY(r.preferPipeline("red1", 0, "dave"));
    found = false;
    for (const auto& e : r.events("red1", 50)) found = found || (e.kind == "pipeline.prefer" && e.actor == "dave");
    QVERIFY(found);
    // Refusals are errors with the server's reason.
    auto bad = r.preferPipeline("red1", 2);
    QVERIFY(!bad);
    QVERIFY2(bad.message().find("pipeline") != std::string::npos, bad.message().c_str());
    QVERIFY(!r.preferPipeline("nope", 0));
    QVERIFY(!r.acknowledgeAlarm(987654321, "carol"));
    QVERIFY(!r.rehearse("red1", "meteor-strike", 100));
  }

  void stopAndStartRoundTrip() {
    RemoteEngine& r = *remote_;
    QVERIFY(r.stopChannel("red1"));
    QVERIFY(engine_->channel("red1")->state == ChannelStatus::State::Stopped);
    QVERIFY(r.channel("red1")->state == ChannelStatus::State::Stopped);
    QVERIFY(!r.stopChannel("red1"));  // already stopped: refused, not a crash
    auto s = r.startChannel("red1");
    QVERIFY2(s, s.message().c_str());
    QVERIFY(!r.startChannel("red1"));  // already running
    QVERIFY(test::waitFor([&] { return pipelinesUp(*engine_); }, 20000));
    bool stoppedByCarol = false;
    for (const auto& e : engine_->events("red1", 50))
      stoppedByCarol = stoppedByCarol || (e.kind == "channel.stop" && e.actor == "carol");
    QVERIFY(stoppedByCarol);
  }

  void malformedAndUnknownRequests() {
    auto a = rawRequest(port_, http::verb::post, "/api/v1/channels/red1/hold", "{\"hold\": tru");
    QCOMPARE(a.status, 400);
    QVERIFY2(errorOf(a).find("JSON") != std::string::npos, a.body.c_str());
    QCOMPARE(a.cacheControl, std::string("no-store"));
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/channels/red1/hold", "[1,2]").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/channels/red1/hold", R"({"hold":"yes"})").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/channels/red1/input", R"({"force":true})").status, 400);

    a = rawRequest(port_, http::verb::get, "/api/v1/no/such/route");
    QCOMPARE(a.status, 404);
    QCOMPARE(a.cacheControl, std::string("no-store"));
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/nope").status, 404);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v2/channels").status, 404);

    a = rawRequest(port_, http::verb::delete_, "/api/v1/channels/red1");
    QCOMPARE(a.status, 405);
    QCOMPARE(a.allow, std::string("GET, PUT"));

    // Hostile targets and parameters.
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/%zz").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/..%2f..%2fetc%2fpasswd").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/../../etc/passwd").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/a%20b").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/alarms/abc/ack", "{}").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/alarms/-1/ack", "{}").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::post, "/api/v1/channels/red1/pipelines/x/prefer").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/events?limit=lots").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/events?limit=99999999999999999999").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/channels/red1/manifest-age").status, 400);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/alarms?open=maybe").status, 400);
    QCOMPARE(
        rawRequest(port_, http::verb::get, "/api/v1/events", {}, {{"X-Vigil-Operator", std::string(200, 'x')}}).status,
        400);
    a = rawRequest(port_, http::verb::put, "/api/v1/channels/red1", R"({"id":"other"})");
    QCOMPARE(a.status, 400);
    a = rawRequest(port_, http::verb::put, "/api/v1/channels/red2", R"({"packaging":{"part_ms":300}})");
    QCOMPARE(a.status, 422);
    QVERIFY2(errorOf(a).find("part_ms") != std::string::npos, a.body.c_str());
    a = rawRequest(port_, http::verb::put, "/api/v1/channels/red1", specBody());
    QCOMPARE(a.status, 409);  // running: not replaced
    QVERIFY2(errorOf(a).find("running") != std::string::npos, a.body.c_str());

    // A body over 1 MiB: 413, and the origin goes on serving.
    a = rawRequest(port_, http::verb::put, "/api/v1/channels/red1", std::string(2 * 1024 * 1024, ' '));
    QCOMPARE(a.status, 413);
    QCOMPARE(rawRequest(port_, http::verb::get, "/api/v1/engine").status, 200);
    // A body is still refused on the players' side.
    QCOMPARE(rawRequest(port_, http::verb::post, "/red1/master.m3u8", "x").status, 413);

    // Every answer was JSON, every refusal said why; the engine is unharmed.
    QVERIFY(pipelinesUp(*engine_));
  }

  void onlyLoopbackWithoutAToken() {
    ControlApi api(*engine_, ControlApiOptions{.token = {}, .version = "x"});
    origin::ControlRequest req;
    req.method = "GET";
    req.target = "/api/v1/channels";
    req.peerAddress = "192.0.2.7";
    req.peerLoopback = false;
    QCOMPARE(api.handle(req).status, 403u);
    req.peerLoopback = true;
    QCOMPARE(api.handle(req).status, 200u);
  }

  void tokenIsRequiredWhenConfigured() {
    QTemporaryDir dir;
    auto cfg = test::loopbackConfig(dir, {});
    cfg.control.token = "s3cret-token";
    auto engine = test::startEngine(cfg);
    QVERIFY(engine);
    const uint16_t port = engine->httpPort();
    auto a = rawRequest(port, http::verb::get, "/api/v1/engine");
    QCOMPARE(a.status, 401);
    QVERIFY(a.wwwAuthenticate.starts_with("Bearer"));
    QCOMPARE(a.cacheControl, std::string("no-store"));
    QCOMPARE(rawRequest(port, http::verb::get, "/api/v1/engine", {}, {{"Authorization", "Bearer wrong"}}).status, 401);
    QCOMPARE(
        rawRequest(port, http::verb::get, "/api/v1/engine", {}, {{"Authorization", "Bearer s3cret-tokenX"}}).status,
        401);
    QCOMPARE(rawRequest(port, http::verb::get, "/api/v1/engine", {}, {{"Authorization", "s3cret-token"}}).status, 401);
    QCOMPARE(rawRequest(port, http::verb::get, "/api/v1/engine", {}, {{"Authorization", "Bearer s3cret-token"}}).status,
             200);
    // Authentication comes before routing: a stranger learns nothing of the routes.
    QCOMPARE(rawRequest(port, http::verb::get, "/api/v1/no/such/route").status, 401);

    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    auto refused = RemoteEngine::connect(base, "wrong", "carol");
    QVERIFY(!refused);
    QVERIFY2(refused.message().find("401") != std::string::npos, refused.message().c_str());
    QVERIFY2(refused.message().find(base) != std::string::npos, refused.message().c_str());
    auto admitted = RemoteEngine::connect(base, "s3cret-token", "carol");
    QVERIFY2(admitted, admitted.message().c_str());
    QVERIFY((*admitted)->channels().empty());
    QVERIFY2((*admitted)->lastError().empty(), (*admitted)->lastError().c_str());

    // The engine goes away: a clear error, and lists come back empty.
    engine.reset();
    QVERIFY((*admitted)->channels().empty());
    QVERIFY2((*admitted)->lastError().find(base) != std::string::npos, (*admitted)->lastError().c_str());
    auto gone = RemoteEngine::connect(base, "s3cret-token", "carol");
    QVERIFY(!gone);
    QVERIFY2(gone.message().find("cannot") != std::string::npos, gone.message().c_str());

    // Back on the same port: the remote's next call opens a new connection,
    // including after a kept-alive one the engine dropped under it.
    cfg.http.listen = "127.0.0.1:" + std::to_string(port);
    cfg.channels = {test::tinyChannel("again")};
    engine = test::startEngine(cfg);
    QVERIFY(engine);
    QCOMPARE(engine->httpPort(), port);
    QVERIFY2((*admitted)->channel("again"), (*admitted)->lastError().c_str());
    engine.reset();
    cfg.channels = {test::tinyChannel("third")};
    engine = test::startEngine(cfg);
    QVERIFY(engine);
    QVERIFY2((*admitted)->channel("third"), (*admitted)->lastError().c_str());
    engine.reset();
    QVERIFY(!RemoteEngine::connect("https://127.0.0.1:1", "", ""));
    QVERIFY(!RemoteEngine::connect("127.0.0.1:1", "", ""));
    QVERIFY(!RemoteEngine::connect("http://127.0.0.1:notaport", "", ""));
  }

  void playersAreServedDuringARehearsal() {
    QVERIFY(test::waitFor([&] { return pipelinesUp(*engine_); }, 20000));
    const auto status = engine_->channel("red1");
    QVERIFY(status);
    const std::string playlist = status->hlsUrl.substr(engine_->publicBaseUrl().size());
    QCOMPARE(rawRequest(port_, http::verb::get, playlist).status, 200);

    QElapsedTimer rehearsal;
    rehearsal.start();
    auto report = std::async(std::launch::async, [&] { return remote_->rehearse("red1", "pipeline-kill", 3000); });
    // A second remote (its own connection): control calls are not serialised behind the rehearsal.
    auto other = RemoteEngine::connect(url(), "", "erin");
    QVERIFY2(other, other.message().c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    qint64 worstMs = 0;
    int answered = 0;
    while (rehearsal.elapsed() < 2500) {
      QElapsedTimer t;
      t.start();
      const auto a = rawRequest(port_, http::verb::get, playlist);
      worstMs = std::max(worstMs, t.elapsed());
      QCOMPARE(a.status, 200);
      ++answered;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    QElapsedTimer t;
    t.start();
    QCOMPARE((*other)->channels().size(), size_t(1));
    const qint64 controlMs = t.elapsed();
    QVERIFY2(report.wait_for(std::chrono::seconds(0)) != std::future_status::ready, "the rehearsal ended early");
    auto r = report.get();
    QVERIFY2(r, r.message().c_str());
    QCOMPARE(r->kind, std::string("pipeline-kill"));
    QVERIFY(r->observedMs >= 3000);
    QVERIFY(rehearsal.elapsed() >= 3000);
    qInfo("%d playlist answers during the rehearsal, the slowest in %lld ms; a control call in %lld ms", answered,
          static_cast<long long>(worstMs), static_cast<long long>(controlMs));
    QVERIFY(answered >= 10);
    QVERIFY2(worstMs < 500, std::to_string(worstMs).c_str());
    QVERIFY2(controlMs < 1000, std::to_string(controlMs).c_str());
    bool kept = false;
    for (const auto& e : engine_->events("red1", 50)) kept = kept || (e.kind == "rehearsal" && e.actor == "carol");
    QVERIFY(kept);

    // The kill raised an alarm: seen through the remote, acknowledged there.
    std::vector<monitor::Alarm> alarms;
    QVERIFY(test::waitFor(
        [&] {
          alarms = remote_->alarms("red1", false, 50);
          return !alarms.empty();
        },
        10000));
    QCOMPARE(alarms.size(), engine_->alarms("red1", false, 50).size());
    QCOMPARE(alarms.front().id, engine_->alarms("red1", false, 50).front().id);
    const auto open = remote_->alarms("red1", true, 50);
    if (!open.empty()) {
      auto ack = remote_->acknowledgeAlarm(open.front().id, "carol");
      QVERIFY2(ack, ack.message().c_str());
      bool acked = false;
      for (const auto& a : engine_->alarms("red1", false, 50))
        acked = acked || (a.id == open.front().id && a.ackedBy == "carol");
      QVERIFY(acked);
      qInfo("acknowledged alarm #%lld (%s) through the remote", static_cast<long long>(open.front().id),
            open.front().key.kind.c_str());
    } else {
      // All cleared already: acknowledging a cleared alarm is refused, with the engine's reason.
      auto ack = remote_->acknowledgeAlarm(alarms.front().id, "carol");
      QVERIFY(!ack);
      qInfo("alarm #%lld already cleared: %s", static_cast<long long>(alarms.front().id), ack.message().c_str());
    }
  }

 private:
  static std::string specBody() {
    ChannelSpec ch = test::tinyChannel("red1");
    return channelToJson(ch).dump();
  }
};

QTEST_GUILESS_MAIN(TstControlApi)
#include "tst_control_api.moc"
