#include "control/http_client.h"

#include <utility>  // before Asio (NOTES-media.md: Boost 1.74 needs it)

#include <algorithm>
#include <mutex>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vigil::control {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout{5000};

http::verb verbOf(HttpRequest::Method m) {
  switch (m) {
    case HttpRequest::Method::Get:
      return http::verb::get;
    case HttpRequest::Method::Post:
      return http::verb::post;
    case HttpRequest::Method::Put:
      return http::verb::put;
    case HttpRequest::Method::Delete:
      return http::verb::delete_;
  }
  return http::verb::get;
}

}  // namespace

Result<HttpUrl> HttpUrl::parse(const std::string& url, const std::string& what) {
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with("https://"))
    return Status::error(what + " " + url +
                         ": https is not supported (reach the engine over http, e.g. "
                         "through an SSH tunnel or a TLS-terminating proxy on its host)");
  if (!url.starts_with(kScheme)) return Status::error(what + " must start with http://, got '" + url + "'");
  HttpUrl out;
  std::string rest = url.substr(kScheme.size());
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    out.prefix = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  }
  if (rest.empty()) return Status::error(what + " '" + url + "' names no host");
  out.host = rest;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return Status::error(what + " '" + url + "': unclosed '['");
    out.address = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Status::error(what + " '" + url + "': bad port");
      out.port = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    out.address = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  } else {
    out.address = rest;
  }
  if (out.port.empty() || out.port.size() > 5 || out.port.find_first_not_of("0123456789") != std::string::npos)
    return Status::error(what + " '" + url + "': bad port '" + out.port + "'");
  return out;
}

Result<HttpLocation> HttpLocation::parse(const std::string& url) {
  // The server part is everything up to the first '/' after the scheme.
  constexpr std::string_view kScheme = "http://";
  const auto slash = url.starts_with(kScheme) ? url.find('/', kScheme.size()) : std::string::npos;
  auto server = HttpUrl::parse(slash == std::string::npos ? url : url.substr(0, slash));
  if (!server) return server.status();
  HttpLocation out;
  out.server = std::move(*server);
  out.target = slash == std::string::npos ? "/" : url.substr(slash);
  return out;
}

Result<HttpLocation> HttpLocation::resolve(const std::string& reference) const {
  if (reference.starts_with("http://") || reference.starts_with("https://")) return parse(reference);
  HttpLocation out;
  out.server = server;
  if (reference.starts_with("/")) {
    out.target = reference;
    return out;
  }
  std::string path = target.substr(0, target.find('?'));
  path = path.substr(0, path.rfind('/') + 1);
  std::string ref = reference;
  // "../x" climbs one directory per step (what rendition reports use).
  while (ref.starts_with("../")) {
    ref = ref.substr(3);
    if (path.size() > 1) {
      path.pop_back();
      path = path.substr(0, path.rfind('/') + 1);
    }
  }
  while (ref.starts_with("./")) ref = ref.substr(2);
  out.target = path + ref;
  return out;
}

struct HttpClient::Impl {
  std::mutex mutex;  // one exchange at a time; guards everything below
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;  // open while kept alive
  beast::flat_buffer buffer;

  // Runs the pending operations to their end (each bounded by the stream's
  // timeout, or by the resolver's cancellation, or by interrupt()).
  void runIo() {
    ioc.restart();
    ioc.run();
  }
};

HttpClient::HttpClient(HttpUrl url, std::string peer)
    : url_(std::move(url)), peer_(std::move(peer)), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

void HttpClient::interrupt() {
  interrupted_ = true;
  // Closing on the IO context's own thread (the one inside exchange, if any):
  // the socket is never touched from two threads at once. Checked again when
  // it runs, so a resume() in between cancels the close.
  asio::post(impl_->ioc, [this] {
    if (!interrupted_) return;
    if (impl_->stream) {
      boost::system::error_code ignored;
      impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      impl_->stream->socket().close(ignored);
    }
  });
}

void HttpClient::resume() { interrupted_ = false; }

Result<HttpResponse> HttpClient::exchange(const HttpRequest& request) {
  std::lock_guard lock(impl_->mutex);
  Impl& d = *impl_;
  const auto interruptedError = [this] { return Status::error("request to " + peer_ + " interrupted"); };

  http::request<http::string_body> req{verbOf(request.method), url_.prefix + request.target, 11};
  req.set(http::field::host, url_.host);
  req.set(http::field::user_agent, "vigil");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method != HttpRequest::Method::Get) {
    if (!request.contentType.empty()) req.set(http::field::content_type, request.contentType);
    req.body() = request.body;
  }
  req.keep_alive(true);
  req.prepare_payload();

  auto open = [&](milliseconds timeout) -> Status {
    boost::system::error_code ec;
    tcp::resolver resolver(d.ioc);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(url_.address, url_.port, [&](boost::system::error_code e, tcp::resolver::results_type r) {
      ec = e;
      endpoints = std::move(r);
    });
    d.ioc.restart();
    if (d.ioc.run_for(timeout) == 0 || !d.ioc.stopped()) {
      resolver.cancel();
      d.runIo();
    }
    if (ec) return Status::error("cannot resolve " + url_.address + ": " + ec.message());
    if (interrupted_) return interruptedError();
    d.stream.emplace(d.ioc);
    d.stream->expires_after(timeout);
    d.stream->async_connect(endpoints, [&](boost::system::error_code e, const tcp::endpoint&) { ec = e; });
    d.runIo();
    if (ec) {
      d.stream.reset();
      if (interrupted_) return interruptedError();
      return Status::error("cannot reach " + peer_ + ": " + ec.message());
    }
    d.stream->socket().set_option(tcp::no_delay(true), ec);
    d.buffer.clear();
    return Status::ok();
  };

  for (int attempt = 0;; ++attempt) {
    if (interrupted_) {
      d.stream.reset();
      return interruptedError();
    }
    const bool reused = d.stream.has_value();
    if (!reused)
      if (auto s = open(std::min(request.timeout, kConnectTimeout)); !s) return s;
    boost::system::error_code ec;
    d.stream->expires_after(request.timeout);
    http::async_write(*d.stream, req, [&](boost::system::error_code e, std::size_t) { ec = e; });
    d.runIo();
    http::response_parser<http::string_body> parser;
    parser.body_limit(request.maxResponseBytes);
    if (!ec) {
      http::async_read(*d.stream, d.buffer, parser, [&](boost::system::error_code e, std::size_t) { ec = e; });
      d.runIo();
    }
    if (ec) {
      d.stream.reset();
      d.buffer.clear();
      if (interrupted_) return interruptedError();
      const bool closedMeanwhile = ec == http::error::end_of_stream || ec == asio::error::eof ||
                                   ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
      if (reused && attempt == 0 && closedMeanwhile) continue;
      if (ec == beast::error::timeout)
        return Status::error(peer_ + " did not answer within " + std::to_string(request.timeout.count()) + " ms");
      return Status::error("lost " + peer_ + ": " + ec.message());
    }
    auto& res = parser.get();
    if (!res.keep_alive()) d.stream.reset();
    HttpResponse out;
    out.status = res.result_int();
    out.body = std::move(res.body());
    return out;
  }
}

}  // namespace vigil::control
