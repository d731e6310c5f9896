// BatchedSender over real loopback TCP sockets: the sends one IO thread
// starts in one turn go to the kernel together and each completes with what
// its socket took; a full socket takes part or nothing (the caller writes
// the rest); a socket closed before the batch went out fails alone; and the
// bytes arrive whole and in order; a held reply's release ends once the
// kernel has taken all of it, before the batch resumes anyone. Run under ASan too. The same file runs
// with io_uring refused (VIGIL_ORIGIN_NO_IO_URING=1), where nothing batches.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <QtTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "origin/batched_send.h"

using namespace vigil::origin;

namespace {

struct Pair {
  explicit Pair(asio::io_context& ioc) : server(ioc), client(ioc) {}
  tcp::socket server;  // the origin's side: sends
  tcp::socket client;  // the player's side: reads
};

// N connected loopback pairs, the server side non-blocking like the origin's.
std::vector<std::unique_ptr<Pair>> connectPairs(asio::io_context& ioc, int n) {
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::vector<std::unique_ptr<Pair>> pairs;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_unique<Pair>(ioc);
    p->client.connect(acceptor.local_endpoint());
    acceptor.accept(p->server);
    p->server.non_blocking(true);
    p->server.set_option(tcp::no_delay(true));
    pairs.push_back(std::move(p));
  }
  return pairs;
}

struct Result {
  boost::system::error_code ec;
  std::size_t sent = 0;
  bool done = false;
};

awaitable<void> sendOne(BatchedSender& sender, tcp::socket& socket, std::array<asio::const_buffer, 3> buffers,
                        Result& out, HeldRelease* release = nullptr) {
  out.sent = co_await sender.send(socket, buffers, out.ec, release);
  out.done = true;
}

// sendOne, then counts the releases still held when this sender resumed.
awaitable<void> sendThenLook(BatchedSender& sender, tcp::socket& socket, std::array<asio::const_buffer, 3> buffers,
                             Result& out, HeldRelease* release, const std::vector<HeldRelease>& all,
                             std::size_t& stillHeld) {
  co_await sendOne(sender, socket, buffers, out, release);
  stillHeld = std::size_t(std::count_if(all.begin(), all.end(), [](const HeldRelease& r) { return r != nullptr; }));
}

std::string readExactly(tcp::socket& s, std::size_t n) {
  std::string got(n, '\0');
  asio::read(s, asio::buffer(got));
  return got;
}

bool batchingExpected() {
  const char* no = std::getenv("VIGIL_ORIGIN_NO_IO_URING");
  return !(no && std::string(no) == "1");
}

}  // namespace

