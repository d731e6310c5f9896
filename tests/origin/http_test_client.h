// Test-side HTTP over real sockets on 127.0.0.1, using Beast's own client
// side (requests and response parsing), or raw bytes for malformed requests.
// Every socket read has a receive timeout so a broken server fails a test
// instead of hanging it.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace testhttp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

inline std::string str(beast::string_view v) { return std::string(v.data(), v.size()); }

class Connection {
 public:
  explicit Connection(uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000))
      : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  // Sends one request; extra headers as name/value pairs.
  void send(http::verb method, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers = {}, unsigned version = 11) {
    http::request<http::empty_body> req{method, target, version};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    http::write(socket_, req);
  }
  void sendRaw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // Reads one response; nullopt on close, timeout or parse error.
  std::optional<Response> read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (head) parser.skip(true);
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    if (ec) {
      lastError_ = ec;
      return std::nullopt;
    }
    return parser.release();
  }

  std::optional<Response> request(http::verb method, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    send(method, target, headers);
    return read(method == http::verb::head);
  }
  std::optional<Response> get(const std::string& target) { return request(http::verb::get, target); }

  // True if the server closed the connection (EOF) within the timeout.
  bool closedByPeer() {
    char c;
    beast::error_code ec;
    const auto n = socket_.read_some(asio::buffer(&c, 1), ec);
    return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
  }

  beast::error_code lastError() const { return lastError_; }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  beast::error_code lastError_;
};

// One request on a fresh connection.
inline std::optional<Response> fetch(uint16_t port, const std::string& target, http::verb method = http::verb::get,
                                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Connection c(port);
  return c.request(method, target, headers);
}

}  // namespace testhttp
