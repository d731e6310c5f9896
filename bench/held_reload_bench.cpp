// Blocking-reload benchmark: time from a part's publication to the answers of
// N held LL-HLS playlist requests (_HLS_msn/_HLS_part), over R rounds.
//
//   vigil-held-reload-bench --port P --publish-log FILE [--host 127.0.0.1]
//       [--connections 1000] [--threads 2] [--rounds 20] [--warmup 1] [--parts-per-segment 10]
//       [--round-timeout-ms 3000] [--path /live/bench/v0/playlist.m3u8]
//
// One process: the N keep-alive connections are spread over T reading threads
// (--threads, default 2: a thousand players read in parallel, and one thread
// reading a thousand answers in turn would time itself), each with its own
// io_context; a control thread drives the rounds. The answers are read with a
// lean, wrk-like receive path (raw reads, Content-Length counted; see Conn),
// Boost.Beast only on the control connection. Each round: wait for a fresh publication, read the
// playlist once (a separate control connection) to learn its last part, then
// ask for the NEXT part on every connection at once and time-stamp each
// complete response (CLOCK_REALTIME). The publication time of that part comes
// from FILE, the output of `origin_bench_server --live`, which prints
// `published <msn> <part> <utc_us>` right after each part became visible.
// bench/held_reload.sh runs both.
//
// Per round: publication->first answer, publication->last answer (the time
// until all N are answered), p50/p99 of the per-request delay, and how many
// requests the server held (its vigil_http_held_requests gauge, read after
// every request was written and before the publication). Over all rounds:
// p50/p99/max of publication->last answer. A table, then one JSON line.
// Exit status: 0 when every round completed with N identical 200 answers.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// CPU time of this process, all its threads (user + system), microseconds.
int64_t processCpuUs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

int64_t realtimeUs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string publishLog;
  std::string path = "/live/bench/v0/playlist.m3u8";
  int connections = 1000;
  int threads = 2;  // reading threads
  int rounds = 20;
  int warmup = 1;
  int partsPerSegment = 10;
  int roundTimeoutMs = 3000;
};

struct Position {
  int64_t msn = -1;
  int part = -1;
  auto operator<=>(const Position&) const = default;
};

// The server's publication lines, read incrementally from its output file.
class PublishLog {
 public:
  explicit PublishLog(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~PublishLog() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  // Reads whatever was appended; returns the number of new publication lines.
  int poll() {
    int added = 0;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      pending_.append(buf, std::size_t(n));
    }
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      long long msn = 0, at = 0;
      int part = 0;
      if (std::sscanf(pending_.c_str() + start, "published %lld %d %lld", &msn, &part, &at) == 3) {
        times_[Position{msn, part}] = at;
        newest_ = Position{msn, part};
        ++count_;
        ++added;
      }
    }
    pending_.erase(0, start);
    return added;
  }
  std::optional<int64_t> timeOf(Position p) const {
    auto it = times_.find(p);
    if (it == times_.end()) return std::nullopt;
    return it->second;
  }
  uint64_t count() const { return count_; }
  Position newest() const { return newest_; }

 private:
  int fd_;
  std::string pending_;
  std::map<Position, int64_t> times_;
  Position newest_;
  uint64_t count_ = 0;
};

// A countdown: down() from any thread; wait() on the executor the latch was
// made with, ending at zero or at the deadline. The last down() posts the
// wake-up to that executor, so it lands after wait() armed the timer (wait
// checks the count first, in the same handler).
class Latch : public std::enable_shared_from_this<Latch> {
 public:
  Latch(const asio::any_io_executor& ex, int n) : timer_(ex), n_(n) {}
  void down() {
    if (n_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }
  int remaining() const { return n_.load(std::memory_order_acquire); }
  // True when the count reached zero before the deadline.
  awaitable<bool> wait(Clock::time_point deadline) {
    if (remaining() <= 0) co_return true;
    timer_.expires_at(deadline);
    error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return remaining() <= 0;
  }

 private:
  asio::steady_timer timer_;
  std::atomic<int> n_;
};

// One of the N held connections, with a deliberately lean receive path, like
// wrk's: raw reads into a reusable buffer, the end of the head found, its
// Content-Length read, and the response complete once that many body bytes
// arrived. This is not an HTTP parser and must not become one: the client sent
// the request itself and knows the exact shape of the answer (one 200 with a
// Content-Length body, no chunking, nothing pipelined). Parsing 1,000 answers
// fully took this single thread about as long as the delay it measures, on the
// same cores as the server. The status line and the body are checked after the
// round, off the timed path. Callbacks rather than coroutines: one allocation-
// recycled handler per operation, nothing else per request.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  explicit Conn(const asio::any_io_executor& ex) : sock(ex), buf_(4096) {}

