// The monitor's tables: alarms (durable writes), manifest-age history and
// availability days (queued writes). The connection handling is store.cpp's.
#include <sqlite3.h>

#include "core/clock.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace vigil::store {
namespace {

constexpr const char* kAlarmColumns =
    "id, channel_id, kind, subject, severity, detail, raised_us, IFNULL(cleared_us, 0), IFNULL(acked_us, 0), "
    "IFNULL(acked_by, '')";

AlarmRecord alarmFrom(const Stmt& st) {
  return {st.int64(0), st.text(1),  st.text(2),  st.text(3),  st.text(4),
          st.text(5),  st.int64(6), st.int64(7), st.int64(8), st.text(9)};
}

Status insertEvent(sqlite3* db, const EventRecord& e) {
  Stmt st(db, "INSERT INTO events(utc_us, channel_id, kind, actor, detail) VALUES(?1, ?2, ?3, ?4, ?5)");
  return st.bind(1, e.utcUs).bind(2, e.channelId).bind(3, e.kind).bind(4, e.actor).bind(5, e.detail).run();
}

// Runs body inside a savepoint: the alarm row and its event are written
// together or not at all, whatever else shares the writer's transaction.
Status atomically(sqlite3* db, const std::function<Status()>& body) {
  if (auto s = exec(db, "SAVEPOINT alarm_write"); !s) return s;
  Status s = body();
  if (!s) (void)exec(db, "ROLLBACK TO alarm_write");
  (void)exec(db, "RELEASE alarm_write");
  return s;
}

}  // namespace

Result<int64_t> Store::insertAlarm(const AlarmRecord& a, EventRecord e) {
  if (e.utcUs == 0) e.utcUs = nowUtcUs();
  auto id = std::make_shared<int64_t>(0);
  Status s = enqueueAndWait([a, e, id](sqlite3* db) mutable {
    return atomically(db, [&]() -> Status {
      Stmt st(db,
              "INSERT INTO alarms(channel_id, kind, subject, severity, detail, raised_us, cleared_us, acked_us, "
              "acked_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), NULLIF(?8, 0), NULLIF(?9, ''))");
      st.bind(1, a.channelId).bind(2, a.kind).bind(3, a.subject).bind(4, a.severity).bind(5, a.detail);
      st.bind(6, a.raisedUs).bind(7, a.clearedUs).bind(8, a.ackedUs).bind(9, a.ackedBy);
      if (auto r = st.run(); !r) return r;
      *id = sqlite3_last_insert_rowid(db);
      e.detail = "#" + std::to_string(*id) + " " + e.detail;
      return insertEvent(db, e);
    });
  });
  if (!s) return s;
  return *id;
}

Status Store::updateAlarm(const AlarmRecord& a, EventRecord e) {
  if (e.utcUs == 0) e.utcUs = nowUtcUs();
  e.detail = "#" + std::to_string(a.id) + " " + e.detail;
  return enqueueAndWait([a, e](sqlite3* db) {
    return atomically(db, [&]() -> Status {
      Stmt st(db,
              "UPDATE alarms SET severity = ?2, detail = ?3, cleared_us = NULLIF(?4, 0), acked_us = NULLIF(?5, 0), "
              "acked_by = NULLIF(?6, '') WHERE id = ?1");
      st.bind(1, a.id).bind(2, a.severity).bind(3, a.detail).bind(4, a.clearedUs).bind(5, a.ackedUs).bind(6, a.ackedBy);
      if (auto r = st.run(); !r) return r;
      if (sqlite3_changes(db) != 1) return Status::error("no alarm #" + std::to_string(a.id));
      return insertEvent(db, e);
    });
  });
}

std::vector<AlarmRecord> Store::openAlarms() const {
  std::unique_lock<std::mutex> lock;
  Stmt st(reader(lock), std::string("SELECT ") + kAlarmColumns + " FROM alarms WHERE cleared_us IS NULL ORDER BY id");
  std::vector<AlarmRecord> out;
  while (st.step()) out.push_back(alarmFrom(st));
  return out;
}

std::vector<AlarmRecord> Store::alarmHistory(const std::string& channelId, int limit) const {
  std::unique_lock<std::mutex> lock;
  Stmt st(reader(lock), std::string("SELECT ") + kAlarmColumns +
                            " FROM alarms WHERE ?1 = '' OR channel_id = ?1 ORDER BY id DESC LIMIT ?2");
  st.bind(1, channelId).bind(2, int64_t{limit});
  std::vector<AlarmRecord> out;
  while (st.step()) out.push_back(alarmFrom(st));
  return out;
}

