#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "store/store.h"

using vigil::store::Store;

class TstStore : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string path(const char* name) { return (dir_.path() + "/" + name).toStdString(); }

 private slots:
  void migratesAFreshDatabase() {
    auto s = Store::open(path("fresh.db"));
    QVERIFY2(s, s.message().c_str());
    QCOMPARE((*s)->schemaVersion(), 4);
    QVERIFY((*s)->integrityOk());
  }

  void channelsAndPeriodsSurviveReopen() {
    const auto p = path("reopen.db");
    {
      auto s = Store::open(p);
      QVERIFY(s);
      QVERIFY((*s)->saveChannel({"news1", "News One", R"({"id":"news1"})"}));
      QVERIFY((*s)->saveChannel({"news1", "News One HD", R"({"id":"news1","x":1})"}));  // update, not duplicate
      QVERIFY((*s)->addPeriod("news1", {0, 0, 1000}));
      QVERIFY((*s)->addPeriod("news1", {1, 42, 2000}));
      QVERIFY(!(*s)->addPeriod("news1", {1, 43, 3000}));  // same discontinuity sequence twice is refused
      (*s)->recordLastSegment("news1", 57);
      (*s)->recordLastSegment("news1", 55);  // never regresses
    }
    auto s = Store::open(p);
    QVERIFY(s);
    auto chans = (*s)->channels();
    QCOMPARE(chans.size(), size_t{1});
    QCOMPARE(chans[0].name, std::string("News One HD"));
    auto periods = (*s)->periods("news1");
    QCOMPARE(periods.size(), size_t{2});
    QCOMPARE(periods[1].firstSegment, int64_t{42});
    QCOMPARE(periods[1].startUtcUs, int64_t{2000});
    QCOMPARE((*s)->lastSegment("news1").value_or(-1), int64_t{57});
    QVERIFY(!(*s)->lastSegment("other").has_value());
  }

  void eventsAreBatchedAndKept() {
    auto s = Store::open(path("events.db"));
    QVERIFY(s);
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
      writers.emplace_back([&, t] {
        for (int i = 0; i < 250; ++i)
          (*s)->appendEvent({0, 0, "ch", "test", "writer" + std::to_string(t), std::to_string(i)});
      });
    for (auto& w : writers) w.join();
    (*s)->flush();
    auto events = (*s)->events("ch", 2000);
    QCOMPARE(events.size(), size_t{1000});
    QVERIFY(events.front().id > events.back().id);  // newest first
    QVERIFY(events.front().utcUs > 0);
    QVERIFY((*s)->integrityOk());
  }

  void queuedWritesAreFlushedOnClose() {
    const auto p = path("close.db");
    {
      auto s = Store::open(p);
      for (int i = 0; i < 100; ++i) (*s)->appendEvent({0, 0, "ch", "k", "a", ""});
      (*s)->recordLastSegment("ch", 9);
    }
    auto s = Store::open(p);
    QCOMPARE((*s)->events("ch", 1000).size(), size_t{100});
    QCOMPARE((*s)->lastSegment("ch").value_or(-1), int64_t{9});
  }

  // An alarm write returns once committed: a process killed (SIGKILL) right
  // after it has returned still leaves the alarm and its event on disk.
  void alarmWritesSurviveAKillRightAfter() {
    const auto p = path("killed.db");
    { auto s = Store::open(p); }  // migrated before the fork
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      auto s = Store::open(p);
      if (!s) ::_exit(2);
      vigil::store::AlarmRecord a{0, "news1", "manifest.age", "v0", "warning", "age 3.1 s", 1000, 0, 0, ""};
      auto id = (*s)->insertAlarm(a, {0, 0, "news1", "alarm.raise", "engine", "manifest.age v0 warning"});
      if (!id) ::_exit(3);
      a.id = *id;
      a.severity = "critical";
      if (!(*s)->updateAlarm(a, {0, 0, "news1", "alarm.raise", "engine", "escalated"})) ::_exit(4);
      (*s)->appendEvent({0, 0, "news1", "queued", "engine", "may be lost"});
      ::raise(SIGKILL);  // no destructor, no flush
      ::_exit(5);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child died by SIGKILL after its writes");
    auto s = Store::open(p);
    QVERIFY(s);
    const auto open = (*s)->openAlarms();
    QCOMPARE(open.size(), size_t{1});
    QCOMPARE(open[0].severity, std::string("critical"));
    QCOMPARE(open[0].raisedUs, int64_t{1000});
    QCOMPARE(open[0].clearedUs, int64_t{0});
    int raises = 0;
    for (const auto& e : (*s)->events("news1", 10))
      if (e.kind == "alarm.raise") {
        ++raises;
        QVERIFY2(e.detail.rfind("#" + std::to_string(open[0].id) + " ", 0) == 0, e.detail.c_str());
      }
    QCOMPARE(raises, 2);
    QVERIFY((*s)->integrityOk());
  }

  void oneOpenAlarmPerKeyAndHistoryNewestFirst() {
    auto s = Store::open(path("alarms.db"));
    QVERIFY(s);
    using vigil::store::AlarmRecord;
    AlarmRecord a{0, "ch", "input.loss", "primary", "warning", "", 10, 0, 0, ""};
    auto first = (*s)->insertAlarm(a, {0, 0, "ch", "alarm.raise", "engine", ""});
    QVERIFY(first);
    QVERIFY2(!(*s)->insertAlarm(a, {0, 0, "ch", "alarm.raise", "engine", ""}), "a second open alarm of the same key");
    QCOMPARE((*s)->events("ch", 10).size(), size_t{1});  // the refused insert wrote no event either
    a.id = *first;
    a.clearedUs = 20;
    a.ackedUs = 15;
    a.ackedBy = "alice";
    QVERIFY((*s)->updateAlarm(a, {0, 0, "ch", "alarm.clear", "engine", ""}));
    a.clearedUs = 0;
    a.ackedUs = 0;
    a.ackedBy.clear();
    auto second = (*s)->insertAlarm(a, {0, 0, "ch", "alarm.raise", "engine", ""});  // the key is free again
    QVERIFY(second);
    QVERIFY(
        (*s)->insertAlarm({0, "other", "disk", "", "critical", "", 30, 0, 0, ""}, {0, 0, "", "alarm.raise", "e", ""}));
    const auto history = (*s)->alarmHistory("ch", 10);
    QCOMPARE(history.size(), size_t{2});
    QCOMPARE(history[0].id, *second);
    QCOMPARE(history[1].ackedBy, std::string("alice"));
    QCOMPARE(history[1].clearedUs, int64_t{20});
    QCOMPARE((*s)->alarmHistory("", 10).size(), size_t{3});
    QCOMPARE((*s)->alarmHistory("", 1).size(), size_t{1});
    QCOMPARE((*s)->openAlarms().size(), size_t{2});
    QVERIFY(!(*s)->alarm(9999));
    // A caller's mistakes (a duplicate open key, a missing row) are refused,
    // and are not the database failing.
    AlarmRecord ghost = a;
    ghost.id = 9999;
    QVERIFY(!(*s)->updateAlarm(ghost, {0, 0, "ch", "alarm.clear", "engine", ""}));
    QCOMPARE((*s)->writeFailures(), uint64_t{0});
  }

  void manifestAgeHistoryIsRangedMergedAndPruned() {
    auto s = Store::open(path("age.db"));
    QVERIFY(s);
    std::vector<vigil::store::ManifestAgeBucket> buckets;
    for (int i = 0; i < 6; ++i) buckets.push_back({"ch", "v0", i * 10'000'000LL, 400'000 + i, 300'000, 40});
    buckets.push_back({"ch", "a0", 0, 1, 1, 1});
    (*s)->recordManifestAge(buckets);
    (*s)->recordManifestAge({{"ch", "v0", 20'000'000, 7'000'000, 100'000, 10}});  // merges into the bucket at 20 s
    (*s)->flush();
    auto got = (*s)->manifestAgeHistory("ch", "v0", 10'000'000, 40'000'000);
    QCOMPARE(got.size(), size_t{3});
    QCOMPARE(got[0].startUs, int64_t{10'000'000});
    QCOMPARE(got[1].maxAgeUs, int64_t{7'000'000});
    QCOMPARE(got[1].meanAgeUs, int64_t{(300'000 * 40 + 100'000 * 10) / 50});
    QCOMPARE(got[1].samples, int64_t{50});
    QCOMPARE(got[2].startUs, int64_t{30'000'000});
    (*s)->pruneManifestAge(30'000'000);
    (*s)->flush();
    QCOMPARE((*s)->manifestAgeHistory("ch", "v0", 0, 100'000'000).size(), size_t{3});
    QCOMPARE((*s)->manifestAgeHistory("ch", "a0", 0, 100'000'000).size(), size_t{0});
  }

  void availabilityDaysAreUpserted() {
    auto s = Store::open(path("availability.db"));
    QVERIFY(s);
    (*s)->saveAvailabilityDay({"ch", 19000, 1, 2, 3});
    (*s)->saveAvailabilityDay({"ch", 19001, 10, 0, 0});
    (*s)->saveAvailabilityDay({"ch", 19000, 100, 20, 30});  // the day's running totals replace the old ones
    (*s)->saveAvailabilityDay({"other", 19000, 5, 5, 5});
    (*s)->flush();
    const auto days = (*s)->availabilityDays("ch", 18990, 19010);
    QCOMPARE(days.size(), size_t{2});
    QCOMPARE(days[0].healthyUs, int64_t{100});
    QCOMPARE(days[0].outageUs, int64_t{30});
    QCOMPARE(days[1].day, int64_t{19001});
    QCOMPARE((*s)->availabilityDays("ch", 19001, 19001).size(), size_t{1});
  }

  void refusesANewerSchema() {
    const auto p = path("newer.db");
    { auto s = Store::open(p); }
    {
      sqlite3* db = nullptr;
      sqlite3_open(p.c_str(), &db);
      sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
      sqlite3_close(db);
    }
    auto s = Store::open(p);
    QVERIFY(!s);
    QVERIFY(s.message().find("newer") != std::string::npos);
  }

  void reportsAnUnwritablePath() {
    auto s = Store::open("/nonexistent-dir/x/vigil.db");
    QVERIFY(!s);
    QVERIFY(!s.message().empty());
  }
};

QTEST_APPLESS_MAIN(TstStore)
#include "tst_store.moc"
