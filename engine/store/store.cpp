#include "store/store.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/log.h"
#include "store/sqlite_util.h"

namespace vigil::store {
namespace {

// Numbered migrations: index i takes the schema from version i to i+1.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE channels (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      spec_json TEXT NOT NULL,
      updated_utc_us INTEGER NOT NULL
    );
    CREATE TABLE timeline_periods (
      channel_id TEXT NOT NULL,
      discontinuity_sequence INTEGER NOT NULL,
      first_segment INTEGER NOT NULL,
      start_utc_us INTEGER NOT NULL,
      PRIMARY KEY (channel_id, discontinuity_sequence)
    );
    CREATE TABLE channel_progress (
      channel_id TEXT PRIMARY KEY,
      last_segment INTEGER NOT NULL
    );
    CREATE TABLE events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      utc_us INTEGER NOT NULL,
      channel_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT NOT NULL,
      detail TEXT NOT NULL
    );
    CREATE INDEX events_by_channel ON events (channel_id, id);
    )sql",
    // 2: the monitor's alarms; at most one open alarm per (channel, kind, subject).
    R"sql(
    CREATE TABLE alarms (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      channel_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      subject TEXT NOT NULL,
      severity TEXT NOT NULL,
      detail TEXT NOT NULL,
      raised_us INTEGER NOT NULL,
      cleared_us INTEGER,
      acked_us INTEGER,
      acked_by TEXT
    );
    CREATE UNIQUE INDEX alarms_open_by_key ON alarms (channel_id, kind, subject) WHERE cleared_us IS NULL;
    CREATE INDEX alarms_by_channel ON alarms (channel_id, id);
    )sql",
    // 3: manifest-age history, downsampled (the full rate stays in memory).
    R"sql(
    CREATE TABLE manifest_age_history (
      channel_id TEXT NOT NULL,
      rendition_id TEXT NOT NULL,
      start_us INTEGER NOT NULL,
      max_age_us INTEGER NOT NULL,
      mean_age_us INTEGER NOT NULL,
      samples INTEGER NOT NULL,
      PRIMARY KEY (channel_id, rendition_id, start_us)
    ) WITHOUT ROWID;
    CREATE INDEX manifest_age_history_by_start ON manifest_age_history (start_us);
    )sql",
    // 4: availability: seconds of healthy, degraded and outage output per channel and UTC day.
    R"sql(
    CREATE TABLE availability_days (
      channel_id TEXT NOT NULL,
      day INTEGER NOT NULL,
      healthy_us INTEGER NOT NULL,
      degraded_us INTEGER NOT NULL,
      outage_us INTEGER NOT NULL,
      PRIMARY KEY (channel_id, day)
    ) WITHOUT ROWID;
    )sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// A failure of the database itself (I/O, full, locked, corrupt), as opposed
// to a caller's row refused by a constraint or a row that is not there.
bool isDatabaseFault(const Status& s) {
  return s.message().rfind("sqlite:", 0) == 0 && s.message().find("constraint failed") == std::string::npos;
}

Status migrate(sqlite3* db) {
  Stmt v(db, "PRAGMA user_version");
  const int current = v.step() ? static_cast<int>(v.int64(0)) : 0;
  if (current > kSchemaVersion)
    return Status::error("database schema version " + std::to_string(current) + " is newer than this build (" +
                         std::to_string(kSchemaVersion) + ")");
  for (int i = current; i < kSchemaVersion; ++i) {
    if (auto s = exec(db, "BEGIN IMMEDIATE"); !s) return s;
    Status s = exec(db, kMigrations[i]);
    if (s) s = exec(db, "PRAGMA user_version = " + std::to_string(i + 1));
    if (!s) {
      (void)exec(db, "ROLLBACK");
      return Status::error("migration to version " + std::to_string(i + 1) + " failed: " + s.message());
    }
    if (auto c = exec(db, "COMMIT"); !c) return c;
  }
  return Status::ok();
}

}  // namespace

struct Store::Impl {
  DbPtr writeDb;  // owned by the writer thread after open()
  DbPtr readDb;   // guarded by readMutex
  mutable std::mutex readMutex;

