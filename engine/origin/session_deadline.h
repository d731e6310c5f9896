// The read and write timeouts of one connection, kept with a single timer.
//
// beast::tcp_stream arms and cancels a timer around every read and write;
// with a thousand held requests answered at once that churn (a cancelled
// wait completed and freed per operation) is a visible part of the answer
// phase. Here setting a deadline is a store: a watchdog coroutine wakes at
// most every `checkPeriod` (no longer than the shortest timeout) or at the
// deadline, whichever is first, and closes the socket once the deadline has
// passed. Because every deadline set is at least `checkPeriod` away, the
// armed wake-up is never later than it, so deadlines are enforced on time.
// Single-threaded: use from the connection's own thread only.
#pragma once

#include <chrono>

#include "origin/asio.h"

namespace vigil::origin {

class SessionDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  SessionDeadline(const asio::any_io_executor& ex, Clock::duration checkPeriod);

  // The next operation must finish within `timeout` (at least checkPeriod).
  void expiresAfter(Clock::duration timeout) { deadline_ = Clock::now() + timeout; }
  // No deadline (while the router holds a request: it bounds the hold).
  void disarm() { deadline_ = Clock::time_point::max(); }
  // True once a deadline passed and the socket was closed for it.
  bool expired() const { return expired_; }

  // Runs until stop(); closes `socket` when a deadline passes.
  awaitable<void> watch(tcp::socket& socket);
  void stop();

 private:
  asio::steady_timer timer_;
  Clock::duration checkPeriod_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool expired_ = false;
  bool stopped_ = false;
};

}  // namespace vigil::origin