  // Writes the request, then reads one response; counts `written` down after
  // the write and `answered` down when the response is complete or failed.
  // On the connection's own thread (post it there).
  void exchange(std::shared_ptr<const std::string> request, std::shared_ptr<Latch> written,
                std::shared_ptr<Latch> answered) {
    ok = false;
    error.clear();
    sentUs = recvUs = 0;
    have_ = bodyAt_ = end_ = 0;
    written_ = std::move(written);
    answered_ = std::move(answered);
    const auto bytes = asio::buffer(*request);
    asio::async_write(sock, bytes,
                      [self = shared_from_this(), request = std::move(request)](error_code ec, std::size_t) {
                        self->sentUs = realtimeUs();
                        self->written_->down();
                        if (ec)
                          self->finish("write: " + ec.message());
                        else
                          self->readSome();
                      });
  }

  // The response of the last exchange (valid when ok).
  std::string_view statusLine() const {
    const std::string_view all(buf_.data(), have_);
    return all.substr(0, all.find("\r\n"));
  }
  std::string_view body() const { return {buf_.data() + bodyAt_, end_ - bodyAt_}; }

  tcp::socket sock;
  int64_t sentUs = 0;
  int64_t recvUs = 0;
  bool ok = false;
  std::string error;

 private:
  static constexpr std::size_t kMaxHead = 64 * 1024;

  void readSome() {
    if (have_ == buf_.size()) buf_.resize(buf_.size() * 2);
    sock.async_read_some(asio::buffer(buf_.data() + have_, buf_.size() - have_),
                         [self = shared_from_this()](error_code ec, std::size_t n) { self->onRead(ec, n); });
  }

  void onRead(error_code ec, std::size_t n) {
    if (ec) return finish("read: " + ec.message());
    const std::size_t before = have_;
    have_ += n;
    if (end_ == 0 && !findEnd(before)) {
      if (!error.empty()) return finish(std::move(error));
      if (have_ > kMaxHead) return finish("no end of head in " + std::to_string(have_) + " bytes");
      return readSome();
    }
    if (have_ < end_) return readSome();
    if (have_ > end_) return finish(std::to_string(have_ - end_) + " bytes after the response");
    ok = true;
    finish({});
  }

  // Looks for the blank line ending the head (searching from a little before
  // the newly read bytes) and, once found, for Content-Length in the head.
  // False while the head is incomplete or (error set) has no usable length.
  bool findEnd(std::size_t before) {
    const std::string_view all(buf_.data(), have_);
    const std::size_t blank = all.find("\r\n\r\n", before > 3 ? before - 3 : 0);
    if (blank == std::string_view::npos) return false;
    const std::string_view head = all.substr(0, blank + 2);  // every line ends in CRLF
    constexpr std::string_view kName = "content-length:";
    for (std::size_t at = head.find("\r\n"); at + 2 < head.size(); at = head.find("\r\n", at + 2)) {
      const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - (at + 2));
      if (line.size() <= kName.size() || ::strncasecmp(line.data(), kName.data(), kName.size()) != 0) continue;
      std::size_t i = kName.size();
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      std::size_t length = 0;
      const auto [ptr, rc] = std::from_chars(line.data() + i, line.data() + line.size(), length);
      if (rc != std::errc{} || ptr == line.data() + i) break;
      bodyAt_ = blank + 4;
      end_ = bodyAt_ + length;
      return true;
    }
    error = "no Content-Length in the answer";
    return false;
  }

  void finish(std::string why) {
    recvUs = realtimeUs();
    error = std::move(why);
    written_.reset();
    std::exchange(answered_, nullptr)->down();
  }

  std::vector<char> buf_;   // reused round after round; grows only if an answer does not fit
  std::size_t have_ = 0;    // bytes of the current response in buf_
  std::size_t bodyAt_ = 0;  // body offset, once the head is complete
  std::size_t end_ = 0;     // one past the body; 0 until the head is complete
  std::shared_ptr<Latch> written_, answered_;
};

