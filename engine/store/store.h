// SQLite persistence (WAL). One writer thread owns the write connection and
// batches queued writes into transactions; reads use their own connection
// (WAL readers never block the writer). Schema migrations are numbered.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/timeline.h"

struct sqlite3;

namespace vigil::store {

struct ChannelRecord {
  std::string id;
  std::string name;
  std::string specJson;  // the channel's declaration, as the config schema writes it
};

// Contract 7: every switch, failover, alarm and operator action is an event.
struct EventRecord {
  int64_t id = 0;  // assigned by the store
  int64_t utcUs = 0;
  std::string channelId;  // empty for engine-wide events
  std::string kind;       // "channel.start", "channel.stop", "timeline.period", ...
  std::string actor;      // "engine", an operator's name, "api"
  std::string detail;     // free text or JSON
};

// An alarm of the monitor (monitor/alarm_book.h): open while clearedUs == 0.
struct AlarmRecord {
  int64_t id = 0;         // assigned by the store
  std::string channelId;  // empty for engine-wide alarms (disk)
  std::string kind;       // "manifest.age", "input.loss", "input.bad-feed", "disk", ...
  std::string subject;    // rendition or input id; empty: the whole channel
  std::string severity;   // "warning" | "critical"
  std::string detail;     // why, for the operator
  int64_t raisedUs = 0;   // UTC
  int64_t clearedUs = 0;  // 0: open
  int64_t ackedUs = 0;    // 0: not acknowledged
  std::string ackedBy;    // the operator who acknowledged it
};

// Ten seconds (or another fixed interval) of one rendition's manifest-age samples.
struct ManifestAgeBucket {
  std::string channelId;
  std::string renditionId;
  int64_t startUs = 0;  // UTC, a multiple of the interval
  int64_t maxAgeUs = 0;
  int64_t meanAgeUs = 0;
  int64_t samples = 0;
};

// A channel's output over one UTC day, by state (monitor/availability.h).
struct AvailabilityDayRecord {
  std::string channelId;
  int64_t day = 0;  // days since 1970-01-01, UTC
  int64_t healthyUs = 0;
  int64_t degradedUs = 0;
  int64_t outageUs = 0;
};

class Store {
 public:
  // Opens (creating if needed) the database at path and migrates it.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();  // flushes every queued write, then closes
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schemaVersion() const;

  // Channels.
  Status saveChannel(const ChannelRecord& channel);  // durable on return
  Status deleteChannel(const std::string& id);
  std::vector<ChannelRecord> channels() const;

  // Timeline (contract 1). Periods are durable on return: a new period must
  // be on disk before its first part is published.
  Status addPeriod(const std::string& channelId, const TimelinePeriod& period);
  std::vector<TimelinePeriod> periods(const std::string& channelId) const;
  // The last segment published: queued, batched (at most one write per call
  // burst). A crash can lose the last few, which only leaves a larger gap.
  void recordLastSegment(const std::string& channelId, int64_t segmentNumber);
  std::optional<int64_t> lastSegment(const std::string& channelId) const;

  // Events.
  void appendEvent(EventRecord event);                                             // queued
  std::vector<EventRecord> events(const std::string& channelId, int limit) const;  // newest first; "*": all

  // Alarms. Every write is durable on return (committed: a kill -9 right
  // after loses nothing) and writes its event (alarm.raise, alarm.clear,
  // alarm.ack) in the same transaction; the event's detail is prefixed with
  // "#<alarm id> ". Callers wait for a commit: never call from a media thread.
  Result<int64_t> insertAlarm(const AlarmRecord& alarm, EventRecord event);  // the new alarm's id
  Status updateAlarm(const AlarmRecord& alarm, EventRecord event);           // every field but the key, by id
  std::vector<AlarmRecord> openAlarms() const;                               // oldest first
  // Newest first; channelId empty: every channel's.
  std::vector<AlarmRecord> alarmHistory(const std::string& channelId, int limit) const;
  std::optional<AlarmRecord> alarm(int64_t id) const;
  // An event that must survive a crash: waits for its commit.
  Status appendEventDurable(EventRecord event);

  // Manifest-age history (queued). A bucket merges with one of the same start
  // (a restart within its interval): max of the maxima, mean over both.
  void recordManifestAge(std::vector<ManifestAgeBucket> buckets);
  void pruneManifestAge(int64_t beforeUtcUs);
  // Buckets starting in [fromUtcUs, toUtcUs), oldest first.
  std::vector<ManifestAgeBucket> manifestAgeHistory(const std::string& channelId, const std::string& renditionId,
                                                    int64_t fromUtcUs, int64_t toUtcUs) const;

  // Availability per channel and UTC day (queued upsert of the day's totals).
  void saveAvailabilityDay(const AvailabilityDayRecord& day);
  // Days in [fromDay, toDay], oldest first.
  std::vector<AvailabilityDayRecord> availabilityDays(const std::string& channelId, int64_t fromDay,
                                                      int64_t toDay) const;

  // Writes that failed since open for the database's own reasons (I/O, disk
  // full, locked: a statement, a begin or a commit), not a caller's row
  // refused by a constraint: the monitor's disk check.
  uint64_t writeFailures() const;

  // Blocks until every write queued so far is committed.
  void flush();
  // PRAGMA integrity_check == "ok".
  bool integrityOk() const;

 private:
  Store();
  using Write = std::function<Status(sqlite3*)>;
  void enqueue(Write write);
  Status enqueueAndWait(Write write);
  void writerLoop();
  // The read connection, with its lock taken into lock.
  sqlite3* reader(std::unique_lock<std::mutex>& lock) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::store
