#include "ingest/rtmp_session.h"

// g++ 12 at -O2 reports Asio 1.74's coroutine frames as freed by a delete
// that does not match their allocation: its thread_info_base recycling
// allocator pairs them itself. A false positive of the inliner.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <algorithm>
#include <random>

#include "core/clock.h"
#include "core/log.h"
#include "ingest/amf0.h"

namespace vigil::ingest {
namespace {

using amf0::Property;
using amf0::Value;

constexpr size_t kHandshakeBytes = 1536;
constexpr uint8_t kRtmpVersion = 3;
constexpr uint32_t kOutChunkSize = 4096;
constexpr uint32_t kWindowAckSize = 2'500'000;
constexpr uint32_t kStreamId = 1;  // the one message stream createStream hands out
constexpr size_t kReadBufferBytes = 64 * 1024;
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(250);

// Chunk stream ids of what the server sends.
constexpr uint32_t kControlCsid = 2;
constexpr uint32_t kCommandCsid = 3;
constexpr uint32_t kStatusCsid = 5;

std::vector<uint8_t> be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
          static_cast<uint8_t>(v)};
}
uint32_t readBe32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

// The app and the stream name as routed: any query string ("?token=...") cut
// off, and the app's trailing slash.
std::string routeName(std::string s) {
  if (auto q = s.find('?'); q != std::string::npos) s.resize(q);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Text from the peer, fit for a log line: bounded, printable.
std::string shown(const std::string& s) {
  std::string out = s.substr(0, 64);
  for (auto& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return s.size() > 64 ? out + "..." : out;
}

bool isStringArg(const std::vector<Value>& args, size_t i) { return args.size() > i && args[i].isString(); }

int64_t steadyUs(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

// Command payloads are built outside the coroutines: g++ 12 mishandles
// initializer lists of temporaries inside a co_await expression.
std::vector<uint8_t> encodeAll(const std::vector<Value>& values) {
  std::vector<uint8_t> out;
  for (const auto& v : values) amf0::encode(v, out);
  return out;
}

std::vector<uint8_t> statusCommand(const std::string& level, const std::string& code, const std::string& description) {
  return encodeAll({Value::makeString("onStatus"), Value::makeNumber(0), Value::makeNull(),
                    Value::makeObject({{"level", Value::makeString(level)},
                                       {"code", Value::makeString(code)},
                                       {"description", Value::makeString(description)}})});
}

std::vector<uint8_t> connectRejected(const Value& txn) {
  return encodeAll({Value::makeString("_error"), txn, Value::makeNull(),
                    Value::makeObject({{"level", Value::makeString("error")},
                                       {"code", Value::makeString("NetConnection.Connect.Rejected")},
                                       {"description", Value::makeString("Unknown application.")}})});
}

std::vector<uint8_t> connectResult(const Value& txn) {
  return encodeAll(
      {Value::makeString("_result"), txn,
       Value::makeObject({{"fmsVer", Value::makeString("FMS/3,0,1,123")}, {"capabilities", Value::makeNumber(31)}}),
       Value::makeObject({{"level", Value::makeString("status")},
                          {"code", Value::makeString("NetConnection.Connect.Success")},
                          {"description", Value::makeString("Connection succeeded.")},
                          {"objectEncoding", Value::makeNumber(0)}})});
}

std::vector<uint8_t> simpleResult(const Value& txn, const Value& result) {
  return encodeAll({Value::makeString("_result"), txn, Value::makeNull(), result});
}

std::vector<uint8_t> onFCPublish() {
  return encodeAll({Value::makeString("onFCPublish"), Value::makeNumber(0), Value::makeNull(),
                    Value::makeObject({{"code", Value::makeString("NetStream.Publish.Start")},
                                       {"description", Value::makeString("FCPublish")}})});
}

}  // namespace

RtmpSession::RtmpSession(tcp::socket socket, RtmpRoutes& routes, const RtmpListenerSpec& spec, uint64_t id, Hooks hooks)
    : socket_(std::move(socket)),
      routes_(routes),
      spec_(spec),
      id_(id),
      hooks_(std::move(hooks)),
      timer_(socket_.get_executor()),
      startedAt_(Clock::now()),
      lastRead_(startedAt_),
      reader_(rtmp::ChunkLimits{spec.maxMessageBytes, 0xffffff, spec.maxChunkStreams, 2 * spec.maxMessageBytes}) {
  boost::system::error_code ec;
  endpoint_ = socket_.remote_endpoint(ec);
  peer_ = ec ? std::string("?") : peerToString(endpoint_.data());
  socket_.set_option(tcp::no_delay(true), ec);
}

RtmpSession::~RtmpSession() = default;

std::string RtmpSession::what() const {
  if (route_) return "[rtmp ch=" + route_->spec.channelId + " in=" + route_->spec.inputId + "]";
  if (!app_.empty()) return "[rtmp app=" + shown(app_) + "]";
  return "[rtmp]";
}

void RtmpSession::start(std::function<void()> onDone) {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), watchdog(), [self](std::exception_ptr) {});
  asio::co_spawn(socket_.get_executor(), run(), [self, onDone = std::move(onDone)](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::get("ingest")->error("{} session {} ended by exception: {}", self->what(), self->peer_, ex.what());
      } catch (...) {
        log::get("ingest")->error("{} session {} ended by unknown exception", self->what(), self->peer_);
      }
    }
    if (onDone) onDone();
  });
}

