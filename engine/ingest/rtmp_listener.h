// One RTMP listener (one TCP port, 1935 by default) for every channel's RTMP
// contribution inputs.
//
// An encoder publishes to rtmp://host:port/<app>/<stream key>. The session
// layer is ours (libavformat's RTMP listen mode takes any app and key, one
// publisher per process, and ends with it): the handshake (the plain one:
// C0/C1/C2, S0/S1/S2), the chunk stream (rtmp_chunk.h), and the AMF0 commands
// (amf0.h) connect, releaseStream, FCPublish, createStream, publish and
// FCUnpublish/deleteStream. An input is found by the app of `connect`
// (unknown: the connection is rejected) and the stream name of `publish`,
// compared with each input's key in constant time; a wrong key, an address
// outside the input's allow-list or an input that already has a publisher
// is answered NetStream.Publish.BadName and closed. Keys are never logged.
// Once publishing, audio, video and onMetaData messages are rewritten as an
// FLV byte stream (header, then one tag per message) and handed to the
// input's PublisherSink, for ContributionInput(Flv) to demux. A publisher
// that goes ends its session (onPublisherGone), and the next one is taken
// back as a new session; one that fell silent without closing is replaced
// by the next publisher with the key after takeoverAfterSilenceMs.
//
// Threads: one io_context run by the listener's own thread; every session
// is a coroutine on it. Everything is bounded (handshake and idle timeouts,
// message and chunk sizes, chunk streams, sessions), and a session that
// breaks a rule is closed alone, with its reason logged and counted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/publisher_sink.h"

namespace vigil::ingest {

struct RtmpListenerSpec {
  std::string address = "0.0.0.0";  // "::" listens dual-stack
  int port = 1935;                  // 0: an ephemeral port (see RtmpListener::port())
  int maxSessions = 64;             // TCP connections at once, publishing or not
  // Connections from one address that are not publishing (yet): one host
  // cannot fill maxSessions with idle connections. Publishing ones do not count.
  int maxPendingPerAddress = 8;
  int handshakeTimeoutMs = 10000;  // connection to publish accepted
  int idleTimeoutMs = 10000;       // no byte from the peer for this long ends its session
  // A publisher silent this long (a frozen encoder, a connection cut without
  // a FIN) yields its input to a new publisher with the right key, instead
  // of holding it until the idle timeout. 0: never; a live publisher is never taken over.
  int takeoverAfterSilenceMs = 2000;
  size_t maxMessageBytes = 8 << 20;
  size_t maxChunkStreams = 64;  // per session
};

struct RtmpInputSpec {
  std::string channelId;
  std::string inputId;
  std::string app;                      // the application of rtmp://host/<app>/<key>; [A-Za-z0-9_.-/]+
  std::string streamKey;                // the stream name; a secret: never logged
  std::vector<std::string> allowCidrs;  // "a.b.c.d/n", "x::/n"; empty: any address
  std::shared_ptr<PublisherSink> sink;
};

// Why a connection was turned away or cut. Each has its own counter.
enum class RtmpRejectReason {
  BadHandshake,       // not RTMP, an unsupported version, or a handshake cut short
  ProtocolError,      // malformed chunks or AMF, limits exceeded, commands out of order
  UnknownApp,         // connect to an application no input uses
  WrongKey,           // publish with a key no input of the app has
  InputBusy,          // the input already has a publisher
  AddressNotAllowed,  // the peer is outside the input's allow-list
  Timeout,            // handshake or idle timeout
  TooManySessions,    // maxSessions, or maxPendingPerAddress for the peer's address, reached
  Count
};
const char* toString(RtmpRejectReason r);

struct RtmpInputStats {
  bool connected = false;
  std::string peer;           // "addr:port" of the current (or last) publisher
  int64_t sessions = 0;       // publishers accepted
  int64_t rejections = 0;     // publishes refused for this input (busy, address)
  int64_t takeovers = 0;      // silent publishers replaced by a new one
  int64_t bytesReceived = 0;  // current (or last) session, on the wire
  int64_t mediaMessages = 0;  // current (or last) session: audio, video and data messages
  int64_t connectedAtUtcUs = 0;
};

struct RtmpListenerCounters {
  int64_t connections = 0;  // TCP connections accepted
  int64_t published = 0;    // sessions that started publishing
  int64_t takeovers = 0;    // of them, replacing a silent publisher
  int64_t rejected[static_cast<int>(RtmpRejectReason::Count)] = {};
};

class RtmpListener {
 public:
  explicit RtmpListener(RtmpListenerSpec spec);
  ~RtmpListener();
  RtmpListener(const RtmpListener&) = delete;
  RtmpListener& operator=(const RtmpListener&) = delete;

  // Binds, listens and starts the listener's thread.
  Status start();
  // Disconnects every publisher (their sinks get onPublisherGone) and joins the thread.
  void stop();
  // The bound TCP port (the ephemeral one when the spec said 0); 0 before start().
  int port() const;

  // Inputs may be added and removed while running. Removing one disconnects
  // its publisher; no call reaches its sink after removeInput returns.
  Status addInput(RtmpInputSpec spec);
  Status removeInput(const std::string& channelId, const std::string& inputId);

  std::optional<RtmpInputStats> stats(const std::string& channelId, const std::string& inputId) const;
  RtmpListenerCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest
