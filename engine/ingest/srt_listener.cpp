#include "ingest/srt_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <utility>

#include <srt/access_control.h>

#include "core/clock.h"
#include "core/log.h"
#include "ingest/srt_access.h"
#include "ingest/srt_handles.h"

namespace vigil::ingest {
namespace {

constexpr int kWaitMs = 100;        // epoll wait: how quickly stop() and removals are noticed
constexpr int kSweepEveryMs = 250;  // how often admitted callers are checked for a failed handshake

std::string keyText(const std::string& channel, const std::string& input) { return "ch=" + channel + " in=" + input; }

}  // namespace

const char* toString(SrtRejectReason r) {
  switch (r) {
    case SrtRejectReason::BadStreamId:
      return "malformed stream id";
    case SrtRejectReason::BadMode:
      return "mode is not publish";
    case SrtRejectReason::UnknownChannel:
      return "unknown channel";
    case SrtRejectReason::UnknownInput:
      return "unknown input";
    case SrtRejectReason::AddressNotAllowed:
      return "address not in the input's allow-list";
    case SrtRejectReason::InputBusy:
      return "input already has a publisher";
    case SrtRejectReason::Count:
      break;
  }
  return "?";
}

namespace {
constexpr int64_t kStaleTakeoverMs = 1500;  // longer than SRT's 1 s keep-alive

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct SrtListener::Input {
  SrtInputSpec spec;
  std::vector<Cidr> allow;
  // The admitted or connected publisher (SRT_INVALID_SOCK: free). Admitted
  // by the callback, it holds the input until libsrt drops it (failed
  // handshake) or the session ends.
  SRTSOCKET publisher = SRT_INVALID_SOCK;
  bool accepted = false;
  // A connected publisher silent for kStaleTakeoverMs (an encoder that
  // crashed: libsrt notices only after its peer idle timeout) is replaced by
  // the next caller; it is closed when that caller is accepted.
  SRTSOCKET replacing = SRT_INVALID_SOCK;
  std::atomic<int64_t> lastPayloadMs{0};  // steady clock; written by the listener's thread
  std::atomic<bool> removed{false};       // read by the listener's thread without the lock
  std::string peer;
  int64_t sessions = 0;
  int64_t rejections = 0;
  int64_t handshakeFailures = 0;
};

struct SrtListener::Session {
  srt::Socket socket;
  std::shared_ptr<Input> input;
  std::shared_ptr<PublisherSink> sink;
};

struct SrtListener::Handles {
  srt::Socket listener;
  srt::Epoll epoll;
};

SrtListener::SrtListener(SrtListenerSpec spec) : spec_(std::move(spec)), library_(srt::acquireLibrary()) {}

SrtListener::~SrtListener() { stop(); }

Status SrtListener::start() {
  if (thread_.joinable()) return Status::error("SRT listener already started");
  const bool v6 = spec_.address.find(':') != std::string::npos;
  sockaddr_storage addr{};
  socklen_t addrLen = 0;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(spec_.port));
    if (inet_pton(AF_INET6, spec_.address.c_str(), &a->sin6_addr) != 1)
      return Status::error("SRT listener: bad address " + spec_.address);
    addrLen = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(spec_.port));
    if (inet_pton(AF_INET, spec_.address.c_str(), &a->sin_addr) != 1)
      return Status::error("SRT listener: bad address " + spec_.address);
    addrLen = sizeof(sockaddr_in);
  }
  auto h = std::make_unique<Handles>();
  h->listener = srt::Socket(srt_create_socket());
  if (!h->listener) return Status::error("SRT listener: create socket: " + srt::lastError());
  const SRTSOCKET ls = h->listener.get();
  const bool no = false;
  const int v6only = 0;
  const SRT_TRANSTYPE live = SRTT_LIVE;
  // Accepted sockets inherit these: non-blocking, live mode.
  if (srt_setsockflag(ls, SRTO_TRANSTYPE, &live, sizeof live) < 0 ||
      srt_setsockflag(ls, SRTO_RCVSYN, &no, sizeof no) < 0 || srt_setsockflag(ls, SRTO_SNDSYN, &no, sizeof no) < 0 ||
      (v6 && srt_setsockflag(ls, SRTO_IPV6ONLY, &v6only, sizeof v6only) < 0))
    return Status::error("SRT listener: socket options: " + srt::lastError());
  if (srt_bind(ls, reinterpret_cast<sockaddr*>(&addr), static_cast<int>(addrLen)) < 0)
    return Status::error("SRT listener: bind " + spec_.address + ":" + std::to_string(spec_.port) + ": " +
                         srt::lastError());
  if (srt_listen_callback(ls, &SrtListener::onListen, this) < 0 || srt_listen(ls, spec_.backlog) < 0)
    return Status::error("SRT listener: listen: " + srt::lastError());
  sockaddr_storage bound{};
  int boundLen = sizeof bound;
  if (srt_getsockname(ls, reinterpret_cast<sockaddr*>(&bound), &boundLen) < 0)
    return Status::error("SRT listener: getsockname: " + srt::lastError());
  boundPort_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                 : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  h->epoll = srt::Epoll(srt_epoll_create());
  const int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
  if (!h->epoll || srt_epoll_add_usock(h->epoll.get(), ls, &events) < 0)
    return Status::error("SRT listener: epoll: " + srt::lastError());
  handles_ = std::move(h);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  log::get("ingest")->info("[srt] listening on {}:{}", spec_.address, boundPort_.load());
  return Status::ok();
}

