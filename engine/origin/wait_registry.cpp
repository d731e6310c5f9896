#include "origin/wait_registry.h"

#include <vector>

namespace vigil::origin {

std::string WaitRegistry::keyOf(const std::string& channelId, const std::string& renditionId) {
  std::string key;
  key.reserve(channelId.size() + renditionId.size() + 1);
  key.append(channelId).push_back('/');
  key.append(renditionId);
  return key;
}

void WaitRegistry::wake(const std::shared_ptr<Waiter>& w) {
  // The timer belongs to the waiter's IO thread (one io_context each). Already
  // on it, as for every waiter with one IO thread: cancel at once, sparing a
  // thousand waiters a hop each through the queue. Else cancel it there; the
  // shared_ptr keeps the timer alive even if the waiter timed out meanwhile.
  // target() points into the executor object: keep it alive while in use.
  const asio::any_io_executor ex = w->timer.get_executor();
  const auto* home = ex.target<asio::io_context::executor_type>();
  if (home && home->running_in_this_thread()) {
    w->timer.cancel();
    return;
  }
  asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

awaitable<WaitRegistry::Outcome> WaitRegistry::wait(const std::string& channelId, const std::string& renditionId,
                                                    package::PlaylistPosition wakeAt,
                                                    std::chrono::steady_clock::time_point deadline,
                                                    const std::function<bool()>& ready) {
  auto w = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  w->timer.expires_at(deadline);
  const std::string key = keyOf(channelId, renditionId);
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) co_return Outcome::Shutdown;
    Bucket& bucket = buckets_[key];
    w->where = bucket.emplace(Key{wakeAt.msn, wakeAt.part}, w);
    w->registered = true;
    ++count_;
  }
  boost::system::error_code ec = asio::error::operation_aborted;
  // Registered first, checked second: either this check sees the publish, or
  // the publish's notify() sees this waiter.
  if (!ready()) co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  bool stopped = false;
  {
    std::lock_guard lock(mutex_);
    stopped = shutdown_;
    if (w->registered) {  // timed out: still listed
      auto it = buckets_.find(key);
      if (it != buckets_.end()) {
        it->second.erase(w->where);
        if (it->second.empty()) buckets_.erase(it);
      }
      w->registered = false;
      --count_;
    }
  }
  if (stopped) co_return Outcome::Shutdown;
  co_return ec == asio::error::operation_aborted ? Outcome::Woken : Outcome::TimedOut;
}

void WaitRegistry::notify(const std::string& channelId, const std::string& renditionId, package::PlaylistPosition pos) {
  std::vector<std::shared_ptr<Waiter>> due;
  {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(keyOf(channelId, renditionId));
    if (it == buckets_.end()) return;
    Bucket& bucket = it->second;
    const auto end = bucket.upper_bound(Key{pos.msn, pos.part});
    for (auto w = bucket.begin(); w != end; ++w) {
      w->second->registered = false;
      due.push_back(std::move(w->second));
    }
    bucket.erase(bucket.begin(), end);
    count_ -= due.size();
    if (bucket.empty()) buckets_.erase(it);
  }
  for (const auto& w : due) wake(w);
}

void WaitRegistry::notifyChannel(const std::string& channelId) {
  std::vector<std::shared_ptr<Waiter>> due;
  {
    std::lock_guard lock(mutex_);
    const std::string prefix = channelId + "/";
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (it->first.compare(0, prefix.size(), prefix) == 0) {
        for (auto& [k, w] : it->second) {
          w->registered = false;
          due.push_back(std::move(w));
        }
        count_ -= it->second.size();
        it = buckets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& w : due) wake(w);
}

void WaitRegistry::shutdown() {
  std::vector<std::shared_ptr<Waiter>> due;
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    for (auto& [key, bucket] : buckets_)
      for (auto& [k, w] : bucket) {
        w->registered = false;
        due.push_back(std::move(w));
      }
    buckets_.clear();
    count_ = 0;
  }
  for (const auto& w : due) wake(w);
}

std::size_t WaitRegistry::waiting() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace vigil::origin
