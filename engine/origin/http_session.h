// One HTTP/1.1 connection: a coroutine on its IO thread reading requests
// with Beast's parser (a timeout on every read and write), handing them to
// the Router in order, and writing each Reply as one gathered write (headers
// and the packager's shared bytes, no copy). A 200 of an object is written
// with its pre-serialized head (response_head.h), at once with a
// non-blocking send when the socket takes it all (the replies a publication
// released on this thread together, batched_send.h); other replies through
// Beast's serializer.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <memory_resource>
#include <mutex>

#include "origin/asio.h"
#include "origin/origin.h"
#include "origin/router.h"
#include "origin/session_deadline.h"

namespace vigil::origin {

class BatchedSender;
class OriginMetrics;

// The control handler, swapped while sessions read it.
class ControlHook {
 public:
  void set(ControlHandler handler) {
    auto next = handler ? std::make_shared<const ControlHandler>(std::move(handler)) : nullptr;
    std::lock_guard lock(mutex_);
    handler_ = std::move(next);
  }
  std::shared_ptr<const ControlHandler> get() const {
    std::lock_guard lock(mutex_);
    return handler_;
  }

 private:
  mutable std::mutex mutex_;  // guards handler_
  std::shared_ptr<const ControlHandler> handler_;
};

struct SessionContext {
  Router& router;
  OriginMetrics& metrics;
  const OriginLimits& limits;
  const std::atomic<bool>& stopping;
  const ControlHook& control;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, SessionContext& ctx);
  ~HttpSession();

  // Spawns the connection coroutine on the socket's io_context (run by one
  // thread, so no strand is needed). onDone runs when it ends, on that thread.
  void start(std::function<void()> onDone);
  // Any thread: closes the connection if it is waiting for a request
  // (graceful shutdown); a busy connection closes after its response.
  void closeIfIdle();

 private:
  awaitable<void> run();
  // A held reply's release (Reply::heldRelease) is given up once written.
  awaitable<bool> write(Reply& reply, bool head, bool keepAlive);
  // A control API request whose header has been read; false: close.
  template <typename HeaderParser>
  awaitable<bool> serveControl(HeaderParser& parser, const ControlHandler& handler);
  awaitable<bool> writeControl(const ControlResponse& response, bool keepAlive);
  // After an early 413: reads what the client still sends (bounded), so the
  // close does not reset the connection before it has read the answer.
  awaitable<void> drainInput();

  tcp::socket socket_;
  SessionDeadline deadline_;  // every read and write timeout, one timer
  beast::flat_buffer buffer_;
  // The parsed request's header fields and target live in this arena, which
  // is rewound before each request (Beast 1.74's parser cannot be reset, so a
  // parser is built per request; with the heap it would allocate each field).
  alignas(std::max_align_t) std::array<std::byte, 1024> arenaStorage_;
  std::pmr::monotonic_buffer_resource arena_{arenaStorage_.data(), arenaStorage_.size(),
                                             std::pmr::new_delete_resource()};
  TargetView target_;  // the current request's parsed target, reused
  SessionContext& ctx_;
  BatchedSender& sender_;  // this IO thread's: the replies of a publication's release go out together
  bool idle_ = false;      // session thread only: a read for the next request is pending
};

}  // namespace vigil::origin