void RtmpSession::close(const char* why) {
  if (closed_) return;
  closed_ = true;
  if (endWhy_.empty()) endWhy_ = why;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  timer_.cancel();
}

bool RtmpSession::fail(RtmpRejectReason reason, const std::string& why) {
  routes_.countReject(reason);
  log::get("ingest")->warn("{} {} refused: {}: {}", what(), peer_, toString(reason), why);
  close(toString(reason));
  return false;
}

// Closes the socket once the handshake deadline (until publishing) or the
// idle deadline has passed.
awaitable<void> RtmpSession::watchdog() {
  const auto handshakeTimeout = std::chrono::milliseconds(spec_.handshakeTimeoutMs);
  const auto idleTimeout = std::chrono::milliseconds(spec_.idleTimeoutMs);
  while (!closed_) {
    const auto now = Clock::now();
    auto deadline = lastRead_ + idleTimeout;
    if (!route_) deadline = std::min(deadline, startedAt_ + handshakeTimeout);
    if (now >= deadline) {
      timedOut_ = true;
      routes_.countReject(RtmpRejectReason::Timeout);
      log::get("ingest")->warn("{} {} timed out ({})", what(), peer_,
                               route_ ? "no data" : "no publish within the handshake timeout");
      close(toString(RtmpRejectReason::Timeout));
      break;
    }
    timer_.expires_at(std::min(deadline, now + kWatchdogPeriod));
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

awaitable<void> RtmpSession::run() {
  auto logger = log::get("ingest");
  logger->debug("[rtmp] connection from {}", peer_);
  if (co_await handshake()) {
    std::vector<uint8_t> buffer(kReadBufferBytes);
    std::deque<rtmp::Message> messages;
    bool going = true;
    while (going && !closed_) {
      boost::system::error_code ec;
      const size_t n =
          co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!closed_)
          endWhy_ = ec == asio::error::eof ? "publisher closed the connection" : "connection lost: " + ec.message();
        break;
      }
      lastRead_ = Clock::now();
      bytesIn_ += n;
      if (route_) {
        route_->bytesReceived.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
        route_->lastDataSteadyUs.store(steadyUs(lastRead_), std::memory_order_relaxed);
      }
      if (Status s = reader_.feed(std::span<const uint8_t>(buffer.data(), n), messages); !s) {
        fail(RtmpRejectReason::ProtocolError, s.message());
        break;
      }
      while (going && !messages.empty()) {
        rtmp::Message m = std::move(messages.front());
        messages.pop_front();
        going = co_await handle(m);
      }
      // Acknowledge each window of bytes received (5.4.3).
      if (going && ackWindow_ > 0 && bytesIn_ >= nextAckAt_) {
        nextAckAt_ = bytesIn_ + ackWindow_;
        going = co_await send(kControlCsid, rtmp::kAcknowledgement, 0, be32(static_cast<uint32_t>(bytesIn_)));
      }
    }
  }
  const bool timedOut = timedOut_;
  close("session ended");
  if (route_) {
    routes_.release(*route_, id_);
    logger->info("{} publisher {} gone: {} ({} bytes)", what(), peer_, timedOut ? "idle timeout" : endWhy_, bytesIn_);
  } else {
    logger->debug("[rtmp] connection from {} closed: {}", peer_, endWhy_);
  }
}

