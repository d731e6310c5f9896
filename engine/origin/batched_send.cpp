#include "origin/batched_send.h"

#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "core/log.h"

namespace vigil::origin {

asio::execution_context::id BatchedSender::id;

namespace {

// One submission's worth of sends; a larger batch takes a few.
constexpr unsigned kRingEntries = 256;

// A queued send and the completion handler of the coroutine that waits for it.
struct SendOp {
  tcp::socket* socket = nullptr;
  iovec iov[BatchedSender::kMaxBuffers]{};
  msghdr msg{};
  HeldRelease* release = nullptr;  // reset when everything was sent
  std::size_t bytes = 0;
  int result = 0;     // bytes sent, or -errno
  bool done = false;  // result is set

  virtual ~SendOp() = default;
  // Invokes the handler with the result, then deletes this.
  virtual void complete() = 0;
};

template <typename Handler>
struct SendOpImpl final : SendOp {
  explicit SendOpImpl(Handler&& h) : handler(std::move(h)) {}
  void complete() override {
    boost::system::error_code ec;
    std::size_t n = 0;
    if (result >= 0)
      n = std::size_t(result);
    else if (result == -EAGAIN || result == -EWOULDBLOCK)
      ec = asio::error::would_block;
    else
      ec.assign(-result, boost::system::system_category());
    Handler h(std::move(handler));
    delete this;
    std::move(h)(ec, n);
  }
  Handler handler;
};

int sendNow(SendOp& op) {
  const ssize_t n = ::sendmsg(op.socket->native_handle(), &op.msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  return n >= 0 ? int(n) : -errno;
}

bool tryRing(io_uring& ring) {
  // COOP_TASKRUN: no interrupt to run completion work, the next submission
  // does it (5.19 and later); without it where the kernel is older.
  if (io_uring_queue_init(kRingEntries, &ring, IORING_SETUP_COOP_TASKRUN) == 0) return true;
  return io_uring_queue_init(kRingEntries, &ring, 0) == 0;
}

}  // namespace

struct BatchedSender::Impl {
  io_uring ring{};
  bool ringOk = false;
  bool flushPosted = false;
  std::vector<SendOp*> pending;  // queued since the last flush, in order
  std::vector<SendOp*> spare;    // the storage of the previous flush, reused
  std::size_t completed = 0;
  std::size_t batches = 0;

  // Hands the pending sends to the kernel, a ring's worth per submission,
  // then completes them all in the order they were queued.
  void flush() {
    flushPosted = false;
    std::vector<SendOp*> ops;
    ops.swap(spare);
    ops.swap(pending);
    for (std::size_t first = 0; first < ops.size(); first += kRingEntries)
      submit(std::span(ops).subspan(first, std::min<std::size_t>(kRingEntries, ops.size() - first)));
    completed += ops.size();
    for (SendOp* op : ops)
      if (op->release && op->result >= 0 && std::size_t(op->result) == op->bytes) op->release->reset();
    // Completing resumes coroutines, which may queue further sends (into
    // `pending`, for the next flush).
    for (SendOp* op : ops) op->complete();
    ops.clear();
    spare.swap(ops);
  }

