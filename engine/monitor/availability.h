// Availability of a channel's output: seconds healthy (manifest age below the
// warning threshold), degraded (between warning and critical) and in outage
// (at or above critical, or the channel not running while it should), per UTC
// day and month, accumulated from the heartbeat's samples and kept in SQLite.
//
// Beside the measurement, the arithmetic of objectives (pure functions) and
// the availability a channel's topology should reach, computed as the Prime
// Video live-channels article does: components in series multiply, redundant
// legs in parallel give 1 - prod(1 - A_i).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/channel_spec.h"
#include "monitor/monitor_spec.h"

namespace vigil::store {
class Store;
}

namespace vigil::monitor {

enum class OutputState { Healthy, Degraded, Outage };
const char* toString(OutputState state);

struct StateSeconds {
  double healthy = 0;
  double degraded = 0;
  double outage = 0;
  double total() const { return healthy + degraded + outage; }
};

// ---- objectives (fractions: 0.99999 is 99.999 %) ----

// Downtime an objective allows over a period: (1 - slo) * period.
double allowedDowntimeSeconds(double slo, double periodSeconds);

struct ErrorBudget {
  double allowedSeconds = 0;
  double usedSeconds = 0;
  double remainingSeconds = 0;  // negative once overspent
  double usedFraction = 0;      // used / allowed (> 1 once overspent)
};
ErrorBudget errorBudget(double slo, double periodSeconds, double downtimeSeconds);

// up / (up + down); 1 when nothing was measured.
double achievedAvailability(double upSeconds, double downSeconds);
// Degraded output is still output: only outage counts as down.
inline double achievedAvailability(const StateSeconds& s) {
  return achievedAvailability(s.healthy + s.degraded, s.outage);
}

// ---- the UTC calendar ----
int64_t utcDay(int64_t utcUs);  // days since 1970-01-01
int64_t dayStartUtcUs(int64_t day);
int64_t monthFirstDay(int64_t day);  // the first day of day's month
int daysInMonth(int64_t day);
std::string isoDay(int64_t day);    // "2024-05-01"
std::string isoMonth(int64_t day);  // "2024-05"

// ---- topology ----

// A series/parallel expression over named components.
class Topology {
 public:
  enum class Kind { Component, Series, Parallel };
  static Topology component(std::string name, double availability);
  static Topology series(std::vector<Topology> parts);
  static Topology parallel(std::vector<Topology> legs);

  Kind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::vector<Topology>& children() const { return children_; }
  // Series: prod(A_i); parallel: 1 - prod(1 - A_i); a component: its own.
  double availability() const;
  // "series(parallel(input primary 0.999, input backup 0.999), pipeline 0.999, origin 0.9999)"
  std::string describe() const;

 private:
  Kind kind_ = Kind::Component;
  std::string name_;
  double availability_ = 1;
  std::vector<Topology> children_;
};

// A channel: its inputs in parallel (the test source counts as one input),
// its pipelines in parallel (1 for a Single channel, 2 for Standard), then
// the origin, in series. pipelineCount 0: the spec's (see pipelineCountOf).
Topology channelTopology(const ChannelSpec& spec, const ComponentAvailability& components, int pipelineCount = 0);

// The pipelines a channel runs: its redundancy mode's count where the spec
// declares one (spec.redundancy.pipelines()), else 1.
template <typename Spec>
int pipelineCountOf(const Spec& spec) {
  if constexpr (requires { spec.redundancy.pipelines(); })
    return spec.redundancy.pipelines();
  else
    return 1;
}

// ---- the measurement ----

class AvailabilityLedger {
 public:
  static constexpr int64_t kPersistIntervalUs = 60'000'000;

  // store may be null (memory only). Days already in the store are read on
  // first use, so a restarted engine continues the day's totals.
  explicit AvailabilityLedger(store::Store* store);

  // [fromUtcUs, toUtcUs) of a channel's output was in state (split at UTC midnights).
  void add(const std::string& channelId, int64_t fromUtcUs, int64_t toUtcUs, OutputState state);
  StateSeconds day(const std::string& channelId, int64_t day) const;
  StateSeconds month(const std::string& channelId, int64_t anyDayOfMonth) const;
  // Upserts the days changed since the last write; at most once per
  // kPersistIntervalUs unless force (shutdown).
  void persist(int64_t nowUtcUs, bool force);

 private:
  struct Day {
    int64_t healthyUs = 0;
    int64_t degradedUs = 0;
    int64_t outageUs = 0;
  };
  using Key = std::pair<std::string, int64_t>;  // channel, day
  Day& dayLocked(const std::string& channelId, int64_t day) const;

  store::Store* const store_;
  mutable std::mutex mutex_;         // guards everything below
  mutable std::map<Key, Day> days_;  // read-through cache of the store
  std::set<Key> dirty_;
  int64_t lastPersistUs_ = 0;
};

// What Engine::availability() reports for a channel.
struct AvailabilityReport {
  std::string channelId;
  std::string day;  // "2024-05-01" (UTC)
  StateSeconds today;
  std::string month;  // "2024-05"
  StateSeconds thisMonth;
  double achievedToday = 1;
  double achievedMonth = 1;
  double sloPercent = 0;
  ErrorBudget monthBudget;  // over the whole calendar month
  double topologyAvailability = 0;
  std::string topology;
};

}  // namespace vigil::monitor