void SrtListener::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  thread_.join();
  {
    std::lock_guard delivery(deliveryMutex_);
    for (auto& [sock, session] : sessions_)
      if (!session->input->removed) session->sink->onPublisherGone();
  }
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, input] : inputs_) {
      input->publisher = SRT_INVALID_SOCK;
      input->accepted = false;
    }
    admitted_.clear();
  }
  sessions_.clear();
  handles_.reset();  // the listener socket, then the epoll id
  boundPort_ = 0;
}

Status SrtListener::addInput(SrtInputSpec spec) {
  if (!spec.sink) return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) + ": no sink");
  if (!parseSrtStreamId(spec.channelId + "/" + spec.inputId).id)
    return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) + ": ids must be [A-Za-z0-9_.-]+");
  if (!spec.passphrase.empty() && (spec.passphrase.size() < 10 || spec.passphrase.size() > 79))
    return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) +
                         ": passphrase must be 10 to 79 characters");
  if (spec.pbkeylen != 16 && spec.pbkeylen != 24 && spec.pbkeylen != 32)
    return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) + ": pbkeylen must be 16, 24 or 32");
  if (spec.latencyMs < 0 || spec.latencyMs > 60000)
    return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) + ": latency out of range");
  auto input = std::make_shared<Input>();
  for (const auto& text : spec.allowCidrs) {
    auto cidr = Cidr::parse(text);
    if (!cidr) return Status::error("SRT input " + keyText(spec.channelId, spec.inputId) + ": " + cidr.message());
    input->allow.push_back(*cidr);
  }
  Key key{spec.channelId, spec.inputId};
  input->spec = std::move(spec);
  std::lock_guard lock(mutex_);
  if (inputs_.count(key)) return Status::error("SRT input " + keyText(key.first, key.second) + " already exists");
  inputs_.emplace(std::move(key), std::move(input));
  return Status::ok();
}

Status SrtListener::removeInput(const std::string& channelId, const std::string& inputId) {
  {
    std::lock_guard lock(mutex_);
    auto it = inputs_.find({channelId, inputId});
    if (it == inputs_.end()) return Status::error("SRT input " + keyText(channelId, inputId) + " does not exist");
    it->second->removed = true;  // the listener's thread closes its session at the next sweep
    inputs_.erase(it);
  }
  // Wait out a delivery in flight; later ones see the input removed.
  std::lock_guard delivery(deliveryMutex_);
  return Status::ok();
}

