#include "origin/http_session.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <tuple>

#include "core/log.h"
#include "origin/batched_send.h"
#include "origin/cache_policy.h"
#include "origin/origin_metrics.h"
#include "origin/response_head.h"

namespace vigil::origin {
namespace {

using Response = http::response<http::span_body<const char>>;
using RequestParser = http::request_parser<http::empty_body, std::pmr::polymorphic_allocator<char>>;

// Beast 1.74 speaks boost::string_view.
beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

// A parse failure that still deserves an answer before closing; 0: just close.
unsigned statusForReadError(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset || ec == http::error::partial_message)
    return 0;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return 431;
  if (ec == http::error::body_limit || ec == http::error::unexpected_body) return 413;
  return 400;  // bad method, target, version, field: garbage
}

std::chrono::steady_clock::duration shortestTimeout(const OriginLimits& l) {
  return std::min({l.requestReadTimeout, l.keepAliveIdleTimeout, l.writeTimeout});
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, SessionContext& ctx)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor(), shortestTimeout(ctx.limits)),
      buffer_(ctx.limits.maxHeaderBytes * static_cast<std::size_t>(std::max(1, ctx.limits.maxPipelinedRequests))),
      ctx_(ctx),
      sender_(BatchedSender::of(socket_.get_executor())) {
  // For write(): a send that would block must return, not wait.
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
}

HttpSession::~HttpSession() = default;

void HttpSession::start(std::function<void()> onDone) {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), deadline_.watch(socket_), [self](std::exception_ptr) {});
  asio::co_spawn(socket_.get_executor(), run(), [self, onDone = std::move(onDone)](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::get("origin")->error("session ended by exception: {}", ex.what());
      } catch (...) {
        log::get("origin")->error("session ended by unknown exception");
      }
    }
    if (onDone) onDone();
  });
}

void HttpSession::closeIfIdle() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    if (self->idle_) self->socket_.cancel(ec);
  });
}

