#include "origin/session_deadline.h"

#include <algorithm>

namespace vigil::origin {

SessionDeadline::SessionDeadline(const asio::any_io_executor& ex, Clock::duration checkPeriod)
    : timer_(ex), checkPeriod_(std::max(checkPeriod, Clock::duration(std::chrono::milliseconds(1)))) {}

awaitable<void> SessionDeadline::watch(tcp::socket& socket) {
  boost::system::error_code ec;
  while (!stopped_) {
    const auto now = Clock::now();
    if (now >= deadline_) {
      // Closing (not cancelling) also fails an operation that starts later.
      expired_ = true;
      socket.close(ec);
      break;
    }
    timer_.expires_at(deadline_ - now < checkPeriod_ ? deadline_ : now + checkPeriod_);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void SessionDeadline::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace vigil::origin