std::optional<SrtInputStats> SrtListener::stats(const std::string& channelId, const std::string& inputId) const {
  SrtInputStats s;
  SRTSOCKET sock = SRT_INVALID_SOCK;
  {
    std::lock_guard lock(mutex_);
    auto it = inputs_.find({channelId, inputId});
    if (it == inputs_.end()) return std::nullopt;
    const Input& in = *it->second;
    s.connected = in.accepted;
    s.peer = in.peer;
    s.sessions = in.sessions;
    s.rejections = in.rejections;
    s.handshakeFailures = in.handshakeFailures;
    if (in.accepted) sock = in.publisher;
  }
  SRT_TRACEBSTATS perf{};
  // Outside the lock: a socket closed meanwhile just yields no figures.
  if (sock != SRT_INVALID_SOCK && srt_bistats(sock, &perf, 0, 1) == 0) {
    s.rttMs = perf.msRTT;
    s.packetsReceived = perf.pktRecvTotal;
    s.packetsLost = perf.pktRcvLossTotal;
    s.packetsRetransmitted = perf.pktRcvRetrans;
    s.packetsDropped = perf.pktRcvDropTotal;
    s.bytesReceived = static_cast<int64_t>(perf.byteRecvTotal);
    s.receiveBufferMs = perf.msRcvBuf;
    s.receiveBufferBytes = perf.byteRcvBuf;
    s.latencyMs = perf.msRcvTsbPdDelay;
    s.receiveRateMbps = perf.mbpsRecvRate;
  }
  return s;
}

SrtListenerCounters SrtListener::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

int SrtListener::onListen(void* self, SRTSOCKET ns, int, const sockaddr* peer, const char* streamId) {
  return static_cast<SrtListener*>(self)->admit(ns, peer, streamId);
}

int SrtListener::reject(SRTSOCKET ns, SrtRejectReason reason, int code, const std::string& what,
                        const std::string& peer) {
  // mutex_ is held by the caller.
  ++counters_.rejected[static_cast<int>(reason)];
  srt_setrejectreason(ns, code);
  log::get("ingest")->warn("[srt {}] rejected caller {}: {}", what, peer, toString(reason));
  return -1;
}

// libsrt's receive thread, during the handshake: decide, and arm the
// passphrase. Returning -1 refuses the caller with the reason set.
int SrtListener::admit(SRTSOCKET ns, const sockaddr* peerAddr, const char* streamIdText) {
  const std::string peer = peerToString(peerAddr);
  const std::string streamId = streamIdText ? streamIdText : "";
  const auto parsed = parseSrtStreamId(streamId);
  std::lock_guard lock(mutex_);
  if (!parsed.id) {
    // The stream id is the caller's text: quote it bounded, never as a format.
    const std::string shown = "streamid='" + streamId.substr(0, 80) + "'";
    return parsed.error == SrtStreamIdError::Mode
               ? reject(ns, SrtRejectReason::BadMode, SRT_REJX_BAD_MODE, shown, peer)
               : reject(ns, SrtRejectReason::BadStreamId, SRT_REJX_BAD_REQUEST, shown, peer);
  }
  const SrtStreamId& id = *parsed.id;
  const std::string what = keyText(id.channelId, id.inputId);
  auto it = inputs_.find({id.channelId, id.inputId});
  if (it == inputs_.end()) {
    auto ch = inputs_.lower_bound({id.channelId, ""});
    const bool channelKnown = ch != inputs_.end() && ch->first.first == id.channelId;
    return reject(ns, channelKnown ? SrtRejectReason::UnknownInput : SrtRejectReason::UnknownChannel, SRT_REJX_NOTFOUND,
                  what, peer);
  }
  Input& input = *it->second;
  if (!input.allow.empty()) {
    bool allowed = false;
    for (const auto& c : input.allow) allowed = allowed || c.contains(peerAddr);
    if (!allowed) {
      ++input.rejections;
      return reject(ns, SrtRejectReason::AddressNotAllowed, SRT_REJX_FORBIDDEN, what, peer);
    }
  }
  if (input.publisher != SRT_INVALID_SOCK) {
    // A connected publisher holds the input until the listener's thread has
    // closed its session (even a broken one: its sink must see it gone before
    // the next one connects). A caller admitted earlier whose handshake then
    // failed is gone from libsrt, and frees it.
    const int64_t silentMs = steadyMs() - input.lastPayloadMs.load(std::memory_order_relaxed);
    if (input.accepted && silentMs >= kStaleTakeoverMs) {
      log::get("ingest")->warn("[srt {}] publisher {} silent for {} ms: caller {} takes over", what, input.peer,
                               silentMs, peer);
      input.replacing = input.publisher;
    } else if (input.accepted || srt_getsockstate(input.publisher) < SRTS_BROKEN) {
      ++input.rejections;
      return reject(ns, SrtRejectReason::InputBusy, SRT_REJX_CONFLICT, what, peer);
    } else {
      ++input.handshakeFailures;
      ++counters_.handshakeFailures;
      admitted_.erase(input.publisher);
      log::get("ingest")->warn("[srt {}] rejected caller {}: handshake failed (wrong or missing passphrase?)", what,
                               input.peer);
      if (input.replacing != SRT_INVALID_SOCK) {  // the silent publisher it was to replace keeps the input
        input.publisher = input.replacing;
        input.replacing = SRT_INVALID_SOCK;
        input.accepted = true;
        ++input.rejections;
        return reject(ns, SrtRejectReason::InputBusy, SRT_REJX_CONFLICT, what, peer);
      }
    }
  }
  const auto& spec = input.spec;
  const int latency = spec.latencyMs;
  bool armed = srt_setsockflag(ns, SRTO_RCVLATENCY, &latency, sizeof latency) == 0;
  if (armed && !spec.passphrase.empty()) {
    armed =
        srt_setsockflag(ns, SRTO_PASSPHRASE, spec.passphrase.data(), static_cast<int>(spec.passphrase.size())) == 0 &&
        srt_setsockflag(ns, SRTO_PBKEYLEN, &spec.pbkeylen, sizeof spec.pbkeylen) == 0;
  }
  if (!armed) {
    srt_setrejectreason(ns, SRT_REJX_ISE);
    log::get("ingest")->error("[srt {}] cannot set socket options for {}: {}", what, peer, srt::lastError());
    return -1;
  }
  input.publisher = ns;
  input.accepted = false;
  input.peer = peer;
  admitted_[ns] = it->second;
  log::get("ingest")->info(
      "[srt {}] admitted caller {}{}", what, peer,
      spec.passphrase.empty() ? "" : " (encrypted, AES-" + std::to_string(spec.pbkeylen * 8) + ")");
  return 0;
}

