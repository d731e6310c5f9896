// Internal to the RTMP listener: its routing table (RtmpRoutes) and one
// connection's session (RtmpSession). Separate from rtmp_listener.h so that
// header stays free of Asio.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/asio.h"
#include "ingest/rtmp_chunk.h"
#include "ingest/rtmp_listener.h"
#include "ingest/srt_access.h"

namespace vigil::ingest {

namespace amf0 {
struct Value;
}

// One input registered with the listener.
struct RtmpRoute {
  RtmpInputSpec spec;
  std::array<uint8_t, 32> keyDigest{};  // SHA-256 of the key: compared in constant time, whatever its length
  std::vector<Cidr> allow;
  std::atomic<bool> removed{false};  // set under the routes' mutex; read by the sessions without it
  // Guarded by the routes' mutex:
  uint64_t publisher = 0;  // the publishing session's id; 0: free
  std::string peer;
  int64_t sessions = 0;
  int64_t rejections = 0;
  int64_t connectedAtUtcUs = 0;
  int64_t takeovers = 0;
  // The listener's thread writes, stats() and claim() read.
  std::atomic<int64_t> lastDataSteadyUs{0};  // the publisher's last bytes, steady clock
  std::atomic<int64_t> bytesReceived{0};
  std::atomic<int64_t> mediaMessages{0};
};

// The listener's inputs, counters and the sink calls, shared by its sessions
// (the listener's thread) and the owner's calls (any thread).
class RtmpRoutes {
 public:
  Status add(RtmpInputSpec spec);
  // Unregisters the input and waits out a sink call in flight; the id of
  // the session publishing to it (0: none), for the caller to close.
  Result<uint64_t> remove(const std::string& channelId, const std::string& inputId);

  bool hasApp(const std::string& app) const;
  struct Claim {
    std::shared_ptr<RtmpRoute> route;  // null: refused for reason
    RtmpRejectReason reason = RtmpRejectReason::WrongKey;
    uint64_t tookOverFrom = 0;  // the silent publisher's session this one replaces
  };
  // Routes a publish of key to app from peer by session; on success the
  // session holds the input until release(). A publisher silent for
  // takeoverAfterUs (> 0) is replaced: the caller closes its session and
  // calls tookOver() before connected().
  Claim claim(const std::string& app, const std::string& key, const tcp::endpoint& peer, uint64_t session,
              int64_t takeoverAfterUs);
  // The replaced publisher's onPublisherGone.
  void tookOver(RtmpRoute& route) { gone(route); }
  // Frees the input held by session and tells its sink the publisher is gone.
  void release(RtmpRoute& route, uint64_t session);

  // Sink calls, skipped once the input is removed.
  void connected(RtmpRoute& route);
  void payload(RtmpRoute& route, const uint8_t* data, size_t size);

  void countConnection();
  void countReject(RtmpRejectReason reason);

  std::optional<RtmpInputStats> stats(const std::string& channelId, const std::string& inputId) const;
  RtmpListenerCounters counters() const;

 private:
  void gone(RtmpRoute& route);

  using Key = std::pair<std::string, std::string>;  // channel, input
  mutable std::mutex mutex_;                        // guards inputs_, counters_ and the routes' guarded fields
  std::map<Key, std::shared_ptr<RtmpRoute>> inputs_;
  RtmpListenerCounters counters_;
  // Held while a sink is called, and by remove() after unregistering, so a
  // removed input's sink sees no late call.
  std::mutex deliveryMutex_;
};

// One TCP connection: handshake, chunk stream, commands, and once publishing
// the FLV tags to its input. Lives on the listener's thread.
class RtmpSession : public std::enable_shared_from_this<RtmpSession> {
 public:
  using Clock = std::chrono::steady_clock;

  // What a session tells its listener, on the listener's thread.
  struct Hooks {
    std::function<void(uint64_t)> closeOther;  // close another session (one taken over)
    std::function<void()> publishing;          // this session's publish was accepted
  };
  RtmpSession(tcp::socket socket, RtmpRoutes& routes, const RtmpListenerSpec& spec, uint64_t id, Hooks hooks);
  ~RtmpSession();

  // Runs the session; onDone is called on the listener's thread at its end.
  void start(std::function<void()> onDone);
  // Ends the session (input removed, listener stopping): closes the socket.
  void close(const char* why);
  uint64_t id() const { return id_; }

 private:
  struct Command;
  awaitable<void> run();
  awaitable<void> watchdog();
  awaitable<bool> handshake();
  awaitable<bool> handle(rtmp::Message& m);
  awaitable<bool> command(const std::vector<amf0::Value>& args);
  // Payloads by value: the coroutine frame owns them across the write.
  awaitable<bool> send(uint32_t csid, uint8_t type, uint32_t streamId, std::vector<uint8_t> payload);
  awaitable<bool> sendCommand(uint32_t csid, uint32_t streamId, std::vector<uint8_t> payload);
  void deliverMedia(const rtmp::Message& m);
  bool fail(RtmpRejectReason reason, const std::string& why);
  std::string what() const;  // "[rtmp ...]" for the log

  tcp::socket socket_;
  RtmpRoutes& routes_;
  const RtmpListenerSpec& spec_;
  const uint64_t id_;
  const Hooks hooks_;
  std::string peer_;
  tcp::endpoint endpoint_;
  asio::steady_timer timer_;
  Clock::time_point startedAt_;
  Clock::time_point lastRead_;
  bool closed_ = false;
  bool timedOut_ = false;
  std::string endWhy_;  // why the session ended, for the log

  rtmp::ChunkReader reader_;
  rtmp::ChunkWriter writer_;
  uint64_t bytesIn_ = 0;
  uint64_t ackWindow_ = 0;
  uint64_t nextAckAt_ = 0;
  std::string app_;  // from connect; empty until then
  bool connected_ = false;
  std::shared_ptr<RtmpRoute> route_;  // set once publishing
  std::vector<uint8_t> tag_;          // one FLV tag being built (reused)
};

}  // namespace vigil::ingest
