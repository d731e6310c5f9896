#include "ingest/rtmp_listener.h"

#include <algorithm>
#include <map>
#include <thread>
#include <unordered_map>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/clock.h"
#include "core/log.h"
#include "ingest/rtmp_session.h"

namespace vigil::ingest {
namespace {

std::string keyText(const std::string& channel, const std::string& input) { return "ch=" + channel + " in=" + input; }

bool validApp(const std::string& app) {
  if (app.empty() || app.size() > 128 || app.front() == '/' || app.back() == '/') return false;
  return std::all_of(app.begin(), app.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == '/';
  });
}

std::array<uint8_t, 32> sha256(const std::string& s) {
  std::array<uint8_t, 32> d{};
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), d.data(), &n, EVP_sha256(), nullptr);
  return d;
}

}  // namespace

const char* toString(RtmpRejectReason r) {
  switch (r) {
    case RtmpRejectReason::BadHandshake:
      return "bad handshake";
    case RtmpRejectReason::ProtocolError:
      return "protocol error";
    case RtmpRejectReason::UnknownApp:
      return "unknown application";
    case RtmpRejectReason::WrongKey:
      return "wrong key";
    case RtmpRejectReason::InputBusy:
      return "input already has a publisher";
    case RtmpRejectReason::AddressNotAllowed:
      return "address not in the input's allow-list";
    case RtmpRejectReason::Timeout:
      return "timeout";
    case RtmpRejectReason::TooManySessions:
      return "too many sessions";
    case RtmpRejectReason::Count:
      break;
  }
  return "?";
}

// ---- RtmpRoutes -------------------------------------------------------------

Status RtmpRoutes::add(RtmpInputSpec spec) {
  const std::string what = "RTMP input " + keyText(spec.channelId, spec.inputId);
  if (!spec.sink) return Status::error(what + ": no sink");
  if (spec.channelId.empty() || spec.inputId.empty()) return Status::error(what + ": empty id");
  if (!validApp(spec.app)) return Status::error(what + ": app must be [A-Za-z0-9_.-/]+, not starting or ending in /");
  if (spec.streamKey.empty() || spec.streamKey.size() > 256 || spec.streamKey.find('?') != std::string::npos)
    return Status::error(what + ": the stream key must be 1 to 256 characters without '?'");
  auto route = std::make_shared<RtmpRoute>();
  for (const auto& text : spec.allowCidrs) {
    auto cidr = Cidr::parse(text);
    if (!cidr) return Status::error(what + ": " + cidr.message());
    route->allow.push_back(*cidr);
  }
  route->keyDigest = sha256(spec.streamKey);
  Key key{spec.channelId, spec.inputId};
  route->spec = std::move(spec);
  std::lock_guard lock(mutex_);
  if (inputs_.count(key)) return Status::error(what + " already exists");
  for (const auto& [k, other] : inputs_)
    if (other->spec.app == route->spec.app && other->keyDigest == route->keyDigest)
      return Status::error(what + ": another input of app " + route->spec.app + " has the same key");
  inputs_.emplace(std::move(key), std::move(route));
  return Status::ok();
}

Result<uint64_t> RtmpRoutes::remove(const std::string& channelId, const std::string& inputId) {
  uint64_t publisher = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = inputs_.find({channelId, inputId});
    if (it == inputs_.end()) return Status::error("RTMP input " + keyText(channelId, inputId) + " does not exist");
    it->second->removed = true;
    publisher = it->second->publisher;
    inputs_.erase(it);
  }
  // Wait out a sink call in flight; later ones see the input removed.
  std::lock_guard delivery(deliveryMutex_);
  return publisher;
}

bool RtmpRoutes::hasApp(const std::string& app) const {
  std::lock_guard lock(mutex_);
  return std::any_of(inputs_.begin(), inputs_.end(), [&](const auto& kv) { return kv.second->spec.app == app; });
}