void SrtListener::run() {
  auto logger = log::get("ingest");
  const int eid = handles_->epoll.get();
  const SRTSOCKET ls = handles_->listener.get();
  SRT_EPOLL_EVENT events[64];
  auto lastSweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    const int n = srt_epoll_uwait(eid, events, 64, kWaitMs);
    for (int i = 0; i < n && !stopping_; ++i) {
      if (events[i].fd == ls) {
        if (events[i].events & SRT_EPOLL_ERR) logger->error("[srt] listener socket error: {}", srt::lastError());
        acceptPending();
      } else if (events[i].events & SRT_EPOLL_IN) {
        readFrom(events[i].fd);  // also notices a broken connection
      } else if (events[i].events & SRT_EPOLL_ERR) {
        closeSession(events[i].fd, "connection broken");
      }
    }
    if (std::chrono::steady_clock::now() - lastSweep >= std::chrono::milliseconds(kSweepEveryMs)) {
      sweep();
      lastSweep = std::chrono::steady_clock::now();
    }
  }
}

// One per call: the listener's epoll event is level-triggered, so another
// pending caller reports it again (and a loop would end in an error libsrt logs).
void SrtListener::acceptPending() {
  {
    sockaddr_storage peer{};
    int peerLen = sizeof peer;
    const SRTSOCKET s = srt_accept(handles_->listener.get(), reinterpret_cast<sockaddr*>(&peer), &peerLen);
    if (s == SRT_INVALID_SOCK) return;  // SRT_EASYNCACCEPT: nothing more pending
    auto session = std::make_unique<Session>();
    session->socket = srt::Socket(s);
    SRTSOCKET replaced = SRT_INVALID_SOCK;
    {
      std::lock_guard lock(mutex_);
      auto it = admitted_.find(s);
      if (it != admitted_.end() && !it->second->removed && it->second->publisher == s) {
        session->input = it->second;
        session->sink = session->input->spec.sink;
        session->input->accepted = true;
        session->input->lastPayloadMs = steadyMs();
        replaced = std::exchange(session->input->replacing, SRT_INVALID_SOCK);
        ++session->input->sessions;
        ++counters_.accepted;
      }
      if (it != admitted_.end()) admitted_.erase(it);
    }
    if (!session->input) return;  // its input was removed meanwhile: the Socket closes it
    // The silent publisher's sink sees it gone before the new one connects.
    if (replaced != SRT_INVALID_SOCK) closeSession(replaced, "silent; replaced by a new publisher");
    const int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
    if (srt_epoll_add_usock(handles_->epoll.get(), s, &events) < 0) {
      log::get("ingest")->error("[srt {}] epoll: {}",
                                keyText(session->input->spec.channelId, session->input->spec.inputId),
                                srt::lastError());
      std::lock_guard lock(mutex_);
      session->input->publisher = SRT_INVALID_SOCK;
      session->input->accepted = false;
      return;
    }
    const auto& spec = session->input->spec;
    log::get("ingest")->info("[srt {}] publisher {} connected", keyText(spec.channelId, spec.inputId),
                             session->input->peer);
    {
      std::lock_guard delivery(deliveryMutex_);
      if (!session->input->removed) session->sink->onPublisherConnected(session->input->peer);
    }
    sessions_[s] = std::move(session);
  }
}

