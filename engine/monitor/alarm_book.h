// The alarms of the engine (contract 7: failure is data). An alarm is keyed by
// (channel, kind, subject); at most one of a key is open at a time. raise()
// on an open key changes its severity in place (keeping when it was raised),
// clear() closes it, acknowledge() records that an operator has seen it (it
// stays open until its condition clears; re-escalating to critical takes the
// acknowledgement back). Every change is durable on return, with its event
// ("alarm.raise", "alarm.clear", "alarm.ack") written in the same transaction.
//
// Kinds are open strings, so a new source of alarms needs no change here.
// The book waits for SQLite commits: call it from monitor or control threads,
// never from a media thread.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::store {
class Store;
struct AlarmRecord;
}  // namespace vigil::store

namespace vigil::monitor {

namespace alarm_kind {
inline constexpr std::string_view kManifestAge = "manifest.age";  // subject: rendition id, or "" for the channel
inline constexpr std::string_view kInputLoss = "input.loss";      // subject: input id
inline constexpr std::string_view kInputBadFeed = "input.bad-feed";
inline constexpr std::string_view kPipelineDown = "pipeline.down";            // subject: pipeline index
inline constexpr std::string_view kRestartSpike = "restart.spike";            // subject: pipeline index
inline constexpr std::string_view kKeyframeViolation = "keyframe.violation";  // subject: pipeline index
inline constexpr std::string_view kDisk = "disk";  // engine-wide (channel ""); subject "space" or "store"
}  // namespace alarm_kind

enum class Severity { Warning, Critical };
const char* toString(Severity severity);
std::optional<Severity> severityFromString(std::string_view text);

struct AlarmKey {
  std::string channelId;  // empty: engine-wide
  std::string kind;
  std::string subject;
  auto operator<=>(const AlarmKey&) const = default;
};
std::string toString(const AlarmKey& key);  // "news1 manifest.age v0"

struct Alarm {
  int64_t id = 0;
  AlarmKey key;
  Severity severity = Severity::Warning;
  std::string detail;
  int64_t raisedUs = 0;   // UTC
  int64_t clearedUs = 0;  // 0: open
  int64_t ackedUs = 0;    // 0: not acknowledged
  std::string ackedBy;
  bool open() const { return clearedUs == 0; }
  bool acknowledged() const { return ackedUs != 0; }
};

struct AlarmCounts {
  int warning = 0;
  int critical = 0;
  int unacknowledged = 0;
};

class AlarmBook {
 public:
  using Clock = std::function<int64_t()>;  // UTC microseconds

  // Reloads the alarms left open by a previous run (still open: whoever
  // raises them clears them once their condition no longer holds).
  explicit AlarmBook(store::Store& store, Clock clock = {});
  AlarmBook(const AlarmBook&) = delete;
  AlarmBook& operator=(const AlarmBook&) = delete;

  // Opens the alarm of key, or sets the severity of the open one (same
  // severity: nothing to write). Returns the alarm's id.
  Result<int64_t> raise(const AlarmKey& key, Severity severity, const std::string& detail);
  // Closes the open alarm of key; ok when there is none.
  Status clear(const AlarmKey& key, const std::string& reason);
  // Error for an unknown or cleared alarm, or an empty operator name; the
  // first acknowledgement stands (a second one writes nothing).
  Status acknowledge(int64_t alarmId, const std::string& operatorName);

  // Open alarms, oldest first; channelId empty: every channel's (and the engine's).
  std::vector<Alarm> open(const std::string& channelId = {}) const;
  std::optional<Alarm> find(const AlarmKey& key) const;
  // Open and cleared, newest first (from the store).
  std::vector<Alarm> history(const std::string& channelId, int limit) const;
  // Open alarms per channel id ("" for the engine's own).
  std::map<std::string, AlarmCounts> counts() const;

 private:
  int64_t now() const;
  Status write(const Alarm& alarm, const std::string& eventKind, const std::string& actor, const std::string& text);

  store::Store& store_;
  const Clock clock_;
  std::mutex writeMutex_;     // serialises changes (held across the store's commit)
  mutable std::mutex mutex_;  // guards open_; held briefly, never across a commit
  std::map<AlarmKey, Alarm> open_;
};

Alarm alarmFromRecord(const store::AlarmRecord& record);

}  // namespace vigil::monitor
