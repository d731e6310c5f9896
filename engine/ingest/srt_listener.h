// One SRT listener (one UDP port) for every channel's contribution inputs.
//
// A caller names its input by stream id ("#!::r=<channel>/<input>,m=publish"
// or "<channel>/<input>"). The listen callback admits it only when the input
// exists, the peer address is in the input's allow-list and the input has no
// publisher yet, and then arms the input's passphrase on the new socket, so a
// wrong or missing passphrase fails libsrt's own handshake. Received payload
// (MPEG-TS in live mode) goes to the input's PublisherSink.
//
// Threads: libsrt runs the listen callback on its receive thread; the
// listener's own thread accepts, reads and closes sockets (non-blocking,
// srt_epoll). Both only touch the input registry under its mutex and never
// wait on a sink, so one misbehaving caller cannot stall another channel.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ingest/publisher_sink.h"

struct sockaddr;

namespace vigil::ingest {

struct SrtListenerSpec {
  std::string address = "0.0.0.0";  // "::" listens dual-stack
  int port = 0;                     // 0: an ephemeral port (see SrtListener::port())
  int backlog = 16;
};

struct SrtInputSpec {
  std::string channelId;
  std::string inputId;
  std::string passphrase;               // empty: no encryption; else 10..79 characters. Never logged.
  int pbkeylen = 16;                    // AES key length in bytes: 16, 24 or 32
  int latencyMs = 120;                  // SRTO_RCVLATENCY: the receive buffer that absorbs retransmissions
  std::vector<std::string> allowCidrs;  // "a.b.c.d/n", "x::/n"; empty: any address
  std::shared_ptr<PublisherSink> sink;
};

// Why a caller was turned away. Each has its own counter.
enum class SrtRejectReason { BadStreamId, BadMode, UnknownChannel, UnknownInput, AddressNotAllowed, InputBusy, Count };
const char* toString(SrtRejectReason r);

// A consistent snapshot of one input: listener counters plus, while a
// publisher is connected, libsrt's statistics of its socket (srt_bistats).
struct SrtInputStats {
  bool connected = false;
  std::string peer;               // "addr:port" of the current (or last) publisher
  int64_t sessions = 0;           // publishers accepted
  int64_t rejections = 0;         // callers turned away by the listen callback (any reason)
  int64_t handshakeFailures = 0;  // admitted callers libsrt then refused (wrong or missing passphrase)
  // The current session (zero when none).
  double rttMs = 0;
  int64_t packetsReceived = 0;
  int64_t packetsLost = 0;
  int64_t packetsRetransmitted = 0;  // retransmitted packets received
  int64_t packetsDropped = 0;        // too late to play
  int64_t bytesReceived = 0;
  int receiveBufferMs = 0;
  int receiveBufferBytes = 0;
  int latencyMs = 0;  // negotiated TSBPD delay
  double receiveRateMbps = 0;
};

struct SrtListenerCounters {
  int64_t accepted = 0;
  int64_t handshakeFailures = 0;
  int64_t rejected[static_cast<int>(SrtRejectReason::Count)] = {};
};

class SrtListener {
 public:
  explicit SrtListener(SrtListenerSpec spec);
  ~SrtListener();
  SrtListener(const SrtListener&) = delete;
  SrtListener& operator=(const SrtListener&) = delete;

  // Binds, listens and starts the listener's thread.
  Status start();
  // Disconnects every publisher (their sinks get onPublisherGone) and joins the thread.
  void stop();
  // The bound UDP port (the ephemeral one when the spec said 0); 0 before start().
  int port() const { return boundPort_.load(); }

  // Inputs may be added and removed while running. Removing one disconnects
  // its publisher; no call reaches its sink after removeInput returns.
  Status addInput(SrtInputSpec spec);
  Status removeInput(const std::string& channelId, const std::string& inputId);

  std::optional<SrtInputStats> stats(const std::string& channelId, const std::string& inputId) const;
  SrtListenerCounters counters() const;

 private:
  struct Input;
  struct Session;
  using Key = std::pair<std::string, std::string>;  // channel, input

  static int onListen(void* self, int ns, int hsVersion, const sockaddr* peer, const char* streamId);
  int admit(int ns, const sockaddr* peer, const char* streamId);
  int reject(int ns, SrtRejectReason reason, int code, const std::string& what, const std::string& peer);
  void run();
  void acceptPending();
  void readFrom(int sock);
  void closeSession(int sock, const char* why);
  void sweep();

  const SrtListenerSpec spec_;
  std::shared_ptr<void> library_;  // libsrt stays started while this lives; declared before the sockets
  struct Handles;
  std::unique_ptr<Handles> handles_;  // listener socket and epoll id: created by start(), closed by stop()
  std::atomic<int> boundPort_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  mutable std::mutex
      mutex_;  // guards inputs_, admitted_, counters_ (never held across a libsrt call but the callback's)
  std::map<Key, std::shared_ptr<Input>> inputs_;
  std::map<int, std::shared_ptr<Input>> admitted_;  // sockets admitted by the callback, not yet accepted
  SrtListenerCounters counters_;

  // Held by the listener's thread while it calls a sink, and by removeInput
  // after unregistering, so a removed input's sink sees no late call.
  std::mutex deliveryMutex_;
  std::map<int, std::unique_ptr<Session>> sessions_;  // accepted sockets; the listener's thread only
};

}  // namespace vigil::ingest