// The plain handshake: C0+C1 in, S0+S1+S2 out, C2 in. ffmpeg's and OBS's
// publishers accept it (they check the digest form only when playing).
awaitable<bool> RtmpSession::handshake() {
  std::vector<uint8_t> c0c1(1 + kHandshakeBytes);
  boost::system::error_code ec;
  const size_t got =
      co_await asio::async_read(socket_, asio::buffer(c0c1), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    // A connection closed before its first byte is a port check (a load
    // balancer's, a scanner's), not a broken encoder: no warning for it.
    if (got == 0 && ec == asio::error::eof)
      endWhy_ = "closed before the handshake";
    else if (!closed_)
      fail(RtmpRejectReason::BadHandshake, "C0/C1: " + ec.message());
    co_return false;
  }
  lastRead_ = Clock::now();
  if (c0c1[0] != kRtmpVersion)
    co_return fail(RtmpRejectReason::BadHandshake, "version " + std::to_string(c0c1[0]) + " (RTMPE is not served)");
  std::vector<uint8_t> s(1 + 2 * kHandshakeBytes);
  s[0] = kRtmpVersion;
  const auto uptimeMs = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count());
  const auto t = be32(uptimeMs);
  std::copy(t.begin(), t.end(), s.begin() + 1);  // S1: time, zero, random
  std::mt19937 rng(std::random_device{}());
  for (size_t i = 9; i < 1 + kHandshakeBytes; ++i) s[i] = static_cast<uint8_t>(rng());
  std::copy(c0c1.begin() + 1, c0c1.end(), s.begin() + 1 + kHandshakeBytes);  // S2: C1 echoed
  std::copy(t.begin(), t.end(), s.begin() + 1 + kHandshakeBytes + 4);        // with our time
  co_await asio::async_write(socket_, asio::buffer(s), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!closed_) endWhy_ = "S0/S1/S2: " + ec.message();
    co_return false;
  }
  std::vector<uint8_t> c2(kHandshakeBytes);
  co_await asio::async_read(socket_, asio::buffer(c2), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!closed_) fail(RtmpRejectReason::BadHandshake, "C2: " + ec.message());
    co_return false;
  }
  lastRead_ = Clock::now();
  bytesIn_ = c0c1.size() + c2.size();
  co_return true;
}

awaitable<bool> RtmpSession::send(uint32_t csid, uint8_t type, uint32_t streamId, std::vector<uint8_t> payload) {
  std::vector<uint8_t> out;
  writer_.write(csid, type, streamId, 0, payload, out);
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
  if (ec && !closed_) endWhy_ = "write: " + ec.message();
  co_return !ec;
}

awaitable<bool> RtmpSession::sendCommand(uint32_t csid, uint32_t streamId, std::vector<uint8_t> payload) {
  co_return co_await send(csid, rtmp::kCommandAmf0, streamId, std::move(payload));
}

awaitable<bool> RtmpSession::handle(rtmp::Message& m) {
  switch (m.type) {
    case rtmp::kSetChunkSize:  // applied by the reader
    case rtmp::kAbort:
    case rtmp::kAcknowledgement:
    case rtmp::kSetPeerBandwidth:
      co_return true;
    case rtmp::kWindowAckSize:
      if (m.payload.size() >= 4) {
        ackWindow_ = std::max<uint32_t>(readBe32(m.payload.data()), 1024);
        nextAckAt_ = bytesIn_ + ackWindow_;
      }
      co_return true;
    case rtmp::kUserControl:
      // Ping request (6): answer with a ping response (7) of the same time.
      if (m.payload.size() >= 6 && m.payload[0] == 0 && m.payload[1] == 6) {
        std::vector<uint8_t> pong{0, 7, m.payload[2], m.payload[3], m.payload[4], m.payload[5]};
        co_return co_await send(kControlCsid, rtmp::kUserControl, 0, pong);
      }
      co_return true;
    case rtmp::kCommandAmf3:
    case rtmp::kCommandAmf0: {
      std::span<const uint8_t> body(m.payload);
      if (m.type == rtmp::kCommandAmf3 && !body.empty()) body = body.subspan(1);  // AMF0 after a format byte
      auto values = amf0::decodeAll(body);
      if (!values) co_return fail(RtmpRejectReason::ProtocolError, "command: " + values.message());
      if (!isStringArg(*values, 0)) co_return fail(RtmpRejectReason::ProtocolError, "command without a name");
      co_return co_await command(*values);
    }
    case rtmp::kAudio:
    case rtmp::kVideo:
    case rtmp::kDataAmf0:
    case rtmp::kDataAmf3:
    case rtmp::kAggregate:
      if (route_) deliverMedia(m);  // before publish: nothing to route it to
      co_return true;
    default:
      co_return true;  // unknown types are skipped (the spec leaves room for more)
  }
}

