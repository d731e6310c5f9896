#include "monitor/availability.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "store/store.h"

namespace vigil::monitor {

const char* toString(OutputState state) {
  switch (state) {
    case OutputState::Healthy:
      return "healthy";
    case OutputState::Degraded:
      return "degraded";
    case OutputState::Outage:
      return "outage";
  }
  return "unknown";
}

double allowedDowntimeSeconds(double slo, double periodSeconds) {
  return std::clamp(1.0 - slo, 0.0, 1.0) * periodSeconds;
}

ErrorBudget errorBudget(double slo, double periodSeconds, double downtimeSeconds) {
  ErrorBudget b;
  b.allowedSeconds = allowedDowntimeSeconds(slo, periodSeconds);
  b.usedSeconds = downtimeSeconds;
  b.remainingSeconds = b.allowedSeconds - downtimeSeconds;
  b.usedFraction = b.allowedSeconds > 0 ? downtimeSeconds / b.allowedSeconds : (downtimeSeconds > 0 ? 1.0 : 0.0);
  return b;
}

double achievedAvailability(double upSeconds, double downSeconds) {
  const double total = upSeconds + downSeconds;
  return total > 0 ? upSeconds / total : 1.0;
}

// ---- calendar ----

namespace {
constexpr int64_t kDayUs = 86'400'000'000LL;
std::chrono::year_month_day ymdOf(int64_t day) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}
}  // namespace

int64_t utcDay(int64_t utcUs) { return (utcUs >= 0 ? utcUs : utcUs - kDayUs + 1) / kDayUs; }
int64_t dayStartUtcUs(int64_t day) { return day * kDayUs; }

int64_t monthFirstDay(int64_t day) {
  const auto ymd = ymdOf(day);
  return std::chrono::sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count();
}

int daysInMonth(int64_t day) {
  const auto ymd = ymdOf(day);
  return static_cast<int>(
      unsigned(std::chrono::year_month_day_last{ymd.year() / ymd.month() / std::chrono::last}.day()));
}

