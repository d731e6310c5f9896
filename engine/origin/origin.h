// The origin: an asynchronous HTTP/1.1 server (Boost.Beast, C++20 coroutines)
// serving the objects of the channels registered with it, plus /healthz,
// /metrics and /time. It sits behind a CDN (DESIGN.md): cache discipline and
// blocking playlist reload are what make one fetch per object enough.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace vigil::package {
class ChannelPackager;
}

namespace vigil::origin {

struct OriginLimits {
  std::size_t maxHeaderBytes = 8 * 1024;                   // request line + headers; over: 431
  std::size_t maxTargetBytes = 2048;                       // over: 414
  std::size_t maxQueryBytes = 256;                         // over: 414 (a CDN keys blocking reloads by query)
  std::chrono::milliseconds requestReadTimeout{10'000};    // first request of a connection
  std::chrono::milliseconds keepAliveIdleTimeout{30'000};  // between requests
  std::chrono::milliseconds writeTimeout{30'000};
  // Requests are answered in order, one at a time; read-ahead is bounded to
  // this many maximal requests' worth of bytes (the rest waits in the kernel).
  int maxPipelinedRequests = 16;
  bool allowHttp10 = false;  // HTTP/1.0 gets 426 unless allowed
};

struct OriginConfig {
  std::string listenAddress = "0.0.0.0";
  uint16_t port = 8080;  // 0: ephemeral, see Origin::port()
  int ioThreads = 1;
  std::string playerDir;  // hls.min.js and dash.all.min.js for the viewer page at "/"; empty: none
  OriginLimits limits;
};

class Origin {
 public:
  explicit Origin(OriginConfig config);
  ~Origin();  // stop()s
  Origin(const Origin&) = delete;
  Origin& operator=(const Origin&) = delete;

  // Binds, listens and starts the IO threads. Once only.
  Status start();
  // Graceful: stops accepting, answers held requests (503), lets in-flight
  // responses finish, closes idle keep-alive connections, joins the threads.
  void stop();
  // The bound port (after start()).
  uint16_t port() const;

  // Thread-safe. The origin registers itself as the packager's PublishObserver.
  // False if a channel with that id is already served.
  bool addChannel(std::shared_ptr<package::ChannelPackager> packager);
  bool removeChannel(const std::string& channelId);
  // Prometheus text of other parts of the engine, appended to /metrics (thread-safe).
  void setExternalMetrics(std::function<std::string()> render);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::origin