awaitable<void> connectOne(Conn& c, tcp::endpoint ep, std::shared_ptr<Latch> done) {
  error_code ec;
  co_await c.sock.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
  if (ec)
    c.error = "connect: " + ec.message();
  else
    c.sock.set_option(tcp::no_delay(true), ec);
  done->down();
}

// Control connection: plain GETs answered at once (playlist, /metrics).
class Control {
 public:
  Control(const asio::any_io_executor& ex, std::string host) : sock_(ex), host_(std::move(host)) {}
  awaitable<void> connect(tcp::endpoint ep) {
    co_await sock_.async_connect(ep, asio::use_awaitable);
    sock_.set_option(tcp::no_delay(true));
  }
  awaitable<http::response<http::string_body>> get(const std::string& target) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host_);
    req.keep_alive(true);
    co_await http::async_write(sock_, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(sock_, buf_, res, asio::use_awaitable);
    co_return res;
  }

 private:
  tcp::socket sock_;
  beast::flat_buffer buf_;
  std::string host_;
};

// The newest part listed by an LL-HLS media playlist: its last EXT-X-PART URI,
// "part_<msn>_<index>.m4s".
std::optional<Position> lastPart(const std::string& playlist) {
  const std::size_t tag = playlist.rfind("#EXT-X-PART:");
  if (tag == std::string::npos) return std::nullopt;
  const std::size_t eol = playlist.find('\n', tag);
  const std::string line = playlist.substr(tag, eol == std::string::npos ? std::string::npos : eol - tag);
  const std::size_t uri = line.find("URI=\"");
  if (uri == std::string::npos) return std::nullopt;
  const std::size_t name = line.rfind("part_");
  if (name == std::string::npos || name < uri) return std::nullopt;
  long long msn = 0;
  int part = 0;
  if (std::sscanf(line.c_str() + name, "part_%lld_%d.m4s", &msn, &part) != 2) return std::nullopt;
  return Position{msn, part};
}

std::optional<long long> metricValue(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  return std::atoll(text.c_str() + at + key.size());
}

