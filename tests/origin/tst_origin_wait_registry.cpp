// WaitRegistry on its own: who a publish wakes, one release shared by the
// requests it woke, timeouts, shutdown, and the race a waiter living in its
// coroutine frame must survive (its deadline passing after a publish picked
// it but before the wake-up reached its thread). Run under ASan too.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <QtTest>

#include <chrono>
#include <thread>
#include <vector>

#include "origin/wait_registry.h"

using namespace vigil::origin;
using vigil::package::PlaylistPosition;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Held {
  WaitRegistry::Wake wake;
  bool done = false;
};

awaitable<void> hold(WaitRegistry& registry, PlaylistPosition at, Clock::time_point deadline, Held& out) {
  const std::function<bool()> notYet = [] { return false; };
  out.wake = co_await registry.wait("ch", "v0", at, deadline, notYet);
  out.done = true;
}

void spawn(asio::io_context& ioc, WaitRegistry& registry, PlaylistPosition at, Clock::time_point deadline, Held& out) {
  asio::co_spawn(ioc, hold(registry, at, deadline, out), asio::detached);
}

double metric(const OriginMetrics& m, const std::string& name) {
  const std::string text = m.render({}, 0);
  const std::size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

}  // namespace

class TstOriginWaitRegistry : public QObject {
  Q_OBJECT
 private slots:
  void publishWakesExactlyTheDueWaiters() {
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context ioc(1);
    const auto deadline = Clock::now() + 10s;
    Held early, due, later;
    spawn(ioc, registry, {5, 2}, deadline, early);
    spawn(ioc, registry, {5, 3}, deadline, due);
    spawn(ioc, registry, {5, 4}, deadline, later);
    ioc.poll();
    QCOMPARE(registry.waiting(), std::size_t(3));

    registry.notify("ch", "v0", {5, 1});  // nobody's position yet
    registry.notify("other", "v0", {9, 9});
    ioc.poll();
    QCOMPARE(registry.waiting(), std::size_t(3));

    registry.notify("ch", "v0", {5, 3});
    ioc.poll();
    QVERIFY(early.done && due.done && !later.done);
    QVERIFY(early.wake.outcome == WaitRegistry::Outcome::Woken);
    QVERIFY(due.wake.outcome == WaitRegistry::Outcome::Woken);
    // One publication, one release shared by what it woke.
    QVERIFY(early.wake.release && early.wake.release == due.wake.release);
    QCOMPARE(registry.waiting(), std::size_t(1));

    // Recorded once the last reply holding the release lets go of it.
    QCOMPARE(metric(metrics, "vigil_http_held_release_seconds_count"), 0.0);
    early.wake.release.reset();
    QCOMPARE(metric(metrics, "vigil_http_held_release_seconds_count"), 0.0);
    due.wake.release.reset();
    QCOMPARE(metric(metrics, "vigil_http_held_release_seconds_count"), 1.0);

    registry.shutdown();
    ioc.run();
    QVERIFY(later.done);
    QVERIFY(later.wake.outcome == WaitRegistry::Outcome::Shutdown);
    QVERIFY(!later.wake.release);
    QCOMPARE(registry.waiting(), std::size_t(0));
  }

  void waitersOnTwoThreadsAreWokenByOnePublish() {
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context a(1), b(1);
    auto workA = asio::make_work_guard(a);
    auto workB = asio::make_work_guard(b);
    constexpr int kPerThread = 200;
    std::vector<Held> held(2 * kPerThread);
    const auto deadline = Clock::now() + 10s;
    for (int i = 0; i < 2 * kPerThread; ++i) spawn(i % 2 ? b : a, registry, {7, 0}, deadline, held[i]);
    std::thread ta([&] { a.run(); });
    std::thread tb([&] { b.run(); });
    QTRY_COMPARE_WITH_TIMEOUT(registry.waiting(), std::size_t(2 * kPerThread), 5000);
    registry.notify("ch", "v0", {7, 0});
    workA.reset();
    workB.reset();
    ta.join();  // each context runs out of work once its waiters are done
    tb.join();
    for (const Held& h : held) {
      QVERIFY(h.done);
      QVERIFY(h.wake.outcome == WaitRegistry::Outcome::Woken);
      QVERIFY(h.wake.release == held.front().wake.release);
    }
    QCOMPARE(registry.waiting(), std::size_t(0));
  }

  void deadlineUnlinksTheWaiter() {
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context ioc(1);
    Held h;
    spawn(ioc, registry, {3, 0}, Clock::now() + 20ms, h);
    ioc.run();
    QVERIFY(h.done);
    QVERIFY(h.wake.outcome == WaitRegistry::Outcome::TimedOut);
    QCOMPARE(registry.waiting(), std::size_t(0));
    registry.notify("ch", "v0", {3, 0});  // nobody left to wake
    QCOMPARE(ioc.poll(), std::size_t(0));
  }

  void deadlinePassingAfterAPublishPickedTheWaiter() {
    // The publish unlinks the waiter; its deadline passes before the wake-up
    // reaches its thread. The waiter must stay (its frame is in the batch)
    // until the wake-up arrives, and then count as woken.
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context ioc(1);
    Held h;
    spawn(ioc, registry, {3, 0}, Clock::now() + 20ms, h);
    ioc.poll();
    QCOMPARE(registry.waiting(), std::size_t(1));
    std::this_thread::sleep_for(40ms);
    registry.notify("ch", "v0", {3, 0});
    ioc.run();
    QVERIFY(h.done);
    QVERIFY(h.wake.outcome == WaitRegistry::Outcome::Woken);
    QVERIFY(h.wake.release);
  }

  void removedChannelWakesItsWaitersOnly() {
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context ioc(1);
    Held h;
    spawn(ioc, registry, {3, 0}, Clock::now() + 10s, h);
    ioc.poll();
    registry.notifyChannel("c");  // a prefix, not this channel
    ioc.poll();
    QVERIFY(!h.done);
    registry.notifyChannel("ch");
    ioc.run();
    QVERIFY(h.done);
    QVERIFY(h.wake.outcome == WaitRegistry::Outcome::Woken);
    QVERIFY(!h.wake.release);  // not a publication
  }

  void noNewWaitersAfterShutdown() {
    OriginMetrics metrics;
    WaitRegistry registry(metrics);
    asio::io_context ioc(1);
    registry.shutdown();
    Held h;
    spawn(ioc, registry, {3, 0}, Clock::now() + 10s, h);
    ioc.run();
    QVERIFY(h.done);
    QVERIFY(h.wake.outcome == WaitRegistry::Outcome::Shutdown);
  }
};

QTEST_GUILESS_MAIN(TstOriginWaitRegistry)
#include "tst_origin_wait_registry.moc"
