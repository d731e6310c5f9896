// A real HTTP endpoint for the hooks an engine calls (Boost.Beast on its own
// thread): it answers every request with the status it is given and keeps
// what it received.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil::test {

class HookReceiver {
 public:
  struct Received {
    std::string method;
    std::string target;
    std::string contentType;
    std::string body;
  };

  HookReceiver() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~HookReceiver() {
    io_.stop();
    thread_.join();
  }
  HookReceiver(const HookReceiver&) = delete;
  HookReceiver& operator=(const HookReceiver&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  void answer(unsigned status) { status_ = status; }
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
      if (ec) return;
      serve(socket);
      accept();
    });
  }
  void serve(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    boost::system::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    {
      std::lock_guard lock(mutex_);
      received_.push_back({std::string(req.method_string()), std::string(req.target()),
                           std::string(req[http::field::content_type]), req.body()});
    }
    http::response<http::string_body> res{static_cast<http::status>(status_.load()), req.version()};
    res.set(http::field::content_type, "text/plain");
    if (status_ != 204) res.body() = "noted";  // 204: no content
    res.keep_alive(false);
    res.prepare_payload();
    http::write(socket, res, ec);
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<unsigned> status_{200};
  mutable std::mutex mutex_;
  std::vector<Received> received_;
  std::thread thread_;
};

}  // namespace vigil::test
