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
