// Held requests (blocking playlist reload, pending parts and segments), keyed
// by channel and rendition, ordered by the position they wait for.
//
// A publish wakes exactly the waiters whose position has been reached: each
// waiter is a coroutine parked on its own steady_timer (set to its deadline),
// and the wake-up cancels that timer on the waiter's own thread. No polling, no
// per-publish scan of waiters that are not due; 1,000 waiters of a rendition
// are a thousand posted cancels. A woken waiter re-checks the packager itself,
// so a spurious wake is harmless.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "origin/asio.h"
#include "package/channel_packager.h"

namespace vigil::origin {

class WaitRegistry {
 public:
  enum class Outcome { Woken, TimedOut, Shutdown };

  // Parks the calling coroutine until `wakeAt` (or a later position) of the
  // rendition is published, `deadline` passes, or shutdown(). `ready` is
  // checked after registering and before parking, so a publish that lands
  // between the caller's own check and the registration is never lost (it
  // returns Woken at once). Call from the coroutine's own executor.
  awaitable<Outcome> wait(const std::string& channelId, const std::string& renditionId,
                          package::PlaylistPosition wakeAt, std::chrono::steady_clock::time_point deadline,
                          const std::function<bool()>& ready);

  // Any thread: wakes the waiters of that rendition whose position <= pos.
  void notify(const std::string& channelId, const std::string& renditionId, package::PlaylistPosition pos);
  // Any thread: wakes every waiter of a channel (it was removed).
  void notifyChannel(const std::string& channelId);
  // Wakes everyone and refuses new waiters (graceful stop).
  void shutdown();

  std::size_t waiting() const;

 private:
  using Key = std::pair<int64_t, int>;  // (msn, part)
  struct Waiter;
  using Bucket = std::multimap<Key, std::shared_ptr<Waiter>>;
  struct Waiter {
    explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool registered = false;  // guarded by WaitRegistry::mutex_
    Bucket::iterator where;   // valid while registered
  };
  static void wake(const std::shared_ptr<Waiter>& w);
  static std::string keyOf(const std::string& channelId, const std::string& renditionId);

  mutable std::mutex mutex_;                         // guards buckets_, shutdown_, every Waiter::registered/where
  std::unordered_map<std::string, Bucket> buckets_;  // "<channel>/<rendition>" -> waiters
  std::size_t count_ = 0;
  bool shutdown_ = false;
};

}  // namespace vigil::origin