awaitable<bool> RtmpSession::command(const std::vector<Value>& args) {
  auto logger = log::get("ingest");
  const std::string& name = args[0].string;
  const Value txn = args.size() > 1 && args[1].type == amf0::Type::Number ? args[1] : Value::makeNumber(0);
  if (name == "connect") {
    if (connected_) co_return fail(RtmpRejectReason::ProtocolError, "connect twice");
    const Value* app = args.size() > 2 ? args[2].find("app") : nullptr;
    if (!app || !app->isString()) co_return fail(RtmpRejectReason::ProtocolError, "connect without an app");
    app_ = routeName(app->string);
    if (app_.empty()) app_ = "?";
    if (!routes_.hasApp(app_)) {
      co_await sendCommand(kCommandCsid, 0, connectRejected(txn));
      co_return fail(RtmpRejectReason::UnknownApp, "no input uses this app");
    }
    connected_ = true;
    // The server's side of the connection, then the answer.
    if (!co_await send(kControlCsid, rtmp::kWindowAckSize, 0, be32(kWindowAckSize))) co_return false;
    auto bw = be32(kWindowAckSize);
    bw.push_back(2);  // dynamic
    if (!co_await send(kControlCsid, rtmp::kSetPeerBandwidth, 0, bw)) co_return false;
    if (!co_await send(kControlCsid, rtmp::kSetChunkSize, 0, be32(kOutChunkSize))) co_return false;
    writer_.setChunkSize(kOutChunkSize);
    if (ackWindow_ == 0) {  // until the publisher names its own window
      ackWindow_ = kWindowAckSize;
      nextAckAt_ = bytesIn_ + ackWindow_;
    }
    co_return co_await sendCommand(kCommandCsid, 0, connectResult(txn));
  }
  if (!connected_) co_return fail(RtmpRejectReason::ProtocolError, "'" + shown(name) + "' before connect");
  if (name == "releaseStream")
    co_return co_await sendCommand(kCommandCsid, 0, simpleResult(txn, Value::makeUndefined()));
  if (name == "FCPublish") co_return co_await sendCommand(kCommandCsid, 0, onFCPublish());
  if (name == "createStream")
    co_return co_await sendCommand(kCommandCsid, 0, simpleResult(txn, Value::makeNumber(kStreamId)));
  if (name == "publish") {
    if (route_) co_return fail(RtmpRejectReason::ProtocolError, "publish twice");
    if (!isStringArg(args, 3)) co_return fail(RtmpRejectReason::ProtocolError, "publish without a stream name");
    const auto claim =
        routes_.claim(app_, routeName(args[3].string), endpoint_, id_, int64_t{spec_.takeoverAfterSilenceMs} * 1000);
    if (!claim.route) {
      co_await sendCommand(kStatusCsid, kStreamId,
                           statusCommand("error", "NetStream.Publish.BadName", "Stream not accepted."));
      // Counted by claim(); the key itself is never logged.
      logger->warn("{} {} refused: {}", what(), peer_, toString(claim.reason));
      close(toString(claim.reason));
      co_return false;
    }
    route_ = claim.route;
    if (hooks_.publishing) hooks_.publishing();
    if (claim.tookOverFrom != 0) {
      // The silent session delivers nothing more once closed; its sink
      // hears it go before it hears this one come.
      if (hooks_.closeOther) hooks_.closeOther(claim.tookOverFrom);
      routes_.tookOver(*route_);
      logger->warn("{} publisher {} takes over from a publisher silent for over {} ms", what(), peer_,
                   spec_.takeoverAfterSilenceMs);
    }
    logger->info("{} publisher {} connected (app {}, key ok)", what(), peer_, shown(app_));
    routes_.connected(*route_);
    std::vector<uint8_t> header;
    rtmp::appendFlvHeader(header);
    routes_.payload(*route_, header.data(), header.size());
    // Stream Begin for stream 1, then the status the publisher waits for.
    std::vector<uint8_t> begin{0, 0};
    const auto id = be32(kStreamId);
    begin.insert(begin.end(), id.begin(), id.end());
    if (!co_await send(kControlCsid, rtmp::kUserControl, 0, begin)) co_return false;
    co_return co_await sendCommand(kStatusCsid, kStreamId,
                                   statusCommand("status", "NetStream.Publish.Start", "Publishing."));
  }
  if (name == "FCUnpublish" || name == "deleteStream" || name == "closeStream") {
    endWhy_ = "publisher ended the stream (" + name + ")";
    co_return false;
  }
  if (name == "play" || name == "play2") co_return fail(RtmpRejectReason::ProtocolError, "playback is not served");
  logger->debug("{} {} skipped command '{}'", what(), peer_, shown(name));
  co_return true;
}