void SrtListener::readFrom(SRTSOCKET sock) {
  auto it = sessions_.find(sock);
  if (it == sessions_.end()) return;
  Session& session = *it->second;
  char buf[1500];
  for (;;) {
    const int n = srt_recvmsg(sock, buf, sizeof buf);
    if (n > 0) {
      session.input->lastPayloadMs.store(steadyMs(), std::memory_order_relaxed);
      std::lock_guard delivery(deliveryMutex_);
      // removed is written under mutex_; a stale read only delays the cut to the next sweep.
      if (!session.input->removed) session.sink->onPayload(reinterpret_cast<const uint8_t*>(buf), n);
      continue;
    }
    if (n < 0 && srt_getlasterror(nullptr) == SRT_EASYNCRCV) return;
    closeSession(sock, n == 0 ? "publisher closed" : "connection lost");
    return;
  }
}

void SrtListener::closeSession(SRTSOCKET sock, const char* why) {
  auto it = sessions_.find(sock);
  if (it == sessions_.end()) return;
  std::unique_ptr<Session> session = std::move(it->second);
  sessions_.erase(it);
  srt_epoll_remove_usock(handles_->epoll.get(), sock);
  const auto& spec = session->input->spec;
  bool removed = false;
  {
    std::lock_guard lock(mutex_);
    removed = session->input->removed;
    if (session->input->publisher == sock) {
      session->input->publisher = SRT_INVALID_SOCK;  // free for the next publisher
      session->input->accepted = false;
    }
  }
  log::get("ingest")->info("[srt {}] publisher {} gone: {}", keyText(spec.channelId, spec.inputId),
                           session->input->peer, why);
  session->socket.reset();
  std::lock_guard delivery(deliveryMutex_);
  if (!removed) session->sink->onPublisherGone();
}

// Notices admitted callers that libsrt refused after the callback (the
// passphrase is checked after it), and sessions of removed inputs.
void SrtListener::sweep() {
  std::vector<std::pair<SRTSOCKET, std::shared_ptr<Input>>> admitted;
  {
    std::lock_guard lock(mutex_);
    admitted.assign(admitted_.begin(), admitted_.end());
  }
  for (auto& [sock, input] : admitted) {
    if (srt_getsockstate(sock) < SRTS_BROKEN) continue;
    std::lock_guard lock(mutex_);
    if (!admitted_.erase(sock) || input->publisher != sock) continue;
    input->publisher = SRT_INVALID_SOCK;
    ++input->handshakeFailures;
    ++counters_.handshakeFailures;
    log::get("ingest")->warn("[srt {}] rejected caller {}: handshake failed (wrong or missing passphrase?)",
                             keyText(input->spec.channelId, input->spec.inputId), input->peer);
  }
  std::vector<SRTSOCKET> orphaned;
  {
    std::lock_guard lock(mutex_);
    for (auto& [sock, session] : sessions_)
      if (session->input->removed) orphaned.push_back(sock);
  }
  for (SRTSOCKET sock : orphaned) closeSession(sock, "input removed");
}

}  // namespace vigil::ingest
