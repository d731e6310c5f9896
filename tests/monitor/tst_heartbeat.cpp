// The manifest-age time series (full rate in memory, 10 s buckets in SQLite,
// one query choosing between them) and the Monitor's round over a probe that
// serves hand-made playlists, on a synthetic clock.
#include <QTemporaryDir>
#include <QtTest>

#include <fmt/format.h>

#include "monitor/monitor.h"
#include "store/store.h"

using namespace vigil;
using namespace vigil::monitor;

namespace {
constexpr int64_t kS = 1'000'000;
constexpr int64_t kT0 = 1714564800LL * kS;  // 2024-05-01T12:00:00Z, a multiple of 10 s

// A one-segment LL-HLS playlist whose newest media ends at endUtcUs (a whole second).
Bytes playlistEndingAt(int64_t endUtcUs) {
  const int64_t pdtS = endUtcUs / kS - 1;
  const int64_t day = pdtS % 86400;
  return makeBytes(
      fmt::format("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T{:02}:{:02}:{:02}.000Z\n"
                  "#EXT-X-PART:DURATION=0.500,URI=\"a\"\n#EXT-X-PART:DURATION=0.500,URI=\"b\"\n",
                  day / 3600, day / 60 % 60, day % 60));
}

ChannelSpec spec(const std::string& id) {
  ChannelSpec c;
  c.id = id;
  VideoRenditionSpec v;
  v.id = "v0";
  v.width = 320;
  v.height = 180;
  c.video = {v};
  return c;
}
}  // namespace