RtmpRoutes::Claim RtmpRoutes::claim(const std::string& app, const std::string& key, const tcp::endpoint& peer,
                                    uint64_t session, int64_t takeoverAfterUs) {
  const auto digest = sha256(key);
  std::lock_guard lock(mutex_);
  // Every candidate is compared, in constant time, so the answer's timing
  // says nothing about which key came close.
  std::shared_ptr<RtmpRoute> match;
  for (const auto& [k, route] : inputs_) {
    if (route->spec.app != app) continue;
    if (CRYPTO_memcmp(route->keyDigest.data(), digest.data(), digest.size()) == 0) match = route;
  }
  Claim c;
  auto refuse = [&](RtmpRejectReason reason) {
    ++counters_.rejected[static_cast<int>(reason)];
    if (match) ++match->rejections;
    c.reason = reason;
    return c;
  };
  if (!match) return refuse(RtmpRejectReason::WrongKey);
  if (!match->allow.empty() &&
      std::none_of(match->allow.begin(), match->allow.end(), [&](const Cidr& n) { return n.contains(peer.data()); }))
    return refuse(RtmpRejectReason::AddressNotAllowed);
  const int64_t nowSteadyUs =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  if (match->publisher != 0) {
    const int64_t silentUs = nowSteadyUs - match->lastDataSteadyUs.load(std::memory_order_relaxed);
    if (takeoverAfterUs <= 0 || silentUs < takeoverAfterUs) return refuse(RtmpRejectReason::InputBusy);
    c.tookOverFrom = match->publisher;
    ++match->takeovers;
    ++counters_.takeovers;
  }
  match->publisher = session;
  match->lastDataSteadyUs = nowSteadyUs;
  match->peer = peerToString(peer.data());
  ++match->sessions;
  match->connectedAtUtcUs = nowUtcUs();
  match->bytesReceived = 0;
  match->mediaMessages = 0;
  ++counters_.published;
  c.route = std::move(match);
  return c;
}

void RtmpRoutes::release(RtmpRoute& route, uint64_t session) {
  {
    std::lock_guard lock(mutex_);
    if (route.publisher != session) return;
    route.publisher = 0;
  }
  gone(route);
}

void RtmpRoutes::connected(RtmpRoute& route) {
  std::string peer;
  {
    std::lock_guard lock(mutex_);
    peer = route.peer;
  }
  std::lock_guard delivery(deliveryMutex_);
  if (!route.removed) route.spec.sink->onPublisherConnected(peer);
}

void RtmpRoutes::payload(RtmpRoute& route, const uint8_t* data, size_t size) {
  std::lock_guard delivery(deliveryMutex_);
  if (!route.removed) route.spec.sink->onPayload(data, size);
}

void RtmpRoutes::gone(RtmpRoute& route) {
  std::lock_guard delivery(deliveryMutex_);
  if (!route.removed) route.spec.sink->onPublisherGone();
}

void RtmpRoutes::countConnection() {
  std::lock_guard lock(mutex_);
  ++counters_.connections;
}

void RtmpRoutes::countReject(RtmpRejectReason reason) {
  std::lock_guard lock(mutex_);
  ++counters_.rejected[static_cast<int>(reason)];
}

std::optional<RtmpInputStats> RtmpRoutes::stats(const std::string& channelId, const std::string& inputId) const {
  std::lock_guard lock(mutex_);
  auto it = inputs_.find({channelId, inputId});
  if (it == inputs_.end()) return std::nullopt;
  const RtmpRoute& r = *it->second;
  RtmpInputStats s;
  s.connected = r.publisher != 0;
  s.peer = r.peer;
  s.sessions = r.sessions;
  s.rejections = r.rejections;
  s.takeovers = r.takeovers;
  s.bytesReceived = r.bytesReceived.load(std::memory_order_relaxed);
  s.mediaMessages = r.mediaMessages.load(std::memory_order_relaxed);
  s.connectedAtUtcUs = r.connectedAtUtcUs;
  return s;
}

RtmpListenerCounters RtmpRoutes::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

// ---- RtmpListener -----------------------------------------------------------

struct RtmpListener::Impl {
  explicit Impl(RtmpListenerSpec s) : spec(std::move(s)), acceptor(io) {}

  awaitable<void> acceptLoop();
  void closeSession(uint64_t id, const char* why);
  void notPending(uint64_t id);

  const RtmpListenerSpec spec;
  RtmpRoutes routes;
  asio::io_context io{1};
  tcp::acceptor acceptor;  // the listener's thread once started
  std::thread thread;
  std::atomic<int> boundPort{0};
  // The listener's thread only.
  struct Tracked {
    std::weak_ptr<RtmpSession> session;
    asio::ip::address address;
    bool pending = true;  // not publishing (yet): counted in pendingByAddress
  };
  std::unordered_map<uint64_t, Tracked> sessions;
  std::map<asio::ip::address, int> pendingByAddress;
  uint64_t nextId = 1;
};