double percentile(std::vector<double> v, double p) {  // nearest rank
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  std::size_t rank = std::size_t(std::ceil(p / 100.0 * double(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

struct RoundResult {
  Position part;
  long long held = -1;
  double marginMs = 0;  // publication - last request written
  double firstMs = 0, lastMs = 0, p50Ms = 0, p99Ms = 0;
  double clientCpuMs = 0;  // this client's CPU from the first write to the last answer
  std::size_t bodyBytes = 0;
};

awaitable<bool> pollUntil(PublishLog& log, Clock::time_point deadline, const std::function<bool()>& done) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (;;) {
    log.poll();
    if (done()) co_return true;
    if (Clock::now() >= deadline) co_return false;
    t.expires_after(std::chrono::microseconds(500));
    co_await t.async_wait(asio::use_awaitable);
  }
}

// The reading threads, each running its own io_context until destroyed.
class Readers {
 public:
  explicit Readers(int n) {
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      work_.push_back(asio::make_work_guard(*contexts_.back()));
    }
    for (auto& c : contexts_) threads_.emplace_back([&ioc = *c] { ioc.run(); });
  }
  ~Readers() {
    work_.clear();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_) t.join();
  }
  asio::any_io_executor executor(std::size_t i) const { return contexts_[i % contexts_.size()]->get_executor(); }

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

awaitable<int> run(const Options& opt) {
  auto ex = co_await asio::this_coro::executor;
  Readers readers(opt.threads);
  const tcp::endpoint ep(asio::ip::make_address(opt.host), static_cast<unsigned short>(opt.port));
  const std::string hostHeader = opt.host + ":" + std::to_string(opt.port);

  PublishLog log(opt.publishLog);
  if (!log.ok()) {
    std::fprintf(stderr, "cannot read %s: %s\n", opt.publishLog.c_str(), std::strerror(errno));
    co_return 2;
  }

  Control ctl(ex, hostHeader);
  co_await ctl.connect(ep);

  std::vector<std::shared_ptr<Conn>> conns;
  conns.reserve(std::size_t(opt.connections));
  {
    auto connected = std::make_shared<Latch>(ex, opt.connections);
    for (int i = 0; i < opt.connections; ++i) {
      conns.push_back(std::make_shared<Conn>(readers.executor(std::size_t(i))));
      asio::co_spawn(conns.back()->sock.get_executor(), connectOne(*conns.back(), ep, connected), asio::detached);
    }
    if (!co_await connected->wait(Clock::now() + std::chrono::seconds(10))) {
      std::fprintf(stderr, "only %d of %d connections opened in 10 s\n", opt.connections - connected->remaining(),
                   opt.connections);
      co_return 1;
    }
    for (const auto& c : conns)
      if (!c->error.empty()) {
        std::fprintf(stderr, "%s\n", c->error.c_str());
        co_return 1;
      }
  }
  std::fprintf(stderr, "%d connections open to %s\n", opt.connections, hostHeader.c_str());

  std::vector<RoundResult> results;
  std::vector<double> allDelays;
  bool failed = false;
  const int total = opt.warmup + opt.rounds;
  for (int round = 0; round < total && !failed; ++round) {
    const bool warm = round < opt.warmup;
    // Start right after a publication, so the next one is a full part interval away.
    log.poll();
    const uint64_t seen = log.count();
    if (!co_await pollUntil(log, Clock::now() + std::chrono::seconds(2), [&] { return log.count() > seen; })) {
      std::fprintf(stderr, "no publication seen in %s for 2 s (is the server running with --live?)\n",
                   opt.publishLog.c_str());
      co_return 1;
    }
    auto playlist = co_await ctl.get(opt.path);
    if (playlist.result() != http::status::ok) {
      std::fprintf(stderr, "GET %s: %u\n", opt.path.c_str(), playlist.result_int());
      co_return 1;
    }
    const auto last = lastPart(playlist.body());
    if (!last) {
      std::fprintf(stderr, "no EXT-X-PART in the playlist\n");
      co_return 1;
    }
    const Position next =
        last->part + 1 < opt.partsPerSegment ? Position{last->msn, last->part + 1} : Position{last->msn + 1, 0};
    const std::string target =
        opt.path + "?_HLS_msn=" + std::to_string(next.msn) + "&_HLS_part=" + std::to_string(next.part);
    auto request = std::make_shared<const std::string>("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader +
                                                       "\r\nUser-Agent: vigil-held-reload-bench\r\n\r\n");

    const auto deadline = Clock::now() + std::chrono::milliseconds(opt.roundTimeoutMs);
    const int64_t cpuStart = processCpuUs();
    auto written = std::make_shared<Latch>(ex, opt.connections);
    auto answered = std::make_shared<Latch>(ex, opt.connections);
    for (auto& c : conns)
      asio::post(c->sock.get_executor(), [c, request, written, answered] { c->exchange(request, written, answered); });
    const bool allWritten = co_await written->wait(deadline);
    RoundResult rr;
    rr.part = next;
    if (allWritten) {
      // Read while nothing is published yet: every request should be held.
      auto metrics = co_await ctl.get("/metrics");
      if (auto v = metricValue(metrics.body(), "vigil_http_held_requests")) rr.held = *v;
    }
    if (!co_await answered->wait(deadline)) {
      std::fprintf(stderr, "round %d: %d of %d requests unanswered after %d ms\n", round, answered->remaining(),
                   opt.connections, opt.roundTimeoutMs);
      failed = true;
      break;
    }
    const int64_t cpuEnd = processCpuUs();
    // The server prints the publication line just after the answers may have left.
    if (!co_await pollUntil(log, Clock::now() + std::chrono::seconds(1),
                            [&] { return log.timeOf(next).has_value(); })) {
      std::fprintf(stderr, "round %d: no publication line for part %lld.%d\n", round, static_cast<long long>(next.msn),
                   next.part);
      failed = true;
      break;
    }
    const int64_t pubUs = *log.timeOf(next);

    std::vector<double> delays;
    delays.reserve(conns.size());
    int64_t lastSent = 0;
    // Checked here, after the clock stopped: every answer a 200 whose body is
    // byte-identical to the first connection's, which lists the awaited part.
    const Conn& first = *conns.front();
    const std::string body0 = first.ok ? std::string(first.body()) : std::string();
    for (const auto& c : conns) {
      if (!c->ok) {
        std::fprintf(stderr, "round %d: %s\n", round, c->error.c_str());
        failed = true;
        break;
      }
      if (!c->statusLine().starts_with("HTTP/1.1 200 ")) {
        std::fprintf(stderr, "round %d: status line \"%.*s\"\n", round, int(c->statusLine().size()),
                     c->statusLine().data());
        failed = true;
        break;
      }
      const std::string_view body = c->body();
      if (body.size() != body0.size() || std::memcmp(body.data(), body0.data(), body0.size()) != 0) {
        std::fprintf(stderr, "round %d: answers differ\n", round);
        failed = true;
        break;
      }
      lastSent = std::max(lastSent, c->sentUs);
      delays.push_back(double(c->recvUs - pubUs) / 1000.0);
    }
    if (failed) break;
    const auto shown = lastPart(body0);
    if (!shown || *shown < next) {
      std::fprintf(stderr, "round %d: the answer does not list part %lld.%d\n", round, static_cast<long long>(next.msn),
                   next.part);
      failed = true;
      break;
    }
    rr.bodyBytes = body0.size();
    rr.clientCpuMs = double(cpuEnd - cpuStart) / 1000.0;
    rr.marginMs = double(pubUs - lastSent) / 1000.0;
    rr.firstMs = *std::min_element(delays.begin(), delays.end());
    rr.lastMs = *std::max_element(delays.begin(), delays.end());
    rr.p50Ms = percentile(delays, 50);
    rr.p99Ms = percentile(delays, 99);
    if (warm) {
      std::fprintf(stderr, "warm-up round: part %lld.%d, last answer %.2f ms after publication\n",
                   static_cast<long long>(next.msn), next.part, rr.lastMs);
      continue;
    }
    allDelays.insert(allDelays.end(), delays.begin(), delays.end());
    results.push_back(rr);
  }
  {
    auto closed = std::make_shared<Latch>(ex, opt.connections);
    for (auto& c : conns)
      asio::post(c->sock.get_executor(), [c, closed] {
        error_code ignored;
        c->sock.shutdown(tcp::socket::shutdown_both, ignored);
        c->sock.close(ignored);
        closed->down();
      });
    co_await closed->wait(Clock::now() + std::chrono::seconds(5));
  }
  if (failed || results.empty()) co_return 1;

  std::printf("blocking reload: %d held requests per round, %zu rounds, playlist %zu bytes\n", opt.connections,
              results.size(), results.front().bodyBytes);
  std::printf("times in ms from publication (server, after onPart returned) to receipt (client)\n");
  std::printf("%5s %12s %6s %10s %9s %9s %9s %9s %11s\n", "round", "part", "held", "margin", "first", "p50", "p99",
              "LAST", "client-cpu");
  std::vector<double> lasts, firsts, clientCpu;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    char part[32];
    std::snprintf(part, sizeof part, "%lld.%d", static_cast<long long>(r.part.msn), r.part.part);
    std::printf("%5zu %12s %6lld %10.1f %9.2f %9.2f %9.2f %9.2f %11.2f\n", i + 1, part, r.held, r.marginMs, r.firstMs,
                r.p50Ms, r.p99Ms, r.lastMs, r.clientCpuMs);
    lasts.push_back(r.lastMs);
    firsts.push_back(r.firstMs);
    clientCpu.push_back(r.clientCpuMs);
  }
  const double lastP50 = percentile(lasts, 50), lastP99 = percentile(lasts, 99),
               lastMax = *std::max_element(lasts.begin(), lasts.end());
  std::printf("publication -> last of %d answers: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (target: p99 < 20 ms: %s)\n",
              opt.connections, lastP50, lastP99, lastMax, lastP99 < 20.0 ? "met" : "MISSED");
  std::printf("publication -> first answer: p50 %.2f ms; per request over all rounds: p50 %.2f ms  p99 %.2f ms\n",
              percentile(firsts, 50), percentile(allDelays, 50), percentile(allDelays, 99));
  std::printf("client CPU per round (writing %d requests, reading %d answers, %d reading threads): p50 %.2f ms\n",
              opt.connections, opt.connections, opt.threads, percentile(clientCpu, 50));
  std::printf(
      "(held: the server's held-request gauge read after all requests were written; margin: publication "
      "minus the last write, positive = every request was in before the part; client-cpu: this\n"
      " client's own CPU time per round, all threads, a part of the measured delay on a busy machine)\n");

  nlohmann::json j;
  j["bench"] = "held_reload";
  j["connections"] = opt.connections;
  j["client_threads"] = opt.threads;
  j["rounds"] = results.size();
  j["warmup"] = opt.warmup;
  j["last_ms"] = {{"p50", lastP50}, {"p99", lastP99}, {"max", lastMax}};
  j["first_ms"] = {{"p50", percentile(firsts, 50)}, {"max", *std::max_element(firsts.begin(), firsts.end())}};
  j["per_request_ms"] = {{"p50", percentile(allDelays, 50)}, {"p99", percentile(allDelays, 99)}};
  j["client_cpu_ms_p50"] = percentile(clientCpu, 50);
  j["target_p99_ms"] = 20;
  j["target_met"] = lastP99 < 20.0;
  nlohmann::json perRound = nlohmann::json::array();
  for (const auto& r : results)
    perRound.push_back({{"msn", r.part.msn},
                        {"part", r.part.part},
                        {"held", r.held},
                        {"first_ms", r.firstMs},
                        {"last_ms", r.lastMs},
                        {"p50_ms", r.p50Ms},
                        {"p99_ms", r.p99Ms},
                        {"client_cpu_ms", r.clientCpuMs}});
  j["per_round"] = perRound;
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
  co_return 0;
}

void raiseFileLimit(int connections) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t want = rlim_t(connections) + 64;
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = std::min(want, rl.rlim_max);
  setrlimit(RLIMIT_NOFILE, &rl);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--host")
      opt.host = value();
    else if (a == "--port")
      opt.port = std::atoi(value());
    else if (a == "--publish-log")
      opt.publishLog = value();
    else if (a == "--path")
      opt.path = value();
    else if (a == "--connections")
      opt.connections = std::atoi(value());
    else if (a == "--threads")
      opt.threads = std::atoi(value());
    else if (a == "--rounds")
      opt.rounds = std::atoi(value());
    else if (a == "--warmup")
      opt.warmup = std::atoi(value());
    else if (a == "--parts-per-segment")
      opt.partsPerSegment = std::atoi(value());
    else if (a == "--round-timeout-ms")
      opt.roundTimeoutMs = std::atoi(value());
    else {
      std::fprintf(
          stderr,
          "usage: %s --port N --publish-log FILE [--host 127.0.0.1] [--connections 1000] [--threads 2]\n"
          "       [--rounds 20] [--warmup 1] [--parts-per-segment 10] [--round-timeout-ms 3000] [--path TARGET]\n",
          argv[0]);
      return 2;
    }
  }
  if (opt.port <= 0 || opt.port > 65535 || opt.publishLog.empty() || opt.connections < 1 || opt.threads < 1 ||
      opt.threads > 64 || opt.rounds < 1 || opt.warmup < 0 || opt.partsPerSegment < 1 || opt.roundTimeoutMs < 100) {
    std::fprintf(stderr, "need --port and --publish-log; counts must be positive\n");
    return 2;
  }
  error_code ec;
  const auto address = asio::ip::make_address(opt.host, ec);
  if (ec || !address.is_loopback()) {
    std::fprintf(stderr, "--host must be a loopback address\n");
    return 2;
  }
  raiseFileLimit(opt.connections);

  asio::io_context ioc(1);
  int status = 1;
  asio::co_spawn(ioc, run(opt), [&](std::exception_ptr e, int rc) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::fprintf(stderr, "error: %s\n", ex.what());
      }
      rc = 1;
    }
    status = rc;
    ioc.stop();
  });
  ioc.run();
  return status;
}
