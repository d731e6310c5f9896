#include "package/part_pacer.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/timeline.h"

namespace vigil::package {

namespace {

int64_t steadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Item {
  std::optional<CmafInit> init;  // else part
  CmafPart part;
  int64_t arrivedUs = 0;
};

struct Queue {
  std::deque<Item> items;
  int64_t nextAllowedUs = 0;  // the next part may go out from then on
};

}  // namespace

struct PartPacer::Impl {
  PartSink* downstream = nullptr;
  // Held while anything goes downstream: one release at a time, so a part
  // released on its caller's thread never overtakes one the pacer's thread
  // is releasing for the same rendition.
  std::mutex releaseMutex;
  mutable std::mutex mutex;  // guards everything below
  std::condition_variable wake;
  std::map<std::string, Queue> queues;
  bool stopping = false;
  Stats stats;
  std::thread thread;

  // A part's successor may follow half its duration later.
  static int64_t spacingUs(const CmafPart& part) { return ticksToUs(part.duration90k) / 2; }

  // Under mutex: whether the head of q may go now.
  static bool due(const Queue& q, int64_t now) {
    return !q.items.empty() && (q.items.front().init || q.nextAllowedUs <= now);
  }

  // Under mutex: takes the head of q, accounting for it.
  Item take(Queue& q, int64_t now) {
    Item item = std::move(q.items.front());
    q.items.pop_front();
    if (!item.init) {
      q.nextAllowedUs = now + spacingUs(item.part);
      const int64_t waited = now - item.arrivedUs;
      if (waited > 0) {
        ++stats.partsHeld;
        stats.longestHoldUs = std::max(stats.longestHoldUs, waited);
      }
    }
    return item;
  }

  void release(Item item) {
    if (item.init)
      downstream->onInit(std::move(*item.init));
    else
      downstream->onPart(std::move(item.part));
  }

  // Queues item for its rendition; releases it at once when nothing waits
  // before it and its spacing allows.
  void submit(const std::string& rendition, Item item) {
    std::lock_guard out(releaseMutex);
    std::unique_lock lock(mutex);
    auto& q = queues[rendition];
    const int64_t now = steadyUs();
    item.arrivedUs = now;
    q.items.push_back(std::move(item));
    if (!due(q, now) || q.items.size() > 1) {
      wake.notify_one();
      return;
    }
    Item ready = take(q, now);
    lock.unlock();
    release(std::move(ready));
  }

  void run() {
    std::unique_lock lock(mutex);
    while (true) {
      const int64_t now = steadyUs();
      // The first due head (renditions in turn), else sleep until the earliest.
      Queue* ready = nullptr;
      int64_t earliest = INT64_MAX;
      for (auto& [id, q] : queues) {
        if (q.items.empty()) continue;
        if (due(q, now)) {
          ready = &q;
          break;
        }
        earliest = std::min(earliest, q.nextAllowedUs);
      }
      if (ready) {
        // Both locks, in submit's order; then re-check (submit may have
        // released the head meanwhile). Queues are never erased, so ready stays valid.
        lock.unlock();
        std::lock_guard out(releaseMutex);
        lock.lock();
        const int64_t at = steadyUs();
        if (!due(*ready, at)) continue;
        Item item = take(*ready, at);
        lock.unlock();
        release(std::move(item));
        lock.lock();
        continue;
      }
      if (stopping) return;
      if (earliest == INT64_MAX)
        wake.wait(lock);
      else
        wake.wait_for(lock, std::chrono::microseconds(earliest - now));
    }
  }
};

PartPacer::PartPacer(PartSink* downstream) : impl_(std::make_unique<Impl>()) {
  impl_->downstream = downstream;
  impl_->thread = std::thread([d = impl_.get()] { d->run(); });
}

PartPacer::~PartPacer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  impl_->thread.join();
  // What still waits goes out in order: a worker's last parts are published.
  std::lock_guard out(impl_->releaseMutex);
  for (auto& [id, q] : impl_->queues)
    while (!q.items.empty()) {
      impl_->release(std::move(q.items.front()));
      q.items.pop_front();
    }
}

void PartPacer::onInit(CmafInit init) {
  const std::string rendition = init.rendition.id;
  Item item;
  item.init = std::move(init);
  impl_->submit(rendition, std::move(item));
}

void PartPacer::onPart(CmafPart part) {
  const std::string rendition = part.renditionId;
  Item item;
  item.part = std::move(part);
  impl_->submit(rendition, std::move(item));
}

void PartPacer::onPipelineState(PipelineState state, const std::string& why) {
  impl_->downstream->onPipelineState(state, why);
}

PartPacer::Stats PartPacer::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace vigil::package
