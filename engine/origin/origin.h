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
#include <utility>
#include <vector>

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
  // Request bodies are read for the control API only; over this: 413.
  std::size_t maxControlBodyBytes = 1024 * 1024;
};

// The control API's requests (targets under kControlPrefix), handed to the
// control handler instead of the router. The origin only carries them: the
// handler authenticates, routes and answers.
inline constexpr const char* kControlPrefix = "/api/";

struct ControlRequest {
  std::string method;  // "GET", "PUT", "POST", ...
  std::string target;  // as received: path and query, still percent-encoded
  std::string body;
  std::string authorization;  // the Authorization header, or empty
  std::string operatorName;   // the X-Vigil-Operator header, or empty
  std::string peerAddress;
  bool peerLoopback = false;
};

struct ControlResponse {
  unsigned status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beside the origin's own (e.g. Allow)
};

// Must be called exactly once, from any thread; the connection resumes on
// its own thread. The origin answers control responses with no-store.
using ControlCompletion = std::function<void(ControlResponse)>;
// Called on an IO thread: must return at once (hand the work elsewhere),
// since that thread serves players.
using ControlHandler = std::function<void(ControlRequest, ControlCompletion)>;

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
  // Serves targets under kControlPrefix through `handler` (thread-safe);
  // nullptr: they go to the router again (404). A request already handed
  // over still completes.
  void setControlHandler(ControlHandler handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::origin
