// SQLite persistence (WAL). One writer thread owns the write connection and
// batches queued writes into transactions; reads use their own connection
// (WAL readers never block the writer). Schema migrations are numbered.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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
  std::vector<EventRecord> events(const std::string& channelId, int limit) const;  // newest first

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

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::store