  std::mutex queueMutex;  // guards queue, stopping, pendingProgress
  std::condition_variable queueCv;
  struct Queued {
    Write write;
    std::shared_ptr<std::promise<Status>> committed;  // set after the batch's COMMIT, may be null
  };
  std::deque<Queued> queue;
  std::map<std::string, int64_t> pendingProgress;  // coalesced recordLastSegment calls
  bool stopping = false;
  std::thread writer;
  std::atomic<uint64_t> writeFailures{0};
};

Store::Store() : impl_(std::make_unique<Impl>()) {}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  auto w = openDb(path, false);
  if (!w) return w.status();
  sqlite3* db = w->get();
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"})
    if (auto s = exec(db, pragma); !s) return s;
  if (auto s = migrate(db); !s) return s;
  auto r = openDb(path, true);
  if (!r) return r.status();

  std::unique_ptr<Store> store(new Store());
  store->impl_->writeDb = std::move(*w);
  store->impl_->readDb = std::move(*r);
  store->impl_->writer = std::thread([s = store.get()] { s->writerLoop(); });
  return store;
}

Store::~Store() {
  {
    std::lock_guard lock(impl_->queueMutex);
    impl_->stopping = true;
  }
  impl_->queueCv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
}

int Store::schemaVersion() const {
  std::lock_guard lock(impl_->readMutex);
  Stmt v(impl_->readDb.get(), "PRAGMA user_version");
  return v.step() ? static_cast<int>(v.int64(0)) : -1;
}

void Store::writerLoop() {
  sqlite3* db = impl_->writeDb.get();
  auto logger = log::get("store");
  for (;;) {
    std::deque<Impl::Queued> batch;
    std::map<std::string, int64_t> progress;
    bool stop = false;
    {
      std::unique_lock lock(impl_->queueMutex);
      impl_->queueCv.wait(lock,
                          [&] { return impl_->stopping || !impl_->queue.empty() || !impl_->pendingProgress.empty(); });
      batch.swap(impl_->queue);
      progress.swap(impl_->pendingProgress);
      stop = impl_->stopping;
    }
    if (!batch.empty() || !progress.empty()) {
      // One transaction per batch: a burst of events costs one fsync.
      if (auto s = exec(db, "BEGIN IMMEDIATE"); !s) {
        logger->error("[store] begin: {}", s.message());
        ++impl_->writeFailures;
      }
      for (auto& [channel, segment] : progress) {
        Stmt st(db,
                "INSERT INTO channel_progress(channel_id, last_segment) VALUES(?1, ?2) "
                "ON CONFLICT(channel_id) DO UPDATE SET last_segment = MAX(last_segment, excluded.last_segment)");
        if (auto s = st.bind(1, channel).bind(2, segment).run(); !s) {
          logger->error("[store] progress: {}", s.message());
          ++impl_->writeFailures;
        }
      }
      std::vector<Status> results;
      results.reserve(batch.size());
      for (auto& item : batch) {
        results.push_back(item.write(db));
        if (!results.back()) {
          logger->error("[store] write: {}", results.back().message());
          if (isDatabaseFault(results.back())) ++impl_->writeFailures;
        }
      }
      Status commit = exec(db, "COMMIT");
      if (!commit) {
        logger->error("[store] commit: {}", commit.message());
        ++impl_->writeFailures;
        (void)exec(db, "ROLLBACK");
      }
      for (size_t i = 0; i < batch.size(); ++i)
        if (batch[i].committed) batch[i].committed->set_value(commit ? results[i] : commit);
    }
    if (stop) {
      std::lock_guard lock(impl_->queueMutex);
      if (impl_->queue.empty() && impl_->pendingProgress.empty()) return;
    }
  }
}

void Store::enqueue(Write write) {
  {
    std::lock_guard lock(impl_->queueMutex);
    impl_->queue.push_back({std::move(write), nullptr});
  }
  impl_->queueCv.notify_one();
}

Status Store::enqueueAndWait(Write write) {
  auto committed = std::make_shared<std::promise<Status>>();
  auto result = committed->get_future();
  {
    std::lock_guard lock(impl_->queueMutex);
    impl_->queue.push_back({std::move(write), committed});
  }
  impl_->queueCv.notify_one();
  return result.get();
}

uint64_t Store::writeFailures() const { return impl_->writeFailures.load(); }

