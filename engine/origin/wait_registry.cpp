#include "origin/wait_registry.h"

#include <algorithm>

namespace vigil::origin {

std::string WaitRegistry::keyOf(const std::string& channelId, const std::string& renditionId) {
  std::string key;
  key.reserve(channelId.size() + renditionId.size() + 1);
  key.append(channelId).push_back('/');
  key.append(renditionId);
  return key;
}

void WaitRegistry::releaseLocked(WaiterList& list, Outcome outcome, const HeldRelease& release,
                                 std::vector<Batch>& batches) {
  while (!list.empty()) {
    Waiter& w = list.front();
    list.pop_front();
    w.listed = false;
    w.outcome = outcome;
    w.release = release;
    --count_;
    auto batch = std::find_if(batches.begin(), batches.end(), [&](const Batch& b) { return b.executor == w.executor; });
    if (batch == batches.end()) batch = batches.insert(batches.end(), Batch{w.executor, {}});
    batch->waiters.push_back(&w);
  }
}

void WaitRegistry::post(std::vector<Batch>& batches) {
  for (Batch& b : batches) {
    asio::post(b.executor, [waiters = std::move(b.waiters)] {
      for (Waiter* w : waiters) {
        w->woken = true;
        w->timer.cancel();
      }
    });
  }
}

awaitable<WaitRegistry::Wake> WaitRegistry::wait(const std::string& channelId, const std::string& renditionId,
                                                 package::PlaylistPosition wakeAt,
                                                 std::chrono::steady_clock::time_point deadline,
                                                 const std::function<bool()>& ready) {
  Waiter w(co_await asio::this_coro::executor);
  w.timer.expires_at(deadline);
  const std::string key = keyOf(channelId, renditionId);
  const Key position{wakeAt.msn, wakeAt.part};
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) co_return Wake{Outcome::Shutdown, nullptr};
    buckets_[key][position].push_back(w);
    w.listed = true;
    ++count_;
  }
  // Registered first, checked second: either this check sees the publish, or
  // the publish's notify() sees this waiter.
  bool due = ready();
  for (;;) {
    if (!due) {
      boost::system::error_code ec;
      co_await w.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    // The usual case, released by a publication: no lock to take (a
    // thousand waiters woken at once would all contend for it).
    if (w.woken) co_return Wake{w.outcome, std::move(w.release)};
    std::lock_guard lock(mutex_);
    if (w.listed) {  // not released: ready at once, or the deadline passed
      auto bucket = buckets_.find(key);
      auto list = bucket->second.find(position);
      list->second.erase(list->second.iterator_to(w));
      if (list->second.empty()) bucket->second.erase(list);
      if (bucket->second.empty()) buckets_.erase(bucket);
      w.listed = false;
      --count_;
      co_return Wake{due ? Outcome::Woken : Outcome::TimedOut, nullptr};
    }
    // Released, but the wake-up is still on its way to this thread (the
    // deadline passed meanwhile): wait for it, it does not take long.
    due = false;
    w.timer.expires_at(std::chrono::steady_clock::time_point::max());
  }
}

void WaitRegistry::notify(const std::string& channelId, const std::string& renditionId, package::PlaylistPosition pos) {
  std::vector<Batch> batches;
  {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(keyOf(channelId, renditionId));
    if (it == buckets_.end()) return;
    Bucket& bucket = it->second;
    const auto end = bucket.upper_bound(Key{pos.msn, pos.part});
    if (bucket.begin() == end) return;
    // Taken here, on the publishing thread, right after the part became visible.
    const auto release = std::make_shared<HeldReleaseRound>(metrics_, std::chrono::steady_clock::now());
    for (auto list = bucket.begin(); list != end; ++list) releaseLocked(list->second, Outcome::Woken, release, batches);
    bucket.erase(bucket.begin(), end);
    if (bucket.empty()) buckets_.erase(it);
  }
  post(batches);
}

void WaitRegistry::notifyChannel(const std::string& channelId) {
  std::vector<Batch> batches;
  {
    std::lock_guard lock(mutex_);
    const std::string prefix = channelId + "/";
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (it->first.compare(0, prefix.size(), prefix) == 0) {
        for (auto& [position, list] : it->second) releaseLocked(list, Outcome::Woken, nullptr, batches);
        it = buckets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  post(batches);
}

void WaitRegistry::shutdown() {
  std::vector<Batch> batches;
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    for (auto& [key, bucket] : buckets_)
      for (auto& [position, list] : bucket) releaseLocked(list, Outcome::Shutdown, nullptr, batches);
    buckets_.clear();
  }
  post(batches);
}

std::size_t WaitRegistry::waiting() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace vigil::origin