awaitable<void> HttpSession::run() {
  boost::system::error_code ec;
  bool first = true;
  try {
    for (;;) {
      if (ctx_.stopping.load()) break;
      arena_.release();  // the previous request's parser is gone
      RequestParser parser(std::piecewise_construct, std::make_tuple(),
                           std::make_tuple(std::pmr::polymorphic_allocator<char>(&arena_)));
      parser.header_limit(static_cast<std::uint32_t>(ctx_.limits.maxHeaderBytes));
      // Only control requests may carry a body (read below); a larger
      // Content-Length fails here already.
      parser.body_limit(ctx_.limits.maxControlBodyBytes);
      // Time to the complete request: the read timeout for the first request
      // or one already under way, the idle timeout between requests.
      deadline_.expiresAfter(first || buffer_.size() > 0 ? ctx_.limits.requestReadTimeout
                                                         : ctx_.limits.keepAliveIdleTimeout);
      idle_ = true;
      co_await http::async_read_header(socket_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
      idle_ = false;
      first = false;
      deadline_.disarm();                    // the router bounds holds itself
      if (ec && deadline_.expired()) break;  // timed out: just close
      if (ec) {
        if (const unsigned status = statusForReadError(ec); status != 0) {
          Reply r;
          r.status = status;
          ctx_.metrics.countRequest(ObjectKind::Other, status);
          co_await write(r, false, false);
          if (status == 413) co_await drainInput();
        }
        break;
      }
      const auto& req = parser.get();

      const bool oldHttp = req.version() < 11;
      if ((oldHttp && !ctx_.limits.allowHttp10) || (!oldHttp && req.find(http::field::host) == req.end())) {
        // HTTP/1.1 requires Host (RFC 9112 3.2); HTTP/1.0 cannot keep a
        // blocking reload's connection semantics straight, so ask for 1.1.
        Reply r;
        r.status = oldHttp ? 426 : 400;
        ctx_.metrics.countRequest(ObjectKind::Other, r.status);
        co_await write(r, false, false);
        break;
      }

      const std::string_view rawTarget(req.target().data(), req.target().size());
      if (rawTarget.starts_with(kControlPrefix))
        if (const auto handler = ctx_.control.get()) {
          if (!co_await serveControl(parser, *handler)) break;
          continue;
        }
      if (!parser.is_done()) {  // a body for the router: refused
        Reply r;
        r.status = 413;
        ctx_.metrics.countRequest(ObjectKind::Other, r.status);
        co_await write(r, false, false);
        co_await drainInput();
        break;
      }

      RequestView view;
      view.method = req.method();
      view.target = std::string_view(req.target().data(), req.target().size());
      view.scratch = &target_;
      if (auto it = req.find(http::field::if_none_match); it != req.end())
        view.ifNoneMatch = std::string_view(it->value().data(), it->value().size());
      const bool keepAlive = req.keep_alive();
      const bool head = req.method() == http::verb::head;

      Reply reply = co_await ctx_.router.handle(view);
      ctx_.metrics.countRequest(reply.kind, reply.status);
      const bool again = keepAlive && !ctx_.stopping.load();
      const bool released = reply.heldRelease != nullptr;
      if (!co_await write(reply, head, again) || !again) break;
      // A publication released this request with many others on this
      // thread: let them be answered before this connection reads on. (A
      // batch has answered them all before resuming any of them.)
      if (released && !sender_.batching()) co_await asio::post(socket_.get_executor(), asio::use_awaitable);
    }
  } catch (const std::exception& e) {
    log::get("origin")->warn("connection aborted: {}", e.what());
  }
  deadline_.stop();
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  socket_.close(ec);
}

template <typename HeaderParser>
awaitable<bool> HttpSession::serveControl(HeaderParser& header, const ControlHandler& handler) {
  boost::system::error_code ec;
  using BodyParser = http::request_parser<http::string_body, std::pmr::polymorphic_allocator<char>>;
  BodyParser parser(std::move(header));
  if (!parser.is_done()) {
    deadline_.expiresAfter(ctx_.limits.requestReadTimeout);
    co_await http::async_read(socket_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
    deadline_.disarm();
    if (ec && deadline_.expired()) co_return false;
    if (ec) {
      if (const unsigned status = statusForReadError(ec); status != 0) {
        ControlResponse r;
        r.status = status;
        r.body = status == 413 ? R"({"error":"request body too large"})" : R"({"error":"malformed request"})";
        ctx_.metrics.countRequest(ObjectKind::Other, status);
        co_await writeControl(r, false);
        if (status == 413) co_await drainInput();
      }
      co_return false;
    }
  }
  auto& req = parser.get();
  ControlRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.body = std::move(req.body());
  if (auto it = req.find(http::field::authorization); it != req.end()) request.authorization = std::string(it->value());
  if (auto it = req.find("X-Vigil-Operator"); it != req.end()) request.operatorName = std::string(it->value());
  if (const auto peer = socket_.remote_endpoint(ec); !ec) {
    auto address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    request.peerAddress = address.to_string();
    request.peerLoopback = address.is_loopback();
  }
  const bool keepAlive = req.keep_alive();

  // The handler completes on another thread; the connection waits here
  // without holding its IO thread, and resumes on it.
  ControlResponse response = co_await asio::async_initiate<decltype(asio::use_awaitable), void(ControlResponse)>(
      [&handler](auto completion, ControlRequest handed) {
        auto executor = asio::get_associated_executor(completion);
        auto shared = std::make_shared<decltype(completion)>(std::move(completion));
        handler(std::move(handed), [shared, work = asio::make_work_guard(executor)](ControlResponse r) mutable {
          asio::post(work.get_executor(), [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
          work.reset();
        });
      },
      asio::use_awaitable, std::move(request));
  ctx_.metrics.countRequest(ObjectKind::Other, response.status);
  const bool again = keepAlive && !ctx_.stopping.load();
  co_return co_await writeControl(response, again) && again;
}

awaitable<bool> HttpSession::writeControl(const ControlResponse& response, bool keepAlive) {
  boost::system::error_code ec;
  deadline_.expiresAfter(ctx_.limits.writeTimeout);
  http::response<http::string_body> res;
  res.version(11);
  res.result(response.status);
  res.set(http::field::server, bsv(headers::kServer));
  res.set(http::field::date, bsv(httpDate()));
  // Control data is per client and changes under it: a CDN must never keep it.
  res.set(http::field::cache_control, bsv(cache::kNoStore));
  if (!response.contentType.empty()) res.set(http::field::content_type, response.contentType);
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keepAlive);
  res.body() = response.body;
  res.prepare_payload();
  co_await http::async_write(socket_, res, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

awaitable<void> HttpSession::drainInput() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  asio::steady_timer limit(socket_.get_executor());
  limit.expires_after(std::chrono::seconds(2));
  limit.async_wait([this](boost::system::error_code waitEc) {
    boost::system::error_code ignored;
    if (!waitEc) socket_.cancel(ignored);
  });
  std::array<char, 16 * 1024> scratch;
  std::size_t drained = 0;
  while (!ec && drained < 4 * ctx_.limits.maxControlBodyBytes)
    drained += co_await socket_.async_read_some(asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
  limit.cancel();
}

awaitable<bool> HttpSession::write(Reply& reply, bool head, bool keepAlive) {
  boost::system::error_code ec;
  deadline_.expiresAfter(ctx_.limits.writeTimeout);
  if (hasCacheableHead(reply)) {
    // The hot path: no header fields, no serializer. The shared buffers stay
    // alive in this frame until the write completes.
    const Bytes headBytes = cachedHead200(reply, keepAlive);
    const Bytes date = dateTail();
    const std::array<asio::const_buffer, 3> buffers{
        asio::buffer(*headBytes), asio::buffer(*date),
        head ? asio::const_buffer() : asio::buffer(reply.body->data(), reply.body->size())};
    // A reply usually fits in the socket's send buffer: one non-blocking
    // send then, and no asynchronous operation (its allocation, its
    // completion queued behind every other ready handler of this thread).
    // The replies a publication released on this thread go out together, in
    // one system call; others at once. What the kernel did not take is
    // written asynchronously.
    const std::size_t sent = reply.heldRelease && sender_.batching()
                                 ? co_await sender_.send(socket_, buffers, ec, &reply.heldRelease)
                                 : socket_.write_some(buffers, ec);
    if (ec == asio::error::would_block || (!ec && sent < asio::buffer_size(buffers))) {
      beast::buffers_suffix<std::array<asio::const_buffer, 3>> rest(buffers);
      rest.consume(sent);
      co_await asio::async_write(socket_, rest, asio::redirect_error(asio::use_awaitable, ec));
    }
    reply.heldRelease.reset();  // written: this request's part of its release is done
    co_return !ec;
  }

  Response res;
  res.version(11);
  res.result(reply.status);
  res.set(http::field::server, bsv(headers::kServer));
  res.set(http::field::date, bsv(httpDate()));
  res.set(http::field::access_control_allow_origin, bsv(headers::kAllowOrigin));
  res.set(http::field::access_control_expose_headers, bsv(headers::kExposeHeaders));
  res.set(http::field::cache_control, bsv(cacheControlFor(reply.kind, reply.status)));
  if (!reply.contentType.empty()) res.set(http::field::content_type, bsv(reply.contentType));
  if (!reply.etag.empty() && (reply.status == 200 || reply.status == 304)) res.set(http::field::etag, bsv(reply.etag));
  if (reply.allowHeader) res.set(http::field::allow, "GET, HEAD, OPTIONS");
  if (reply.preflight) {
    res.set(http::field::access_control_allow_methods, "GET, HEAD, OPTIONS");
    res.set(http::field::access_control_allow_headers, "*");
    res.set(http::field::access_control_max_age, "86400");
  }
  if (reply.retryAfterSeconds > 0) res.set(http::field::retry_after, std::to_string(reply.retryAfterSeconds));
  if (reply.status == 426) res.set(http::field::upgrade, "HTTP/1.1");
  res.keep_alive(keepAlive);

  const std::size_t size = reply.body ? reply.body->size() : 0;
  if (reply.status != 204 && reply.status != 304) res.content_length(size);
  // HEAD: the same headers, no body. The body span points into the shared
  // bytes, which `reply` keeps alive until the write completes.
  if (!head && size > 0) res.body() = http::span_body<const char>::value_type(reply.body->data(), size);

  co_await http::async_write(socket_, res, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

}  // namespace vigil::origin
