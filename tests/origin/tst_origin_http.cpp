// The origin's HTTP surface over real sockets, without media: service
// endpoints, methods, CORS, keep-alive, pipelining, limits and hostile input.
#include <QtTest>

#include <regex>

#include "http_test_client.h"
#include "origin/origin.h"

using namespace testhttp;
using vigil::origin::Origin;
using vigil::origin::OriginConfig;

namespace {

std::string rawRequest(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// Sends raw bytes on a fresh connection; the status of the answer, or 0 if
// the connection was closed without one.
unsigned rawStatus(uint16_t port, const std::string& bytes) {
  Connection c(port);
  c.sendRaw(bytes);
  auto res = c.read();
  return res ? res->result_int() : 0;
}

}  // namespace

class TstOriginHttp : public QObject {
  Q_OBJECT
  std::unique_ptr<Origin> origin_;
  uint16_t port_ = 0;

  bool stillServes() {
    auto res = fetch(port_, "/healthz");
    return res && res->result_int() == 200;
  }

 private slots:
  void initTestCase() {
    OriginConfig cfg;
    cfg.listenAddress = "127.0.0.1";
    cfg.port = 0;
    cfg.ioThreads = 2;
    cfg.limits.requestReadTimeout = std::chrono::milliseconds(400);
    cfg.limits.keepAliveIdleTimeout = std::chrono::milliseconds(1000);
    cfg.limits.maxHeaderBytes = 4096;
    cfg.limits.maxQueryBytes = 128;
    origin_ = std::make_unique<Origin>(cfg);
    const auto st = origin_->start();
    QVERIFY2(st.isOk(), st.message().c_str());
    port_ = origin_->port();
    QVERIFY(port_ != 0);
  }
  void cleanupTestCase() { origin_.reset(); }

  void healthzReportsChannelCount() {
    auto res = fetch(port_, "/healthz");
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY(res->body().find("\"ok\"") != std::string::npos);
    QVERIFY(res->body().find("\"channels\":0") != std::string::npos);
    QCOMPARE(str((*res)[http::field::cache_control]), std::string("no-store"));
    QCOMPARE(str((*res)[http::field::access_control_allow_origin]), std::string("*"));
  }

  void timeIsCurrentIsoUtcWithMilliseconds() {
    auto res = fetch(port_, "/time");
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QCOMPARE(str((*res)[http::field::cache_control]), std::string("no-store"));
    const QString body = QString::fromStdString(res->body()).trimmed();
    QVERIFY2(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$").match(body).hasMatch(),
             qPrintable(body));
    QDateTime t = QDateTime::fromString(body, Qt::ISODateWithMs);
    QVERIFY(t.isValid());
    QVERIFY(qAbs(t.msecsTo(QDateTime::currentDateTimeUtc())) < 2000);
  }

  void metricsAreValidPrometheusTextAndCount() {
    QCOMPARE(fetch(port_, "/live/nochannel/master.m3u8")->result_int(), 404u);
    QCOMPARE(fetch(port_, "/live/nochannel/master.m3u8")->result_int(), 404u);
    auto res = fetch(port_, "/metrics");
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY(str((*res)[http::field::content_type]).starts_with("text/plain; version=0.0.4"));
    // name{label="value",...} number   (Prometheus text format 0.0.4)
    const std::regex sample(
        "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\",?)*\\})? "
        "(-?[0-9.eE+-]+|[+-]Inf|NaN)$");
    std::istringstream in(res->body());
    std::string line;
    double master404 = -1;
    int samples = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
      QVERIFY2(std::regex_match(line, sample), line.c_str());
      ++samples;
      if (line.starts_with("vigil_http_requests_total{kind=\"master\",status=\"404\"}"))
        master404 = std::stod(line.substr(line.rfind(' ') + 1));
    }
    QVERIFY(samples > 5);
    QVERIFY2(master404 >= 2, res->body().c_str());
    QVERIFY(res->body().find("# TYPE vigil_http_held_requests gauge") != std::string::npos);
    QVERIFY(res->body().find("vigil_http_blocking_wait_seconds_bucket{le=\"+Inf\"}") != std::string::npos);
  }

  void unknownObjectsAre404WithShortNegativeCache() {
    for (const char* t : {"/live/nochannel/master.m3u8", "/live/nochannel/v0/playlist.m3u8",
                          "/live/nochannel/v0/part_1_0.m4s", "/live/nochannel/manifest.mpd"}) {
      auto res = fetch(port_, t);
      QVERIFY(res);
      QCOMPARE(res->result_int(), 404u);
      QCOMPARE(str((*res)[http::field::cache_control]), std::string("public, max-age=1"));
    }
    auto other = fetch(port_, "/nothing/here");
    QCOMPARE(other->result_int(), 404u);
    QCOMPARE(str((*other)[http::field::cache_control]), std::string("no-store"));
  }

  void otherMethodsAre405WithAllow() {
    for (auto m : {http::verb::post, http::verb::put, http::verb::delete_}) {
      auto res = fetch(port_, "/healthz", m);
      QVERIFY(res);
      QCOMPARE(res->result_int(), 405u);
      QCOMPARE(str((*res)[http::field::allow]), std::string("GET, HEAD, OPTIONS"));
      QCOMPARE(str((*res)[http::field::cache_control]), std::string("no-store"));
    }
  }

