#include "control/region_failover.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "control/http_client.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

namespace vigil::control {

RegionFailover::RegionFailover(store::Store& store) : store_(store) {}

RegionFailover::~RegionFailover() { stop(); }

void RegionFailover::start(ObserveFn observe, int periodMs) {
  if (thread_.joinable()) return;
  observe_ = std::move(observe);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this, periodMs] { run(periodMs); });
}

void RegionFailover::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RegionFailover::run(int periodMs) {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(periodMs), [this] { return stopping_; })) {
    lock.unlock();
    const int64_t now = nowUtcUs();
    std::map<std::string, int64_t> since;
    for (const auto& o : observe_()) {
      if (!o.outage || o.spec.afterMs <= 0) {
        called_.erase(o.channelId);  // healthy again (or manual only): re-armed
        continue;
      }
      const auto it = outageSinceUs_.find(o.channelId);
      const int64_t from = it != outageSinceUs_.end() ? it->second : now;
      since[o.channelId] = from;
      if (called_[o.channelId] || now - from < int64_t{o.spec.afterMs} * 1000) continue;
      called_[o.channelId] = true;  // once per outage, whatever the hook answers
      const std::string reason = "output in outage for " + std::to_string((now - from) / 1000) +
                                 " ms (worst manifest age " + std::to_string(o.worstManifestAgeSeconds) + " s)";
      (void)trigger(o, "engine", reason);
    }
    outageSinceUs_ = std::move(since);
    lock.lock();
  }
}

Status RegionFailover::trigger(const RegionObservation& what, const std::string& actor, const std::string& reason) {
  if (what.spec.hookUrl.empty())
    return Status::error("channel " + what.channelId + " has no standby region (region_failover.hook_url)");
  auto location = HttpLocation::parse(what.spec.hookUrl);
  if (!location) return Status::error("region_failover.hook_url: " + location.message());
  const nlohmann::json account{{"channel", what.channelId},
                               {"reason", reason},
                               {"actor", actor},
                               {"worst_manifest_age_s", what.worstManifestAgeSeconds},
                               {"on_air", what.onAir},
                               {"utc_us", nowUtcUs()}};
  HttpRequest request;
  request.method = HttpRequest::Method::Post;
  request.target = location->target;
  request.body = account.dump();
  request.contentType = "application/json";
  request.maxResponseBytes = 64 * 1024;
  HttpClient client(location->server, "the region failover hook at " + what.spec.hookUrl);
  auto response = client.exchange(request);
  Status outcome = !response ? response.status()
                   : response->status / 100 == 2
                       ? Status::ok()
                       : Status::error("the region failover hook answered " + std::to_string(response->status));
  const std::string detail =
      reason + "; hook: " + (outcome ? "answered " + std::to_string(response->status) : outcome.message());
  auto logger = log::get("control");
  if (outcome)
    logger->warn("[ch={}] region failover by {}: {}", what.channelId, actor, detail);
  else
    logger->error("[ch={}] region failover by {} failed: {}", what.channelId, actor, detail);
  if (auto s = store_.appendEventDurable({0, 0, what.channelId, "region.failover", actor, detail}); !s)
    logger->warn("[ch={}] event region.failover not recorded: {}", what.channelId, s.message());
  return outcome;
}

}  // namespace vigil::control