class TstBatchedSend : public QObject {
  Q_OBJECT
 private slots:
  void sendsOfOneTurnGoOutTogetherAndArriveWhole() {
    asio::io_context ioc(1);
    auto pairs = connectPairs(ioc, 300);  // more than one ring's worth (256)
    BatchedSender& sender = BatchedSender::of(ioc.get_executor());
    if (batchingExpected() && !BatchedSender::available()) QSKIP("io_uring is not available on this kernel");
    QCOMPARE(sender.batching(), batchingExpected());
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n";
    const std::string date = "Date: x\r\n\r\n";
    const std::string body(2000, 'b');
    std::vector<Result> results(pairs.size());
    // One publication's release, shared by every reply: it ends when the
    // kernel has taken the last of them, before any sender resumes.
    OriginMetrics metrics;
    std::vector<HeldRelease> releases(pairs.size());
    {
      const auto round = std::make_shared<HeldReleaseRound>(metrics, std::chrono::steady_clock::now());
      for (auto& r : releases) r = round;
    }
    std::vector<std::size_t> stillHeldAtResume(pairs.size(), releases.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      asio::co_spawn(
          ioc,
          sendThenLook(sender, pairs[i]->server, {asio::buffer(head), asio::buffer(date), asio::buffer(body)},
                       results[i], &releases[i], releases, stillHeldAtResume[i]),
          asio::detached);
    const std::size_t batchesBefore = sender.batchesSubmitted();
    ioc.poll();
    for (const Result& r : results) {
      QVERIFY(r.done);
      QVERIFY2(!r.ec, r.ec.message().c_str());
      QCOMPARE(r.sent, head.size() + date.size() + body.size());
    }
    for (std::size_t n : stillHeldAtResume) QCOMPARE(n, std::size_t(0));
    QVERIFY(metrics.render({}, 0).find("vigil_http_held_release_seconds_count 1\n") != std::string::npos);
    if (sender.batching()) {
      // 300 sends in two submissions (256 + 44), not 300 system calls.
      QCOMPARE(sender.batchesSubmitted() - batchesBefore, std::size_t(2));
      QCOMPARE(sender.sendsCompleted(), std::size_t(300));
    }
    for (auto& p : pairs) QCOMPARE(readExactly(p->client, head.size() + date.size() + body.size()), head + date + body);
  }

  void aFullSocketTakesPartThenNothing() {
    asio::io_context ioc(1);
    auto pairs = connectPairs(ioc, 1);
    tcp::socket& s = pairs[0]->server;
    s.set_option(asio::socket_base::send_buffer_size(16 * 1024));
    pairs[0]->client.set_option(asio::socket_base::receive_buffer_size(16 * 1024));
    BatchedSender& sender = BatchedSender::of(ioc.get_executor());
    std::string big(8 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 23);
    // The player does not read: a send takes what fits (acknowledgements
    // may free a little more for the next), until one finds the socket full.
    std::size_t taken = 0;
    int sends = 0;
    Result r;
    OriginMetrics metrics;
    do {
      r = Result{};
      // A release is given up only with the whole reply: kept here.
      HeldRelease release = std::make_shared<HeldReleaseRound>(metrics, std::chrono::steady_clock::now());
      const std::string_view rest = std::string_view(big).substr(taken);
      asio::co_spawn(ioc, sendOne(sender, s, {asio::buffer(rest.data(), rest.size()), {}, {}}, r, &release),
                     asio::detached);
      ioc.restart();
      ioc.poll();
      QVERIFY(r.done);
      QVERIFY(release != nullptr);
      if (!r.ec) {
        QVERIFY(r.sent > 0);
        taken += r.sent;
      }
    } while (!r.ec && ++sends < 100);
    QCOMPARE(r.ec, boost::system::error_code(asio::error::would_block));
    QCOMPARE(r.sent, std::size_t(0));
    QVERIFY(taken > 0);
    QVERIFY(taken < big.size());
    // What was taken arrives in order, nothing more.
    QCOMPARE(readExactly(pairs[0]->client, taken), big.substr(0, taken));
    pairs[0]->client.non_blocking(true);
    boost::system::error_code ec;
    char extra;
    QCOMPARE(pairs[0]->client.read_some(asio::buffer(&extra, 1), ec), std::size_t(0));
    QCOMPARE(ec, boost::system::error_code(asio::error::would_block));
  }

  void aSocketClosedBeforeTheBatchFailsAlone() {
    asio::io_context ioc(1);
    auto pairs = connectPairs(ioc, 3);
    BatchedSender& sender = BatchedSender::of(ioc.get_executor());
    const std::string msg = "hello";
    std::vector<Result> results(3);
    for (int i = 0; i < 3; ++i)
      asio::co_spawn(ioc, sendOne(sender, pairs[i]->server, {asio::buffer(msg), {}, {}}, results[i]), asio::detached);
    // Every send is queued (each coroutine runs to its send) before the
    // batch goes out; the middle socket closes in between, as a connection
    // whose deadline passed does.
    asio::post(ioc, [&] { pairs[1]->server.close(); });
    ioc.poll();
    for (const Result& r : results) QVERIFY(r.done);
    QVERIFY(!results[0].ec);
    QCOMPARE(results[0].sent, msg.size());
    QCOMPARE(results[1].ec, boost::system::error_code(asio::error::bad_descriptor));
    QCOMPARE(results[1].sent, std::size_t(0));
    QVERIFY(!results[2].ec);
    QCOMPARE(readExactly(pairs[0]->client, msg.size()), msg);
    QCOMPARE(readExactly(pairs[2]->client, msg.size()), msg);
    // The closed one's player sees the end of the stream, no bytes.
    boost::system::error_code ec;
    char c;
    pairs[1]->client.read_some(asio::buffer(&c, 1), ec);
    QCOMPARE(ec, boost::system::error_code(asio::error::eof));
  }

  void aPendingSendDiesWithItsContext() {
    // The io_context goes away with a batch queued but not flushed: the
    // waiting coroutine is destroyed, not resumed, and nothing leaks (ASan).
    auto ioc = std::make_unique<asio::io_context>(1);
    auto pairs = connectPairs(*ioc, 1);
    BatchedSender& sender = BatchedSender::of(ioc->get_executor());
    const std::string msg = "never";
    Result r;
    asio::co_spawn(*ioc, sendOne(sender, pairs[0]->server, {asio::buffer(msg), {}, {}}, r), asio::detached);
    ioc->run_one();  // the coroutine queues its send; the flush is not run
    QVERIFY(!r.done);
    pairs.clear();
    ioc.reset();
    QVERIFY(!r.done);
  }
};

QTEST_GUILESS_MAIN(TstBatchedSend)
#include "tst_batched_send.moc"
