#include "monitor/alarm_book.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

namespace vigil::monitor {

const char* toString(Severity severity) { return severity == Severity::Critical ? "critical" : "warning"; }

std::optional<Severity> severityFromString(std::string_view text) {
  if (text == "warning") return Severity::Warning;
  if (text == "critical") return Severity::Critical;
  return std::nullopt;
}

std::string toString(const AlarmKey& key) {
  std::string out = key.channelId.empty() ? "engine" : key.channelId;
  out += ' ';
  out += key.kind;
  if (!key.subject.empty()) out += ' ' + key.subject;
  return out;
}

Alarm alarmFromRecord(const store::AlarmRecord& r) {
  Alarm a;
  a.id = r.id;
  a.key = {r.channelId, r.kind, r.subject};
  a.severity = severityFromString(r.severity).value_or(Severity::Critical);
  a.detail = r.detail;
  a.raisedUs = r.raisedUs;
  a.clearedUs = r.clearedUs;
  a.ackedUs = r.ackedUs;
  a.ackedBy = r.ackedBy;
  return a;
}

namespace {
store::AlarmRecord recordOf(const Alarm& a) {
  return {a.id,     a.key.channelId, a.key.kind,  a.key.subject, toString(a.severity),
          a.detail, a.raisedUs,      a.clearedUs, a.ackedUs,     a.ackedBy};
}
}  // namespace

AlarmBook::AlarmBook(store::Store& store, Clock clock) : store_(store), clock_(std::move(clock)) {
  for (const auto& r : store_.openAlarms()) {
    Alarm a = alarmFromRecord(r);
    open_[a.key] = a;
  }
  if (!open_.empty()) log::get("monitor")->info("[monitor] {} alarm(s) open from the previous run", open_.size());
}

int64_t AlarmBook::now() const { return clock_ ? clock_() : nowUtcUs(); }

Status AlarmBook::write(const Alarm& a, const std::string& eventKind, const std::string& actor,
                        const std::string& text) {
  return store_.updateAlarm(recordOf(a), {0, now(), a.key.channelId, eventKind, actor, text});
}

Result<int64_t> AlarmBook::raise(const AlarmKey& key, Severity severity, const std::string& detail) {
  std::lock_guard writing(writeMutex_);
  std::optional<Alarm> current;
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(key); it != open_.end()) current = it->second;
  }
  const std::string what = toString(key);
  if (!current) {
    Alarm a;
    a.key = key;
    a.severity = severity;
    a.detail = detail;
    a.raisedUs = now();
    auto id = store_.insertAlarm(recordOf(a), {0, a.raisedUs, key.channelId, "alarm.raise", "engine",
                                               fmt::format("{} {}: {}", what, toString(severity), detail)});
    if (!id) return id.status();
    a.id = *id;
    log::get("monitor")->warn("[alarm ch={}] #{} raised {} {}: {}", key.channelId, a.id, what, toString(severity),
                              detail);
    std::lock_guard lock(mutex_);
    open_[key] = a;
    return a.id;
  }
  if (current->severity == severity) return current->id;
  Alarm a = *current;
  const Severity was = a.severity;
  a.severity = severity;
  a.detail = detail;
  // An acknowledged alarm that gets worse needs the operator's eyes again.
  const bool unacked = severity == Severity::Critical && a.acknowledged();
  if (unacked) {
    a.ackedUs = 0;
    a.ackedBy.clear();
  }
  if (auto s = write(a, "alarm.raise", "engine",
                     fmt::format("{} {} -> {}{}: {}", what, toString(was), toString(severity),
                                 unacked ? " (acknowledgement withdrawn)" : "", detail));
      !s)
    return s;
  log::get("monitor")->warn("[alarm ch={}] #{} {} {} -> {}: {}", key.channelId, a.id, what, toString(was),
                            toString(severity), detail);
  std::lock_guard lock(mutex_);
  open_[key] = a;
  return a.id;
}

Status AlarmBook::clear(const AlarmKey& key, const std::string& reason) {
  std::lock_guard writing(writeMutex_);
  Alarm a;
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(key);
    if (it == open_.end()) return Status::ok();
    a = it->second;
  }
  a.clearedUs = std::max(now(), a.raisedUs);
  const double openSeconds = static_cast<double>(a.clearedUs - a.raisedUs) / 1e6;
  if (auto s = write(a, "alarm.clear", "engine",
                     fmt::format("{} cleared after {:.1f} s: {}", toString(key), openSeconds, reason));
      !s)
    return s;
  log::get("monitor")->info("[alarm ch={}] #{} cleared {}: {}", key.channelId, a.id, toString(key), reason);
  std::lock_guard lock(mutex_);
  open_.erase(key);
  return Status::ok();
}

Status AlarmBook::acknowledge(int64_t alarmId, const std::string& operatorName) {
  if (operatorName.empty() || operatorName.size() > 128) return Status::error("operator name: 1 to 128 characters");
  std::lock_guard writing(writeMutex_);
  std::optional<Alarm> found;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, a] : open_)
      if (a.id == alarmId) found = a;
  }
  if (!found) {
    const auto r = store_.alarm(alarmId);
    if (!r) return Status::error("no alarm #" + std::to_string(alarmId));
    return Status::error("alarm #" + std::to_string(alarmId) + " is cleared");
  }
  Alarm a = *found;
  if (a.acknowledged()) return Status::ok();  // already seen; the first acknowledgement stands
  a.ackedUs = now();
  a.ackedBy = operatorName;
  if (auto s = write(a, "alarm.ack", operatorName,
                     fmt::format("{} {} acknowledged by {}", toString(a.key), toString(a.severity), operatorName));
      !s)
    return s;
  std::lock_guard lock(mutex_);
  open_[a.key] = a;
  return Status::ok();
}

std::vector<Alarm> AlarmBook::open(const std::string& channelId) const {
  std::vector<Alarm> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, a] : open_)
      if (channelId.empty() || key.channelId == channelId) out.push_back(a);
  }
  std::sort(out.begin(), out.end(), [](const Alarm& x, const Alarm& y) { return x.id < y.id; });
  return out;
}

std::optional<Alarm> AlarmBook::find(const AlarmKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(key);
  if (it == open_.end()) return std::nullopt;
  return it->second;
}

std::vector<Alarm> AlarmBook::history(const std::string& channelId, int limit) const {
  std::vector<Alarm> out;
  for (const auto& r : store_.alarmHistory(channelId, limit)) out.push_back(alarmFromRecord(r));
  return out;
}

std::map<std::string, AlarmCounts> AlarmBook::counts() const {
  std::map<std::string, AlarmCounts> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, a] : open_) {
    auto& c = out[key.channelId];
    (a.severity == Severity::Critical ? c.critical : c.warning)++;
    if (!a.acknowledged()) ++c.unacknowledged;
  }
  return out;
}

}  // namespace vigil::monitor