std::string isoDay(int64_t day) {
  const auto ymd = ymdOf(day);
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

std::string isoMonth(int64_t day) { return isoDay(day).substr(0, 7); }

// ---- topology ----

Topology Topology::component(std::string name, double availability) {
  Topology t;
  t.kind_ = Kind::Component;
  t.name_ = std::move(name);
  t.availability_ = std::clamp(availability, 0.0, 1.0);
  return t;
}

Topology Topology::series(std::vector<Topology> parts) {
  Topology t;
  t.kind_ = Kind::Series;
  t.children_ = std::move(parts);
  return t;
}

Topology Topology::parallel(std::vector<Topology> legs) {
  Topology t;
  t.kind_ = Kind::Parallel;
  t.children_ = std::move(legs);
  return t;
}

double Topology::availability() const {
  switch (kind_) {
    case Kind::Component:
      return availability_;
    case Kind::Series: {
      double a = 1;
      for (const auto& c : children_) a *= c.availability();
      return a;
    }
    case Kind::Parallel: {
      if (children_.empty()) return 0;  // no leg: nothing can carry the signal
      double unavailable = 1;
      for (const auto& c : children_) unavailable *= 1 - c.availability();
      return 1 - unavailable;
    }
  }
  return 0;
}

std::string Topology::describe() const {
  if (kind_ == Kind::Component) return fmt::format("{} {:g}", name_, availability_);
  // A single leg or part is the thing itself.
  if (children_.size() == 1) return children_.front().describe();
  std::string out = kind_ == Kind::Series ? "series(" : "parallel(";
  for (size_t i = 0; i < children_.size(); ++i) out += (i ? ", " : "") + children_[i].describe();
  return out + ")";
}

Topology channelTopology(const ChannelSpec& spec, const ComponentAvailability& components, int pipelineCount) {
  std::vector<Topology> inputs;
  for (const auto& in : spec.inputs) inputs.push_back(Topology::component("input " + in.id, components.input));
  if (inputs.empty()) inputs.push_back(Topology::component("test source", components.input));
  std::vector<Topology> pipelines;
  if (pipelineCount <= 0) pipelineCount = pipelineCountOf(spec);
  for (int i = 0; i < pipelineCount; ++i)
    pipelines.push_back(Topology::component("pipeline " + std::to_string(i), components.pipeline));
  return Topology::series({Topology::parallel(std::move(inputs)), Topology::parallel(std::move(pipelines)),
                           Topology::component("origin", components.origin)});
}

// ---- the ledger ----

AvailabilityLedger::AvailabilityLedger(store::Store* store) : store_(store) {}

AvailabilityLedger::Day& AvailabilityLedger::dayLocked(const std::string& channelId, int64_t day) const {
  const Key key{channelId, day};
  auto it = days_.find(key);
  if (it != days_.end()) return it->second;
  Day d;
  if (store_)
    for (const auto& r : store_->availabilityDays(channelId, day, day)) d = {r.healthyUs, r.degradedUs, r.outageUs};
  return days_.emplace(key, d).first->second;
}

void AvailabilityLedger::add(const std::string& channelId, int64_t fromUtcUs, int64_t toUtcUs, OutputState state) {
  std::lock_guard lock(mutex_);
  while (fromUtcUs < toUtcUs) {
    const int64_t day = utcDay(fromUtcUs);
    const int64_t end = std::min(toUtcUs, dayStartUtcUs(day + 1));
    Day& d = dayLocked(channelId, day);
    (state == OutputState::Healthy    ? d.healthyUs
     : state == OutputState::Degraded ? d.degradedUs
                                      : d.outageUs) += end - fromUtcUs;
    dirty_.insert({channelId, day});
    fromUtcUs = end;
  }
}

namespace {
StateSeconds secondsOf(int64_t healthyUs, int64_t degradedUs, int64_t outageUs) {
  return {static_cast<double>(healthyUs) / 1e6, static_cast<double>(degradedUs) / 1e6,
          static_cast<double>(outageUs) / 1e6};
}
}  // namespace

StateSeconds AvailabilityLedger::day(const std::string& channelId, int64_t day) const {
  std::lock_guard lock(mutex_);
  const Day& d = dayLocked(channelId, day);
  return secondsOf(d.healthyUs, d.degradedUs, d.outageUs);
}

StateSeconds AvailabilityLedger::month(const std::string& channelId, int64_t anyDayOfMonth) const {
  const int64_t first = monthFirstDay(anyDayOfMonth);
  const int64_t last = first + daysInMonth(anyDayOfMonth) - 1;
  std::lock_guard lock(mutex_);
  // Days of the month this process has not touched come from the store in one query.
  std::map<int64_t, Day> stored;
  if (store_)
    for (const auto& r : store_->availabilityDays(channelId, first, last))
      stored[r.day] = {r.healthyUs, r.degradedUs, r.outageUs};
  int64_t h = 0, g = 0, o = 0;
  for (int64_t day = first; day <= last; ++day) {
    Day d;
    if (auto it = days_.find({channelId, day}); it != days_.end())
      d = it->second;
    else if (auto s = stored.find(day); s != stored.end())
      d = s->second;
    h += d.healthyUs;
    g += d.degradedUs;
    o += d.outageUs;
  }
  return secondsOf(h, g, o);
}

void AvailabilityLedger::persist(int64_t nowUtcUs, bool force) {
  std::lock_guard lock(mutex_);
  if (!force && nowUtcUs - lastPersistUs_ < kPersistIntervalUs) return;
  lastPersistUs_ = nowUtcUs;
  if (store_)
    for (const Key& key : dirty_) {
      const Day& d = days_[key];
      store_->saveAvailabilityDay({key.first, key.second, d.healthyUs, d.degradedUs, d.outageUs});
    }
  dirty_.clear();
  // Days before yesterday are final and stored: drop them from memory.
  if (!store_) return;
  const int64_t keepFrom = utcDay(nowUtcUs) - 1;
  for (auto it = days_.begin(); it != days_.end();) it = it->first.second < keepFrom ? days_.erase(it) : std::next(it);
}

}  // namespace vigil::monitor