std::optional<AlarmRecord> Store::alarm(int64_t id) const {
  std::unique_lock<std::mutex> lock;
  Stmt st(reader(lock), std::string("SELECT ") + kAlarmColumns + " FROM alarms WHERE id = ?1");
  st.bind(1, id);
  if (st.step()) return alarmFrom(st);
  return std::nullopt;
}

Status Store::appendEventDurable(EventRecord e) {
  if (e.utcUs == 0) e.utcUs = nowUtcUs();
  return enqueueAndWait([e = std::move(e)](sqlite3* db) { return insertEvent(db, e); });
}

void Store::recordManifestAge(std::vector<ManifestAgeBucket> buckets) {
  if (buckets.empty()) return;
  enqueue([buckets = std::move(buckets)](sqlite3* db) {
    Stmt st(db,
            "INSERT INTO manifest_age_history(channel_id, rendition_id, start_us, max_age_us, mean_age_us, samples) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(channel_id, rendition_id, start_us) DO UPDATE SET "
            "max_age_us = MAX(max_age_us, excluded.max_age_us), "
            "mean_age_us = (mean_age_us * samples + excluded.mean_age_us * excluded.samples) / "
            "(samples + excluded.samples), samples = samples + excluded.samples");
    for (const auto& b : buckets) {
      st.reset().bind(1, b.channelId).bind(2, b.renditionId).bind(3, b.startUs).bind(4, b.maxAgeUs);
      st.bind(5, b.meanAgeUs).bind(6, b.samples);
      if (auto s = st.run(); !s) return s;
    }
    return Status::ok();
  });
}

void Store::pruneManifestAge(int64_t beforeUtcUs) {
  enqueue([beforeUtcUs](sqlite3* db) {
    return Stmt(db, "DELETE FROM manifest_age_history WHERE start_us < ?1").bind(1, beforeUtcUs).run();
  });
}

std::vector<ManifestAgeBucket> Store::manifestAgeHistory(const std::string& channelId, const std::string& renditionId,
                                                         int64_t fromUtcUs, int64_t toUtcUs) const {
  std::unique_lock<std::mutex> lock;
  Stmt st(reader(lock),
          "SELECT start_us, max_age_us, mean_age_us, samples FROM manifest_age_history WHERE channel_id = ?1 AND "
          "rendition_id = ?2 AND start_us >= ?3 AND start_us < ?4 ORDER BY start_us");
  st.bind(1, channelId).bind(2, renditionId).bind(3, fromUtcUs).bind(4, toUtcUs);
  std::vector<ManifestAgeBucket> out;
  while (st.step()) out.push_back({channelId, renditionId, st.int64(0), st.int64(1), st.int64(2), st.int64(3)});
  return out;
}

void Store::saveAvailabilityDay(const AvailabilityDayRecord& d) {
  enqueue([d](sqlite3* db) {
    Stmt st(db,
            "INSERT INTO availability_days(channel_id, day, healthy_us, degraded_us, outage_us) "
            "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(channel_id, day) DO UPDATE SET healthy_us = excluded.healthy_us, "
            "degraded_us = excluded.degraded_us, outage_us = excluded.outage_us");
    return st.bind(1, d.channelId).bind(2, d.day).bind(3, d.healthyUs).bind(4, d.degradedUs).bind(5, d.outageUs).run();
  });
}

std::vector<AvailabilityDayRecord> Store::availabilityDays(const std::string& channelId, int64_t fromDay,
                                                           int64_t toDay) const {
  std::unique_lock<std::mutex> lock;
  Stmt st(reader(lock),
          "SELECT day, healthy_us, degraded_us, outage_us FROM availability_days WHERE channel_id = ?1 AND "
          "day >= ?2 AND day <= ?3 ORDER BY day");
  st.bind(1, channelId).bind(2, fromDay).bind(3, toDay);
  std::vector<AvailabilityDayRecord> out;
  while (st.step()) out.push_back({channelId, st.int64(0), st.int64(1), st.int64(2), st.int64(3)});
  return out;
}

}  // namespace vigil::store