class TstHeartbeat : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void seriesChoosesItsResolution() {
    auto s = store::Store::open((dir_.path() + "/series.db").toStdString());
    QVERIFY(s);
    Heartbeat hb(s->get());
    // 15 minutes at 4 Hz; the age is the second within the minute (0..59 s).
    for (int64_t t = kT0; t < kT0 + 900 * kS; t += 250'000) hb.record("ch", "v0", t, (t - kT0) % (60 * kS), 0);
    const int64_t end = kT0 + 900 * kS;
    (*s)->flush();

    // The last 5 minutes lie in the 10-minute memory window: every sample.
    const auto recent = hb.series("ch", "v0", end - 300 * kS, end);
    QCOMPARE(recent.size(), size_t{1200});
    QCOMPARE(recent.front().utcUs, end - 300 * kS);
    QCOMPARE(recent.front().samples, 1);
    QVERIFY(recent[1].utcUs - recent[0].utcUs == 250'000);

    // All 15 minutes: 10 s buckets, the first 5 minutes from SQLite.
    const auto all = hb.series("ch", "v0", kT0, end);
    QCOMPARE(all.size(), size_t{90});
    for (size_t i = 0; i < all.size(); ++i) {
      QCOMPARE(all[i].utcUs, kT0 + static_cast<int64_t>(i) * 10 * kS);
      const double firstAge = static_cast<double>(i % 6) * 10;  // the bucket starts at this age
      QVERIFY2(all[i].samples == 40, qPrintable(QString::number(all[i].samples)));
      QCOMPARE(all[i].maxAgeSeconds, firstAge + 9.75);
      QVERIFY(std::fabs(all[i].ageSeconds - (firstAge + 4.875)) < 1e-6);
    }
    QCOMPARE((*s)->manifestAgeHistory("ch", "v0", kT0, end).size(), size_t{89});  // the last bucket is still open
    QCOMPARE(*hb.maxAgeSeconds("ch", "v0", 10 * kS, end - 250'000), 59.75);
    QVERIFY(!hb.maxAgeSeconds("ch", "v1", 10 * kS, end));
    QVERIFY(hb.series("ch", "v0", end, end).empty());
    hb.flush();
    (*s)->flush();
    QCOMPARE((*s)->manifestAgeHistory("ch", "v0", kT0, end).size(), size_t{90});
    hb.prune(kT0 + 7 * 86400 * kS + 300 * kS);  // a week later: the first 5 minutes go
    (*s)->flush();
    QCOMPARE((*s)->manifestAgeHistory("ch", "v0", kT0, end).size(), size_t{60});
  }

  // An engine up for a minute, asked for the last 5: every sample it has
  // (a chart of the short range draws them), after the buckets a previous
  // run left in SQLite, without counting the current run twice.
  void aYoungSeriesIsFullRateAfterAPreviousRun() {
    auto s = store::Store::open((dir_.path() + "/young.db").toStdString());
    QVERIFY(s);
    {
      Heartbeat before(s->get());  // two minutes, then the engine stops
      for (int64_t t = kT0; t < kT0 + 120 * kS; t += 250'000) before.record("ch", "v0", t, 500'000, 0);
      before.flush();
    }
    Heartbeat hb(s->get());  // back a minute later, for a minute (its closed buckets reach SQLite too)
    const int64_t start = kT0 + 180 * kS, end = kT0 + 240 * kS;
    for (int64_t t = start; t < end; t += 250'000) hb.record("ch", "v0", t, 1'000'000, 0);
    (*s)->flush();

    const auto recent = hb.series("ch", "v0", end - 300 * kS, end);
    QCOMPARE(recent.size(), size_t{12 + 240});
    for (size_t i = 0; i < 12; ++i) {
      QCOMPARE(recent[i].utcUs, kT0 + static_cast<int64_t>(i) * 10 * kS);
      QCOMPARE(recent[i].samples, 40);
      QCOMPARE(recent[i].ageSeconds, 0.5);
    }
    QCOMPARE(recent[12].utcUs, start);
    QCOMPARE(recent[12].samples, 1);
    QCOMPARE(recent.back().utcUs, end - 250'000);
    QCOMPARE(recent.back().ageSeconds, 1.0);
    // Asked from inside the ring: its samples only.
    QCOMPARE(hb.series("ch", "v0", start + 30 * kS, end).size(), size_t{120});
  }

  // An engine up for three seconds, inside its first bucket (still open, so
  // not in SQLite yet), asked for the last hour: that bucket, from memory.
  void aFirstOpenBucketIsAnswered() {
    auto s = store::Store::open((dir_.path() + "/first.db").toStdString());
    QVERIFY(s);
    Heartbeat hb(s->get());
    const int64_t start = kT0 + 4 * kS;
    for (int64_t t = start; t < start + 3 * kS; t += 250'000) hb.record("ch", "v0", t, 750'000, 0);
    (*s)->flush();
    const auto hour = hb.series("ch", "v0", start + 3 * kS - 3600 * kS, start + 3 * kS);
    QCOMPARE(hour.size(), size_t{1});
    QCOMPARE(hour[0].utcUs, kT0);
    QCOMPARE(hour[0].samples, 12);
    QCOMPARE(hour[0].maxAgeSeconds, 0.75);
    // Once it has closed, SQLite answers for it and memory does not count it again.
    for (int64_t t = start + 3 * kS; t < kT0 + 15 * kS; t += 250'000) hb.record("ch", "v0", t, 750'000, 0);
    (*s)->flush();
    const auto later = hb.series("ch", "v0", kT0 + 15 * kS - 3600 * kS, kT0 + 15 * kS);
    QCOMPARE(later.size(), size_t{2});
    QCOMPARE(later[0].utcUs, kT0);
    QCOMPARE(later[0].samples, 24);  // 4 s to 10 s at 4 Hz
    QCOMPARE(later[1].utcUs, kT0 + 10 * kS);
    QCOMPARE(later[1].samples, 20);
  }

  // A round of the Monitor: ages measured on the playlists the probe serves,
  // alarms raised and cleared through the book, availability accounted, the
  // metrics rendered.
  void monitorRounds() {
    auto s = store::Store::open((dir_.path() + "/monitor.db").toStdString());
    QVERIFY(s);
    Monitor m(**s, dir_.path().toStdString(), MonitorSpec{});
    m.declareChannel(spec("live"));
    m.declareChannel(spec("down"));  // declared, never running
    int64_t edge = kT0;
    m.setProbe([&] {
      ChannelProbe p;
      p.channelId = "live";
      p.playlists = {{"v0", playlistEndingAt(edge)}, {"a0", playlistEndingAt(edge)}};
      return std::vector<ChannelProbe>{p};
    });
    // The live channel stalls at kT0; sample 4 times a second.
    for (int64_t t = kT0 - 2 * kS; t <= kT0 + 6 * kS; t += 250'000) {
      if (t <= kT0) edge = t - (t % kS);  // a fresh second until the stall
      m.sampleOnce(t);
    }
    const auto series = m.heartbeat().series("live", "v0", kT0 - 2 * kS, kT0 + 7 * kS);
    QCOMPARE(series.size(), size_t{33});
    QCOMPARE(series.back().ageSeconds, 6.0);
    QCOMPARE(series.front().ageSeconds, 0.0);
    auto alarm = m.alarms().find({"live", "manifest.age", ""});
    QVERIFY(alarm);
    QCOMPARE(alarm->severity, Severity::Critical);
    const auto raises = (*s)->events("live", 10);
    QCOMPARE(raises.size(), size_t{2});  // raised as a warning, escalated once

    QCOMPARE(m.worstManifestAgeSeconds("live", kT0 + 6 * kS), 6.0);
    const auto report = m.availability("live", kT0 + 6 * kS);
    QVERIFY(report);
    QCOMPARE(report->day, std::string("2024-05-01"));
    // Each interval takes the state of the sample that ends it: healthy up to
    // kT0 + 2.75 s, degraded from kT0 + 3 s (age 3 s) to kT0 + 5.75 s, outage at kT0 + 6 s.
    QVERIFY(std::fabs(report->today.healthy - 4.75) < 1e-6);
    QVERIFY(std::fabs(report->today.degraded - 3.0) < 1e-6);
    QVERIFY(std::fabs(report->today.outage - 0.25) < 1e-6);
    QVERIFY(report->monthBudget.allowedSeconds > 267.8 &&
            report->monthBudget.allowedSeconds < 267.9);  // 99.99 % of May
    QVERIFY(std::fabs(report->monthBudget.remainingSeconds - (report->monthBudget.allowedSeconds - 0.25)) < 1e-6);
    // Declared and not running: all outage, whatever its age.
    QVERIFY(std::fabs(m.availability("down", kT0 + 6 * kS)->today.outage - 8.0) < 1e-6);
    QVERIFY(!m.availability("nope", kT0));

    const std::string metrics = m.metrics(kT0 + 6 * kS);
    QVERIFY2(
        metrics.find("vigil_manifest_age_max_seconds{channel=\"live\",rendition=\"v0\"} 6.000") != std::string::npos,
        metrics.c_str());
    QVERIFY(metrics.find("vigil_alarms_open{channel=\"live\",severity=\"critical\"} 1") != std::string::npos);
    QVERIFY(metrics.find("vigil_availability_day_seconds{channel=\"live\",state=\"degraded\"} 3.000") !=
            std::string::npos);
    QVERIFY(metrics.find("vigil_monitor_samples_total 33") != std::string::npos);

    // Fresh again: cleared after the hysteresis.
    for (int64_t t = kT0 + 6 * kS + 250'000; t <= kT0 + 9 * kS; t += 250'000) {
      edge = t - (t % kS);
      m.sampleOnce(t);
    }
    QVERIFY(!m.alarms().find({"live", "manifest.age", ""}));
  }
};

QTEST_APPLESS_MAIN(TstHeartbeat)
#include "tst_heartbeat.moc"
