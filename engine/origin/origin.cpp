#include "origin/origin.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "origin/asio.h"
#include "origin/channel_registry.h"
#include "origin/http_session.h"
#include "origin/origin_metrics.h"
#include "origin/router.h"
#include "origin/static_assets.h"
#include "origin/wait_registry.h"
#include "package/channel_packager.h"

namespace vigil::origin {

struct Origin::Impl final : package::PublishObserver {
  explicit Impl(OriginConfig c)
      : config(std::move(c)),
        iocs(makeContexts(std::max(1, config.ioThreads))),
        acceptor(iocs.front()->get_executor()),
        waits(metrics),
        router(channels, waits, metrics, assets,
               TargetLimits{config.limits.maxTargetBytes, config.limits.maxQueryBytes}),
        sessionContext{router, metrics, config.limits, stopping, control} {}

  // PublishObserver: on a pipeline thread. The registry picks the due
  // waiters here and posts one batch to each IO thread holding some, so the
  // wake-up reaches every IO thread at once, not through a first hop to one.
  void onPublished(const std::string& channelId, const std::string& renditionId,
                   package::PlaylistPosition pos) override {
    if (stopping.load(std::memory_order_relaxed)) return;  // nobody is held any more
    waits.notify(channelId, renditionId, pos);
  }

  // One io_context per IO thread, each run by its thread alone: a connection
  // lives on one thread, so it needs no strand, and its executor is small
  // enough for Asio's type-erased executor to hold without an allocation
  // per asynchronous operation (a strand's is not).
  static std::vector<std::unique_ptr<asio::io_context>> makeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> v;
    for (int i = 0; i < n; ++i) v.push_back(std::make_unique<asio::io_context>(1));
    return v;
  }

  awaitable<void> acceptLoop();
  void track(const std::shared_ptr<HttpSession>& s);

  OriginConfig config;
  // Before the IO contexts and the registry: a held reply's release reports
  // to it when dropped, wherever that happens.
  OriginMetrics metrics;
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  tcp::acceptor acceptor;       // used by the accept loop only, on iocs[0]
  std::size_t nextContext = 0;  // accept loop only: round-robin over iocs
  ChannelRegistry channels;
  WaitRegistry waits;
  StaticAssets assets;
  Router router;
  std::atomic<bool> stopping{false};
  ControlHook control;
  SessionContext sessionContext;
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::atomic<uint16_t> boundPort{0};
  bool started = false;  // start()/stop() are called from the owner's thread
  bool stopped = false;

  std::mutex sessionsMutex;  // guards sessions
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
};

void Origin::Impl::track(const std::shared_ptr<HttpSession>& s) {
  {
    std::lock_guard lock(sessionsMutex);
    sessions.emplace(s.get(), s);
  }
  s->start([this, raw = s.get()] {
    std::lock_guard lock(sessionsMutex);
    sessions.erase(raw);
  });
}

awaitable<void> Origin::Impl::acceptLoop() {
  auto logger = log::get("origin");
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    boost::system::error_code ec;
    asio::io_context& home = *iocs[nextContext++ % iocs.size()];
    tcp::socket socket = co_await acceptor.async_accept(home, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping.load() || ec == asio::error::operation_aborted) break;
    if (ec) {
      // EMFILE and friends: back off instead of spinning on the error.
      logger->warn("accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // Small responses (playlists, parts) must leave at once: no Nagle delay.
    socket.set_option(tcp::no_delay(true), ec);
    track(std::make_shared<HttpSession>(std::move(socket), sessionContext));
  }
}

Origin::Origin(OriginConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Origin::~Origin() {
  stop();
  for (const auto& p : impl_->channels.all()) p->removeObserver(impl_.get());
}

Status Origin::start() {
  Impl& d = *impl_;
  if (d.started) return Status::error("origin already started");
  d.assets.load(d.config.playerDir);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(d.config.listenAddress, ec);
  if (ec) return Status::error("invalid listen address '" + d.config.listenAddress + "': " + ec.message());
  const tcp::endpoint endpoint(address, d.config.port);
  d.acceptor.open(endpoint.protocol(), ec);
  if (!ec) d.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(endpoint, ec);
  if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    d.acceptor.close(ignored);
    return Status::error("cannot listen on " + d.config.listenAddress + ":" + std::to_string(d.config.port) + ": " +
                         ec.message());
  }
  d.boundPort = d.acceptor.local_endpoint(ec).port();
  d.started = true;
  for (auto& ioc : d.iocs) d.work.push_back(asio::make_work_guard(*ioc));
  asio::co_spawn(d.acceptor.get_executor(), d.acceptLoop(), [](std::exception_ptr e) {
    if (e) log::get("origin")->error("accept loop ended by an exception");
  });
  for (auto& ioc : d.iocs) {
    d.threads.emplace_back([&ioc = *ioc] {
      // No exception may escape a thread: log and keep serving.
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          log::get("origin")->error("io thread: {}", e.what());
        } catch (...) {
          log::get("origin")->error("io thread: unknown exception");
        }
      }
    });
  }
  log::get("origin")->info("listening on {}:{} ({} io threads)", d.config.listenAddress, d.boundPort.load(),
                           d.threads.size());
  return Status::ok();
}

void Origin::stop() {
  Impl& d = *impl_;
  if (!d.started || d.stopped) return;
  d.stopped = true;
  d.stopping = true;
  asio::post(d.acceptor.get_executor(), [&d] {
    boost::system::error_code ec;
    d.acceptor.close(ec);
  });
  d.waits.shutdown();  // held requests answer 503 and close
  {
    std::lock_guard lock(d.sessionsMutex);
    for (auto& [raw, weak] : d.sessions)
      if (auto s = weak.lock()) s->closeIfIdle();
  }
  // Busy connections finish their response (bounded by the write timeout),
  // then close; run() returns once no connection is left.
  d.work.clear();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
  log::get("origin")->info("stopped");
}

uint16_t Origin::port() const { return impl_->boundPort.load(); }

bool Origin::addChannel(std::shared_ptr<package::ChannelPackager> packager) {
  if (!packager) return false;
  package::ChannelPackager* raw = packager.get();
  if (!impl_->channels.add(std::move(packager))) return false;
  raw->addObserver(impl_.get());
  return true;
}

bool Origin::removeChannel(const std::string& channelId) {
  auto removed = impl_->channels.remove(channelId);
  if (!removed) return false;
  removed->removeObserver(impl_.get());
  impl_->waits.notifyChannel(channelId);
  return true;
}

void Origin::setExternalMetrics(std::function<std::string()> render) { impl_->metrics.setExternal(std::move(render)); }

void Origin::setControlHandler(ControlHandler handler) { impl_->control.set(std::move(handler)); }

}  // namespace vigil::origin
