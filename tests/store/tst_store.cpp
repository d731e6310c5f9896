#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

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
    QCOMPARE((*s)->schemaVersion(), 1);
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
