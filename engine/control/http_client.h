// A small synchronous HTTP/1.1 client (Boost.Beast) with keep-alive and a
// timeout on every exchange: what the remote engine speaks to a control API
// and what the console's confidence probes use to follow an origin the way a
// player does. One exchange at a time per client (serialised by a mutex);
// interrupt() may be called from any thread to end a held request at once
// (a blocking playlist reload or a held part can wait for seconds).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil::control {

// "http://host[:port][/prefix]": what a client connects to.
struct HttpUrl {
  std::string host;  // as sent in Host ("127.0.0.1:8080", "[::1]:80")
  std::string address;
  std::string port = "80";
  std::string prefix;  // a path before the targets, without the trailing '/'

  std::string base() const { return "http://" + host + prefix; }
  // what: the noun in the error messages ("control API URL").
  static Result<HttpUrl> parse(const std::string& url, const std::string& what = "URL");
};

// An absolute http URL split into where to connect and the target on it,
// e.g. "http://h:1/live/c/master.m3u8" -> {base "http://h:1", target "/live/c/master.m3u8"}.
struct HttpLocation {
  HttpUrl server;      // prefix empty
  std::string target;  // path and query, starting with '/'
  static Result<HttpLocation> parse(const std::string& url);
  // A reference relative to this location (RFC 3986 5.2 for paths without
  // dot segments; an absolute http URL is parsed as is).
  Result<HttpLocation> resolve(const std::string& reference) const;
};

struct HttpRequest {
  enum class Method { Get, Post, Put, Delete } method = Method::Get;
  std::string target;  // after the client's prefix, starting with '/'
  std::string body;
  std::string contentType;  // with a body
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{5000};
  std::uint64_t maxResponseBytes = 64ull * 1024 * 1024;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

class HttpClient {
 public:
  // peer: how errors name the server ("the engine at http://h:1").
  HttpClient(HttpUrl url, std::string peer);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const HttpUrl& url() const { return url_; }
  const std::string& peer() const { return peer_; }

  // One request and its answer (any status). A kept-alive connection the
  // server has closed meanwhile is opened again once. Errors: the server
  // unreachable, no answer within the timeout, the connection lost, or
  // interrupted.
  Result<HttpResponse> exchange(const HttpRequest& request);

  // Any thread: ends the exchange in progress (its socket is closed) and
  // makes every later one fail at once, until resume().
  void interrupt();
  void resume();
  bool interrupted() const { return interrupted_.load(); }

 private:
  struct Impl;
  HttpUrl url_;
  std::string peer_;
  std::atomic<bool> interrupted_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::control
