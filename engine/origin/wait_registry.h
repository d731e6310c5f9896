// Held requests (blocking playlist reload, pending parts and segments), keyed
// by channel and rendition, ordered by the position they wait for.
//
// A publish wakes exactly the waiters whose position has been reached: each
// waiter is a coroutine parked on its own steady_timer (set to its deadline),
// and the wake-up cancels that timer on the waiter's own thread. No polling, no
// per-publish scan of waiters that are not due. A waiter lives in its own
// coroutine frame and is linked into an intrusive list per position, so
// holding a request allocates nothing here. notify() runs on the publishing
// thread and hands each IO thread one batch with all of its waiters: 1,000
// held requests over two IO threads are two posts, not a thousand. A woken
// waiter re-checks the packager itself, so a spurious wake is harmless.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/intrusive/list.hpp>

#include "origin/asio.h"
#include "origin/origin_metrics.h"
#include "package/channel_packager.h"

namespace vigil::origin {

class WaitRegistry {
 public:
  enum class Outcome { Woken, TimedOut, Shutdown };
  struct Wake {
    Outcome outcome = Outcome::TimedOut;
    // Set when a publication released the waiter: keep it with the reply
    // until the reply is written (OriginMetrics' publication -> last held
    // reply written).
    HeldRelease release;
  };

  explicit WaitRegistry(OriginMetrics& metrics) : metrics_(metrics) {}
  WaitRegistry(const WaitRegistry&) = delete;
  WaitRegistry& operator=(const WaitRegistry&) = delete;

  // Parks the calling coroutine until `wakeAt` (or a later position) of the
  // rendition is published, `deadline` passes, or shutdown(). `ready` is
  // checked after registering and before parking, so a publish that lands
  // between the caller's own check and the registration is never lost (it
  // returns Woken at once). Call from the coroutine's own executor, which
  // must not run handlers concurrently (an io_context run by one thread, or
  // a strand), as the origin's are.
  awaitable<Wake> wait(const std::string& channelId, const std::string& renditionId, package::PlaylistPosition wakeAt,
                       std::chrono::steady_clock::time_point deadline, const std::function<bool()>& ready);

  // Any thread: wakes the waiters of that rendition whose position <= pos.
  void notify(const std::string& channelId, const std::string& renditionId, package::PlaylistPosition pos);
  // Any thread: wakes every waiter of a channel (it was removed).
  void notifyChannel(const std::string& channelId);
  // Wakes everyone and refuses new waiters (graceful stop).
  void shutdown();

  std::size_t waiting() const;

 private:
  using Key = std::pair<int64_t, int>;  // (msn, part)
  // One held request, in the frame of its wait() coroutine. A publication
  // unlinks it (listed = false, under mutex_) and later, on the waiter's own
  // thread, marks it woken and cancels its timer. The frame must outlive that
  // second step, so a waiter unlinked by a publication returns only once it
  // is woken, even if its deadline passes in between.
  struct Waiter : boost::intrusive::list_base_hook<> {
    explicit Waiter(const asio::any_io_executor& ex) : executor(ex), timer(ex) {}
    asio::any_io_executor executor;  // the waiter's own (timer.get_executor() would copy it)
    asio::steady_timer timer;
    bool listed = false;  // guarded by mutex_: in a bucket's list
    // Set with listed = false, under mutex_, before the batch is posted: the
    // waiter reads them once woken, without the lock (the post orders them).
    Outcome outcome = Outcome::Woken;
    HeldRelease release;  // a publication's, if one unlinked it
    bool woken = false;   // the waiter's thread only: its batch has reached it
  };
  using WaiterList = boost::intrusive::list<Waiter, boost::intrusive::constant_time_size<false>>;
  using Bucket = std::map<Key, WaiterList>;  // one node per awaited position, not per waiter
  // The waiters released for one executor (one IO thread), woken by one post.
  struct Batch {
    asio::any_io_executor executor;
    std::vector<Waiter*> waiters;
  };

  static std::string keyOf(const std::string& channelId, const std::string& renditionId);
  // Under mutex_: unlinks every waiter of `list` and adds it to its executor's batch.
  void releaseLocked(WaiterList& list, Outcome outcome, const HeldRelease& release, std::vector<Batch>& batches);
  // Without mutex_: one post per batch, which wakes its waiters on their thread.
  static void post(std::vector<Batch>& batches);

  OriginMetrics& metrics_;
  mutable std::mutex mutex_;  // guards buckets_, count_, shutdown_, every Waiter's list hook and listed
  std::unordered_map<std::string, Bucket> buckets_;  // "<channel>/<rendition>" -> waiters
  std::size_t count_ = 0;
  bool shutdown_ = false;
};

}  // namespace vigil::origin