  void submit(std::span<SendOp*> ops) {
    unsigned prepared = 0;
    for (SendOp* op : ops) {
      // Checked here, not when queued: a socket closed in between (its
      // deadline passed) must not have its descriptor, perhaps reused, sent to.
      if (!op->socket->is_open()) {
        op->result = -EBADF;
        op->done = true;
      } else if (io_uring_sqe* sqe = ringOk ? io_uring_get_sqe(&ring) : nullptr) {
        io_uring_prep_sendmsg(sqe, op->socket->native_handle(), &op->msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        io_uring_sqe_set_data(sqe, op);
        ++prepared;
      } else {  // no ring (any more): send directly
        op->result = sendNow(*op);
        op->done = true;
      }
    }
    if (prepared == 0) return;
    ++batches;
    // Non-blocking sends complete inside the submission; waiting for all of
    // them costs nothing more and covers a kernel that defers some.
    int rc;
    do rc = io_uring_submit_and_wait(&ring, prepared);
    while (rc == -EINTR);
    const unsigned submitted = rc > 0 ? unsigned(rc) : 0;
    unsigned seen = 0;
    while (seen < submitted) {
      io_uring_cqe* cqe = nullptr;
      int wrc;
      do wrc = io_uring_wait_cqe(&ring, &cqe);
      while (wrc == -EINTR);
      if (wrc != 0) break;
      auto* op = static_cast<SendOp*>(io_uring_cqe_get_data(cqe));
      op->result = cqe->res;
      op->done = true;
      io_uring_cqe_seen(&ring, cqe);
      ++seen;
    }
    if (submitted == prepared && seen == submitted) return;
    // Not expected: the kernel refused (part of) the submission, or its
    // completions. What it never took is sent directly; what it took and did
    // not report fails (sending it again could repeat bytes). The ring is
    // not used again.
    log::get("origin")->warn("io_uring: {} of {} sends submitted, {} completed ({}); sending directly from now on",
                             submitted, prepared, seen, std::strerror(rc < 0 ? -rc : EIO));
    unsigned index = 0;
    for (SendOp* op : ops) {
      if (op->done) continue;
      op->result = index++ < submitted ? -EIO : sendNow(*op);
      op->done = true;
    }
    io_uring_queue_exit(&ring);
    ringOk = false;
  }
};

BatchedSender::BatchedSender(asio::execution_context& context)
    : asio::execution_context::service(context), d(std::make_unique<Impl>()) {
  if (available()) d->ringOk = tryRing(d->ring);
}

BatchedSender::~BatchedSender() {
  if (d->ringOk) io_uring_queue_exit(&d->ring);
}

void BatchedSender::shutdown() {
  // The io_context is going away with the flush still queued: drop the
  // waiting handlers, as Asio does with any pending operation.
  for (SendOp* op : d->pending) delete op;
  d->pending.clear();
}

BatchedSender& BatchedSender::of(const asio::any_io_executor& executor) {
  return asio::use_service<BatchedSender>(asio::query(executor, asio::execution::context));
}

bool BatchedSender::batching() const { return d->ringOk; }
std::size_t BatchedSender::sendsCompleted() const { return d->completed; }
std::size_t BatchedSender::batchesSubmitted() const { return d->batches; }

bool BatchedSender::available() {
  static const bool yes = [] {
    if (const char* no = std::getenv("VIGIL_ORIGIN_NO_IO_URING"); no && std::strcmp(no, "1") == 0) return false;
    io_uring probe{};
    if (!tryRing(probe)) {
      log::get("origin")->info("io_uring not available here: replies are sent one system call each");
      return false;
    }
    io_uring_queue_exit(&probe);
    return true;
  }();
  return yes;
}

awaitable<std::size_t> BatchedSender::send(tcp::socket& socket, std::span<const asio::const_buffer> buffers,
                                           boost::system::error_code& ec, HeldRelease* release) {
  auto initiate = [this, &socket, buffers, release](auto handler) {
    auto* op = new SendOpImpl<decltype(handler)>(std::move(handler));
    op->socket = &socket;
    op->release = release;
    std::size_t n = 0;
    for (const auto& b : buffers.first(std::min(buffers.size(), kMaxBuffers)))
      if (b.size() > 0) {
        op->iov[n++] = iovec{const_cast<void*>(b.data()), b.size()};
        op->bytes += b.size();
      }
    op->msg.msg_iov = op->iov;
    op->msg.msg_iovlen = n;
    d->pending.push_back(op);
    if (!d->flushPosted) {
      d->flushPosted = true;
      // Behind every handler already queued on this thread: the other
      // replies of the same release join this batch.
      asio::post(socket.get_executor(), [impl = d.get()] { impl->flush(); });
    }
  };
  // Not a coroutine itself: the caller awaits the operation directly.
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  return asio::async_initiate<decltype(token), void(boost::system::error_code, std::size_t)>(initiate, token);
}

}  // namespace vigil::origin