sqlite3* Store::reader(std::unique_lock<std::mutex>& lock) const {
  lock = std::unique_lock(impl_->readMutex);
  return impl_->readDb.get();
}

void Store::flush() {
  (void)enqueueAndWait([](sqlite3*) { return Status::ok(); });
}

Status Store::saveChannel(const ChannelRecord& c) {
  return enqueueAndWait([c](sqlite3* db) {
    Stmt st(db,
            "INSERT INTO channels(id, name, spec_json, updated_utc_us) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, spec_json = excluded.spec_json, "
            "updated_utc_us = excluded.updated_utc_us");
    return st.bind(1, c.id).bind(2, c.name).bind(3, c.specJson).bind(4, nowUtcUs()).run();
  });
}

Status Store::deleteChannel(const std::string& id) {
  return enqueueAndWait([id](sqlite3* db) { return Stmt(db, "DELETE FROM channels WHERE id = ?1").bind(1, id).run(); });
}

std::vector<ChannelRecord> Store::channels() const {
  std::lock_guard lock(impl_->readMutex);
  std::vector<ChannelRecord> out;
  Stmt st(impl_->readDb.get(), "SELECT id, name, spec_json FROM channels ORDER BY id");
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2)});
  return out;
}

Status Store::addPeriod(const std::string& channelId, const TimelinePeriod& p) {
  return enqueueAndWait([channelId, p](sqlite3* db) {
    Stmt st(db,
            "INSERT INTO timeline_periods(channel_id, discontinuity_sequence, first_segment, start_utc_us) "
            "VALUES(?1, ?2, ?3, ?4)");
    return st.bind(1, channelId).bind(2, p.discontinuitySequence).bind(3, p.firstSegment).bind(4, p.startUtcUs).run();
  });
}

std::vector<TimelinePeriod> Store::periods(const std::string& channelId) const {
  std::lock_guard lock(impl_->readMutex);
  std::vector<TimelinePeriod> out;
  Stmt st(impl_->readDb.get(),
          "SELECT discontinuity_sequence, first_segment, start_utc_us FROM timeline_periods "
          "WHERE channel_id = ?1 ORDER BY discontinuity_sequence");
  st.bind(1, channelId);
  while (st.step()) out.push_back({st.int64(0), st.int64(1), st.int64(2)});
  return out;
}

void Store::recordLastSegment(const std::string& channelId, int64_t segmentNumber) {
  {
    std::lock_guard lock(impl_->queueMutex);
    auto& slot = impl_->pendingProgress[channelId];
    slot = std::max(slot, segmentNumber);
  }
  impl_->queueCv.notify_one();
}

std::optional<int64_t> Store::lastSegment(const std::string& channelId) const {
  std::lock_guard lock(impl_->readMutex);
  Stmt st(impl_->readDb.get(), "SELECT last_segment FROM channel_progress WHERE channel_id = ?1");
  st.bind(1, channelId);
  if (st.step()) return st.int64(0);
  return std::nullopt;
}

void Store::appendEvent(EventRecord e) {
  if (e.utcUs == 0) e.utcUs = nowUtcUs();
  enqueue([e = std::move(e)](sqlite3* db) {
    Stmt st(db, "INSERT INTO events(utc_us, channel_id, kind, actor, detail) VALUES(?1, ?2, ?3, ?4, ?5)");
    return st.bind(1, e.utcUs).bind(2, e.channelId).bind(3, e.kind).bind(4, e.actor).bind(5, e.detail).run();
  });
}

std::vector<EventRecord> Store::events(const std::string& channelId, int limit) const {
  std::lock_guard lock(impl_->readMutex);
  std::vector<EventRecord> out;
  Stmt st(impl_->readDb.get(),
          "SELECT id, utc_us, channel_id, kind, actor, detail FROM events WHERE (?1 = '*' OR channel_id = ?1) "
          "ORDER BY id DESC LIMIT ?2");
  st.bind(1, channelId).bind(2, int64_t{limit});
  while (st.step()) out.push_back({st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5)});
  return out;
}

bool Store::integrityOk() const {
  std::lock_guard lock(impl_->readMutex);
  Stmt st(impl_->readDb.get(), "PRAGMA integrity_check");
  return st.step() && st.text(0) == "ok";
}

}  // namespace vigil::store
