// Polling a condition with a deadline, the one way the suites wait.
#pragma once

#include <QElapsedTimer>
#include <QTest>

#include <functional>

namespace vigil::test {

// Polls cond every 10 ms (processing Qt events) for at most timeoutMs.
inline bool waitFor(const std::function<bool()>& cond, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (!cond()) {
    if (t.elapsed() > timeoutMs) return false;
    QTest::qWait(10);
  }
  return true;
}

}  // namespace vigil::test

namespace vigil::test {

// The real-time bounds the suites assert (a manifest age, a switch time) are
// the optimised build's. Under the sanitizers every frame costs two to three
// times as much on the same two cores, and a suite beside it encodes too:
// there a bound is widened by this factor, so it still catches a stall but
// does not measure the sanitizer.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr double kRealtimeSlack = 2.0;
#else
inline constexpr double kRealtimeSlack = 1.0;
#endif

}  // namespace vigil::test
