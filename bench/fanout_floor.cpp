// The machine's floor for bench/held_reload.sh: the same fan-out with no
// HTTP, no origin and no packager. One process opens N loopback TCP
// connections; each round, one sending thread writes the same B bytes to all
// of them at once, and one reading thread (epoll, like the bench's client)
// reads them. Timed: the round's start -> the last byte read. Rounds
// alternate between two ways of sending: a sendmsg() per connection, and one
// io_uring submission per 256 connections (what the origin does,
// origin/batched_send.h), so both face the same minutes of the machine.
//
//   vigil-fanout-floor [--connections 1000] [--bytes 2300] [--rounds 200]
//
// Prints p50 / p99 / max per way of sending. Loopback only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double> v, double p) {  // nearest rank
  std::sort(v.begin(), v.end());
  const std::size_t rank = std::clamp<std::size_t>(std::size_t(std::ceil(p / 100.0 * double(v.size()))), 1, v.size());
  return v[rank - 1];
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 1000, bytes = 2300, rounds = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--connections")
      connections = v;
    else if (a == "--bytes")
      bytes = v;
    else if (a == "--rounds")
      rounds = v;
    else {
      std::fprintf(stderr, "usage: %s [--connections 1000] [--bytes 2300] [--rounds 200]\n", argv[0]);
      return 2;
    }
  }
  if (connections < 1 || connections > 20000 || bytes < 1 || bytes > 65536 || rounds < 2) {
    std::fprintf(stderr, "out of range\n");
    return 2;
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, rlim_t(2 * connections + 64));
  setrlimit(RLIMIT_NOFILE, &rl);

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4096) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    fail("listen");
  std::vector<int> readers(static_cast<std::size_t>(connections)), senders(static_cast<std::size_t>(connections));
  const int one = 1;
  for (int i = 0; i < connections; ++i) {
    readers[i] = ::socket(AF_INET, SOCK_STREAM, 0);
    if (readers[i] < 0 || ::connect(readers[i], reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("connect");
    senders[i] = ::accept(listener, nullptr, nullptr);
    if (senders[i] < 0) fail("accept");
    ::setsockopt(senders[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::fcntl(senders[i], F_SETFL, O_NONBLOCK);
    ::fcntl(readers[i], F_SETFL, O_NONBLOCK);
  }
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < connections; ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = uint32_t(i);
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, readers[i], &ev) != 0) fail("epoll_ctl");
  }

  // The reading thread: reads everything, stamps the last read of a round.
  std::atomic<int64_t> received{0}, lastReadUs{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::vector<epoll_event> events(1024);
    std::vector<char> buf(65536);
    while (!stop.load()) {
      const int n = ::epoll_wait(ep, events.data(), int(events.size()), 100);
      for (int k = 0; k < n; ++k)
        for (;;) {
          const ssize_t r = ::read(readers[events[k].data.u32], buf.data(), buf.size());
          if (r <= 0) break;
          received += r;
        }
      if (n > 0) lastReadUs = nowUs();
    }
  });

  const std::string head(200, 'h'), body(std::size_t(std::max(0, bytes - 200)), 'b');
  std::vector<iovec> iov(2 * static_cast<std::size_t>(connections));
  std::vector<msghdr> msgs(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    iov[2 * i] = {const_cast<char*>(head.data()), std::min<std::size_t>(head.size(), std::size_t(bytes))};
    iov[2 * i + 1] = {const_cast<char*>(body.data()), body.size()};
    msgs[i].msg_iov = &iov[2 * i];
    msgs[i].msg_iovlen = 2;
  }
  const int64_t perRound = int64_t(iov[0].iov_len + iov[1].iov_len) * connections;
  io_uring ring{};
  if (io_uring_queue_init(256, &ring, 0) != 0) fail("io_uring_queue_init");

  std::vector<double> times[2];
  int shortSends = 0;
  for (int r = 0; r < rounds; ++r) {
    const int way = r % 2;
    received = 0;
    const int64_t start = nowUs();
    if (way == 0) {
      for (int i = 0; i < connections; ++i)
        if (::sendmsg(senders[i], &msgs[i], MSG_DONTWAIT | MSG_NOSIGNAL) != perRound / connections) ++shortSends;
    } else {
      for (int first = 0; first < connections; first += 256) {
        const int last = std::min(connections, first + 256);
        for (int i = first; i < last; ++i)
          io_uring_prep_sendmsg(io_uring_get_sqe(&ring), senders[i], &msgs[i], MSG_DONTWAIT | MSG_NOSIGNAL);
        io_uring_submit_and_wait(&ring, unsigned(last - first));
        io_uring_cqe* cqe = nullptr;
        for (int i = first; i < last; ++i) {
          if (io_uring_wait_cqe(&ring, &cqe) != 0) fail("io_uring_wait_cqe");
          if (cqe->res != perRound / connections) ++shortSends;
          io_uring_cqe_seen(&ring, cqe);
        }
      }
    }
    while (received.load() < perRound && nowUs() - start < 2'000'000) std::this_thread::yield();
    if (received.load() < perRound) {
      std::fprintf(stderr, "round %d: %lld of %lld bytes in 2 s\n", r, static_cast<long long>(received.load()),
                   static_cast<long long>(perRound));
      return 1;
    }
    times[way].push_back(double(lastReadUs.load() - start) / 1000.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // like the bench: rounds apart
  }
  stop = true;
  reader.join();
  io_uring_queue_exit(&ring);
  if (shortSends) std::fprintf(stderr, "%d sends took less than all (not expected)\n", shortSends);
  const char* names[2] = {"a sendmsg() each", "io_uring, 256 per submission"};
  std::printf("fan-out floor: %d connections, %d bytes each, one sending and one reading thread, %d rounds\n",
              connections, bytes, rounds);
  for (int w = 0; w < 2; ++w)
    std::printf("  %-30s start -> last byte read: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", names[w],
                percentile(times[w], 50), percentile(times[w], 99),
                *std::max_element(times[w].begin(), times[w].end()));
  return 0;
}
