// Batched sends for one IO thread: the replies that thread starts between
// two turns of its queue go to the kernel in one io_uring submission instead
// of one sendmsg() each.
//
// Why: a publication releases hundreds of held playlist requests on each IO
// thread at once, and every reply was a system call of its own. Where system
// calls are dear (measured here: about 1 us for the cheapest one, 8-10 us for
// a 2 KB loopback send, of which about 3 us is the call itself), one
// io_uring_enter() for a batch of sends cuts the time to the last reply by
// about a third (bench/RESULTS.md, "Blocking playlist reload").
//
// A send never waits: each is issued with MSG_DONTWAIT and completes with
// what the socket took (possibly less than all, possibly nothing:
// would_block), exactly like a non-blocking sendmsg(); the caller writes any
// rest asynchronously. Where io_uring is not available (an old kernel,
// io_uring_disabled, a seccomp profile that refuses it), batching() is false
// and callers send directly.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "origin/asio.h"
#include "origin/origin_metrics.h"

namespace vigil::origin {

class BatchedSender final : public asio::execution_context::service {
 public:
  using key_type = BatchedSender;
  static asio::execution_context::id id;

  explicit BatchedSender(asio::execution_context& context);
  ~BatchedSender() override;

  // The sender of the io_context behind `executor` (created on first use).
  static BatchedSender& of(const asio::any_io_executor& executor);

  // False when io_uring could not be set up: send directly instead.
  bool batching() const;

  // Queues a send of `buffers` (at most kMaxBuffers) on `socket`; completes
  // with the bytes the socket took, or would_block, or the send's error.
  // The buffers and the socket must outlive the completion. `release`, if
  // given, is reset as soon as the kernel has taken all the bytes, before
  // any coroutine of the batch resumes (a held reply's publication ->
  // written time would otherwise include the batch's resumptions); left as
  // it is when the socket took less. It must outlive the completion too.
  // Call from the io_context's own thread (one thread runs it: the
  // origin's contexts).
  static constexpr std::size_t kMaxBuffers = 4;
  awaitable<std::size_t> send(tcp::socket& socket, std::span<const asio::const_buffer> buffers,
                              boost::system::error_code& ec, HeldRelease* release = nullptr);

  // Sends completed through a batch, and batches submitted (one system call
  // each, or a few when a batch is larger than the ring): for tests.
  std::size_t sendsCompleted() const;
  std::size_t batchesSubmitted() const;

  // Whether io_uring can be set up here at all (answered once per process;
  // VIGIL_ORIGIN_NO_IO_URING=1 in the environment answers no, to run the
  // plain path on purpose).
  static bool available();

 private:
  void shutdown() override;

  struct Impl;
  std::unique_ptr<Impl> d;
};

}  // namespace vigil::origin