awaitable<void> RtmpListener::Impl::acceptLoop() {
  auto logger = log::get("ingest");
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: wait a little rather than spin.
      logger->error("[rtmp] accept: {}", ec.message());
      asio::steady_timer pause(io, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    routes.countConnection();
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) continue;  // gone already
    const char* full = nullptr;
    if (sessions.size() >= static_cast<size_t>(std::max(1, spec.maxSessions)))
      full = "sessions";
    else if (pendingByAddress[peer.address()] >= std::max(1, spec.maxPendingPerAddress))
      full = "unpublished connections from its address";
    if (full) {
      routes.countReject(RtmpRejectReason::TooManySessions);
      logger->warn("[rtmp] refused a connection from {}: too many {}", peerToString(peer.data()), full);
      if (pendingByAddress[peer.address()] == 0) pendingByAddress.erase(peer.address());
      socket.close(ec);
      continue;
    }
    const uint64_t id = nextId++;
    RtmpSession::Hooks hooks{[this](uint64_t other) { closeSession(other, "taken over"); },
                             [this, id] { notPending(id); }};
    auto session = std::make_shared<RtmpSession>(std::move(socket), routes, spec, id, std::move(hooks));
    sessions.emplace(id, Tracked{session, peer.address()});
    ++pendingByAddress[peer.address()];
    session->start([this, id] {
      notPending(id);
      sessions.erase(id);
    });
  }
}

void RtmpListener::Impl::closeSession(uint64_t id, const char* why) {
  auto it = sessions.find(id);
  if (it == sessions.end()) return;
  if (auto s = it->second.session.lock()) s->close(why);
}

void RtmpListener::Impl::notPending(uint64_t id) {
  auto it = sessions.find(id);
  if (it == sessions.end() || !it->second.pending) return;
  it->second.pending = false;
  auto p = pendingByAddress.find(it->second.address);
  if (p != pendingByAddress.end() && --p->second <= 0) pendingByAddress.erase(p);
}

RtmpListener::RtmpListener(RtmpListenerSpec spec) : impl_(std::make_unique<Impl>(std::move(spec))) {}

RtmpListener::~RtmpListener() { stop(); }

int RtmpListener::port() const { return impl_->boundPort.load(); }

Status RtmpListener::start() {
  Impl& m = *impl_;
  if (m.thread.joinable()) return Status::error("RTMP listener already started");
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(m.spec.address, ec);
  if (ec) return Status::error("RTMP listener: bad address " + m.spec.address);
  if (m.spec.port < 0 || m.spec.port > 65535) return Status::error("RTMP listener: bad port");
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(m.spec.port));
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && address.is_v6()) m.acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    m.acceptor.close(ignored);
    return Status::error("RTMP listener: listen on " + m.spec.address + ":" + std::to_string(m.spec.port) + ": " +
                         ec.message());
  }
  m.boundPort = m.acceptor.local_endpoint(ec).port();
  m.io.restart();
  asio::co_spawn(m.io, m.acceptLoop(), asio::detached);
  m.thread = std::thread([&m] {
    try {
      m.io.run();
    } catch (const std::exception& e) {
      log::get("ingest")->error("[rtmp] listener thread ended by exception: {}", e.what());
    }
  });
  log::get("ingest")->info("[rtmp] listening on {}:{}", m.spec.address, m.boundPort.load());
  return Status::ok();
}

void RtmpListener::stop() {
  Impl& m = *impl_;
  if (!m.thread.joinable()) return;
  // Close the acceptor and every session on the listener's thread; each
  // session's end calls its sink's onPublisherGone, and run() returns once
  // the last coroutine is done.
  asio::post(m.io, [&m] {
    boost::system::error_code ec;
    m.acceptor.close(ec);
    for (auto& [id, tracked] : m.sessions)
      if (auto s = tracked.session.lock()) s->close("listener stopped");
  });
  m.thread.join();
  m.sessions.clear();
  m.pendingByAddress.clear();
  m.boundPort = 0;
}

Status RtmpListener::addInput(RtmpInputSpec spec) { return impl_->routes.add(std::move(spec)); }

Status RtmpListener::removeInput(const std::string& channelId, const std::string& inputId) {
  auto publisher = impl_->routes.remove(channelId, inputId);
  if (!publisher) return publisher.status();
  if (*publisher != 0 && impl_->thread.joinable())
    asio::post(impl_->io, [m = impl_.get(), id = *publisher] { m->closeSession(id, "input removed"); });
  return Status::ok();
}

std::optional<RtmpInputStats> RtmpListener::stats(const std::string& channelId, const std::string& inputId) const {
  return impl_->routes.stats(channelId, inputId);
}

RtmpListenerCounters RtmpListener::counters() const { return impl_->routes.counters(); }

}  // namespace vigil::ingest