// Audio, video and onMetaData as FLV tags. Aggregates are split into their
// tags, their timestamps rebased on the message's.
void RtmpSession::deliverMedia(const rtmp::Message& m) {
  if (closed_) return;  // taken over meanwhile
  std::span<const uint8_t> body(m.payload);
  if (body.empty()) return;  // an encoder's empty message: no tag for the demuxer
  if (m.type == rtmp::kDataAmf0 || m.type == rtmp::kDataAmf3) {
    if (m.type == rtmp::kDataAmf3 && !body.empty()) body = body.subspan(1);
    // "@setDataFrame" is the publisher's instruction to keep what follows
    // ("onMetaData", {...}); FLV files carry just that part.
    static constexpr uint8_t kSetDataFrame[] = {0x02, 0x00, 0x0d, '@', 's', 'e', 't', 'D',
                                                'a',  't',  'a',  'F', 'r', 'a', 'm', 'e'};
    if (body.size() >= sizeof kSetDataFrame &&
        std::equal(std::begin(kSetDataFrame), std::end(kSetDataFrame), body.begin()))
      body = body.subspan(sizeof kSetDataFrame);
    static constexpr uint8_t kOnMetaData[] = {0x02, 0x00, 0x0a, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'};
    if (body.size() < sizeof kOnMetaData || !std::equal(std::begin(kOnMetaData), std::end(kOnMetaData), body.begin()))
      return;  // other data (cue points, captions) is not for the demuxer
  }
  tag_.clear();
  if (m.type == rtmp::kAggregate) {
    size_t at = 0;
    int64_t firstTs = -1;
    while (body.size() - at >= 11) {
      const uint8_t* h = body.data() + at;
      const uint8_t type = h[0] & 0x1f;
      const size_t size = size_t{h[1]} << 16 | size_t{h[2]} << 8 | h[3];
      const uint32_t ts = uint32_t{h[7]} << 24 | uint32_t{h[4]} << 16 | uint32_t{h[5]} << 8 | h[6];
      if (body.size() - at < 11 + size + 4) break;  // a cut sub-message: the rest is dropped
      if (firstTs < 0) firstTs = ts;
      if (type == rtmp::kAudio || type == rtmp::kVideo)
        rtmp::appendFlvTag(type, m.timestamp + (ts - static_cast<uint32_t>(firstTs)), body.subspan(at + 11, size),
                           tag_);
      at += 11 + size + 4;
    }
  } else {
    const uint8_t type = m.type == rtmp::kAudio || m.type == rtmp::kVideo ? m.type : uint8_t{rtmp::kDataAmf0};
    rtmp::appendFlvTag(type, m.timestamp, body, tag_);
  }
  if (tag_.empty()) return;
  route_->mediaMessages.fetch_add(1, std::memory_order_relaxed);
  routes_.payload(*route_, tag_.data(), tag_.size());
}

}  // namespace vigil::ingest