  void corsPreflightIsAnswered() {
    auto res = fetch(port_, "/live/news1/v0/playlist.m3u8", http::verb::options,
                     {{"Origin", "https://player.example"}, {"Access-Control-Request-Method", "GET"}});
    QVERIFY(res);
    QCOMPARE(res->result_int(), 204u);
    QCOMPARE(str((*res)[http::field::access_control_allow_origin]), std::string("*"));
    QVERIFY(str((*res)[http::field::access_control_allow_methods]).find("GET") != std::string::npos);
    QVERIFY(!str((*res)[http::field::access_control_max_age]).empty());
  }

  void headHasSameHeadersAndNoBody() {
    Connection c(port_);
    auto get = c.get("/healthz");
    auto head = c.request(http::verb::head, "/healthz");
    QVERIFY(get && head);
    QCOMPARE(head->result_int(), 200u);
    QCOMPARE(str((*head)[http::field::content_length]), std::to_string(get->body().size()));
    QCOMPARE(str((*head)[http::field::content_type]), str((*get)[http::field::content_type]));
    QVERIFY(head->body().empty());
    // The connection is still in sync after HEAD: the next answer parses.
    auto again = c.get("/healthz");
    QVERIFY(again && again->result_int() == 200);
  }

  void keepAliveServesManyRequestsOnOneConnection() {
    Connection c(port_);
    for (int i = 0; i < 5; ++i) {
      auto res = c.get(i % 2 ? "/time" : "/healthz");
      QVERIFY(res);
      QCOMPARE(res->result_int(), 200u);
      QVERIFY(res->keep_alive());
    }
  }

  void pipelinedRequestsAreAnsweredInOrder() {
    Connection c(port_);
    c.sendRaw(rawRequest("/healthz") + rawRequest("/nothing") + rawRequest("/time"));
    auto a = c.read(), b = c.read(), d = c.read();
    QVERIFY(a && b && d);
    QCOMPARE(a->result_int(), 200u);
    QCOMPARE(b->result_int(), 404u);
    QCOMPARE(d->result_int(), 200u);
    QVERIFY(d->body().find('T') != std::string::npos);
  }

  void hostileTargetsAre400_data() {
    QTest::addColumn<QString>("target");
    for (const char* t : {"/live/../etc/passwd", "/live/%2e%2e/%2e%2e/etc/passwd", "/live/news1%2fv0/init.mp4",
                          "/live/news1/v0%2F..%2Finit.mp4", "/live/%00/master.m3u8", "/live/news1\\v0\\init.mp4",
                          "/live/%zz/master.m3u8", "/live/news1/master.m3u8%",
                          "http://127.0.0.1/live/news1/master.m3u8", "/live/news1/v0/playlist.m3u8?_HLS_msn=%zz"})
      QTest::newRow(t) << QString::fromLatin1(t);
  }
  void hostileTargetsAre400() {
    QFETCH(QString, target);
    QCOMPARE(rawStatus(port_, rawRequest(target.toStdString())), 400u);
    QVERIFY(stillServes());
  }

  void oversizedRequestsAreRefused() {
    QCOMPARE(rawStatus(port_, rawRequest("/healthz?q=" + std::string(500, 'a'))), 414u);
    QCOMPARE(rawStatus(port_, rawRequest("/" + std::string(5000, 'a'))), 431u);  // over the header limit
    QCOMPARE(rawStatus(port_, rawRequest("/healthz", "X-Big: " + std::string(8000, 'b') + "\r\n")), 431u);
    QCOMPARE(rawStatus(port_, "GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"), 413u);
    QVERIFY(stillServes());
  }

  void malformedProtocolIsRefused() {
    QCOMPARE(rawStatus(port_, "GET /healthz HTTP/1.0\r\n\r\n"), 426u);
    QCOMPARE(rawStatus(port_, "GET /healthz HTTP/1.1\r\n\r\n"), 400u);  // no Host
    const unsigned garbage = rawStatus(port_, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
    QVERIFY2(garbage == 400 || garbage == 0, QByteArray::number(garbage));
    QCOMPARE(rawStatus(port_, "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n"), 405u);
    QVERIFY(stillServes());
  }

  void silentClientIsClosedByTheReadTimeout() {
    Connection c(port_, std::chrono::milliseconds(3000));
    QElapsedTimer t;
    t.start();
    QVERIFY(c.closedByPeer());
    QVERIFY2(t.elapsed() >= 300 && t.elapsed() < 2500, QByteArray::number(t.elapsed()));
    QVERIFY(stillServes());
  }

  void idleKeepAliveIsClosedAtItsOwnTimeout() {
    // The idle timeout (1 s here) is longer than the read timeout (400 ms):
    // the connection's one timer must honour each, not the shortest.
    Connection c(port_, std::chrono::milliseconds(3000));
    auto res = c.get("/healthz");
    QVERIFY(res && res->result_int() == 200);
    QElapsedTimer t;
    t.start();
    QVERIFY(c.closedByPeer());
    QVERIFY2(t.elapsed() >= 900 && t.elapsed() < 2500, QByteArray::number(t.elapsed()));
  }

  void slowHeaderTrickleIsCutOff() {
    Connection c(port_, std::chrono::milliseconds(3000));
    c.sendRaw("GET /healthz HTTP/1.1\r\n");
    QElapsedTimer t;
    t.start();
    QVERIFY(c.closedByPeer());
    QVERIFY(t.elapsed() < 2500);
  }
};

QTEST_GUILESS_MAIN(TstOriginHttp)
#include "tst_origin_http.moc"
