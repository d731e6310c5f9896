#include <QtTest>

#include <nlohmann/json.hpp>

#include "control/config.h"

using namespace vigil;
using namespace vigil::control;

class TstConfig : public QObject {
  Q_OBJECT
 private slots:
  void defaultsFillWhatIsAbsent() {
    auto cfg = parseConfig(R"({"channels": [{"id": "news1"}]})");
    QVERIFY2(cfg, cfg.message().c_str());
    QCOMPARE(cfg->http.listen, std::string("127.0.0.1:8080"));
    QCOMPARE(cfg->channels.size(), size_t{1});
    const auto& c = cfg->channels[0];
    QCOMPARE(c.name, std::string("news1"));
    QCOMPARE(c.packaging.segmentDurationMs, 2000);
    QCOMPARE(c.packaging.partDurationMs, 200);
    QCOMPARE(c.video.size(), demoLadder().size());
  }

  void readsEveryLevel() {
    auto cfg = parseConfig(R"({
      "data_dir": "/tmp/x", "http": {"listen": "0.0.0.0:9000", "threads": 2},
      "log": {"format": "json", "level": "debug"},
      "channels": [{"id": "sport", "name": "Sport", "source": {"width": 1280, "height": 720, "fps": 50},
                    "ladder": [{"id": "hd", "width": 1280, "height": 720, "fps": 50, "bitrate_kbps": 3000,
                                "maxrate_kbps": 3300, "preset": "veryfast", "profile": "high", "level": "4.1"},
                               {"id": "sd", "width": 640, "height": 360, "fps": 25, "bitrate_kbps": 800}],
                    "audio": {"bitrate_kbps": 96, "language": "de"},
                    "packaging": {"segment_ms": 4000, "part_ms": 400, "part_hold_back_ms": 1200,
                                  "live_window_segments": 5, "dvr_window_segments": 100}}]})");
    QVERIFY2(cfg, cfg.message().c_str());
    QCOMPARE(cfg->dataDir, std::string("/tmp/x"));
    QCOMPARE(cfg->http.threads, 2);
    QCOMPARE(cfg->log.format, std::string("json"));
    const auto& c = cfg->channels[0];
    QCOMPARE(c.video.size(), size_t{2});
    QCOMPARE(c.video[0].id, std::string("hd"));
    QCOMPARE(c.video[0].bitrateBps, int64_t{3'000'000});
    QCOMPARE(c.video[0].maxrateBps, int64_t{3'300'000});
    QCOMPARE(c.video[1].frameRateNum, 25);
    QCOMPARE(c.audio.bitrateBps, int64_t{96'000});
    QCOMPARE(c.packaging.partDurationMs, 400);
  }

  void vbvBoundsEverySegment() {
    VideoRenditionSpec r;
    r.bitrateBps = 800'000;
    // Unset: maxrate = bitrate, bufsize an eighth of a segment at maxrate.
    VideoRateControl rc = videoRateControl(r, 180'000);
    QCOMPARE(rc.maxrateBps, int64_t{800'000});
    QCOMPARE(rc.bufsizeBits, int64_t{200'000});                            // 0.25 s of a 2 s segment
    QCOMPARE(rc.segmentPeakBps, int64_t{900'000});                         // 1.125 x: maxrate * 2 s + bufsize over 2 s
    QCOMPARE(videoRateControl(r, 540'000).bufsizeBits, int64_t{600'000});  // 6 s segments: 0.75 s
    QCOMPARE(videoRateControl(r, 540'000).segmentPeakBps, int64_t{900'000});
    // Set: taken as given; a one-second buffer lets a 4 s segment reach maxrate + a quarter.
    r.maxrateBps = 3'300'000;
    r.bufsizeBits = 3'300'000;
    rc = videoRateControl(r, 360'000);
    QCOMPARE(rc.maxrateBps, int64_t{3'300'000});
    QCOMPARE(rc.bufsizeBits, int64_t{3'300'000});
    QCOMPARE(rc.segmentPeakBps, int64_t{4'125'000});
    // The product ladder leaves the buffer to the rule.
    for (const auto& v : defaultLadder(1920, 1080, 60)) {
      QCOMPARE(v.maxrateBps, v.bitrateBps);
      QCOMPARE(v.bufsizeBits, int64_t{0});
    }
  }

  void defaultLadderIsCappedAtTheSource() {
    auto cfg = parseConfig(R"({"channels": [{"id": "c", "source": {"width": 1280, "height": 720, "fps": 60},
                                             "ladder": "default"}]})");
    QVERIFY2(cfg, cfg.message().c_str());
    const auto& v = cfg->channels[0].video;
    QCOMPARE(v.size(), size_t{4});  // 720p60, 480p, 360p, 160p: no 1080p rung above a 720p source
    QCOMPARE(v[0].height, 720);
    QCOMPARE(v[0].frameRateNum, 60);
    QCOMPARE(v[1].frameRateNum, 30);
    for (const auto& r : v) QVERIFY(r.maxrateBps >= r.bitrateBps);
    QCOMPARE(defaultLadder(1920, 1080, 60).size(), size_t{5});
  }

  void errorsNameTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << "{"
                              << "not valid JSON";
    QTest::newRow("unknown top") << R"({"chanels": []})"
                                 << "chanels: unknown key";
    QTest::newRow("unknown nested") << R"({"channels": [{"id": "a", "packaging": {"segmnt_ms": 1}}]})"
                                    << "channels[0].packaging.segmnt_ms: unknown key";
    QTest::newRow("range") << R"({"channels": [{"id": "a", "packaging": {"part_ms": 50}}]})"
                           << "channels[0].packaging.part_ms: must be between 100 and 1000";
    QTest::newRow("type") << R"({"channels": [{"id": "a", "source": {"fps": "30"}}]})"
                          << "channels[0].source.fps: expected an integer";
    QTest::newRow("bad id") << R"({"channels": [{"id": "../etc"}]})"
                            << "channels[0].id: invalid value";
    QTest::newRow("missing id") << R"({"channels": [{"name": "x"}]})"
                                << "channels[0].id: required";
    QTest::newRow("dup id") << R"({"channels": [{"id": "a"}, {"id": "a"}]})"
                            << "channels[1].id: 'a' is used twice";
    QTest::newRow("part divides") << R"({"channels": [{"id": "a", "packaging": {"part_ms": 300}}]})"
                                  << "must divide packaging.segment_ms";
    QTest::newRow("hold back") << R"({"channels": [{"id": "a", "packaging": {"part_hold_back_ms": 400}}]})"
                               << "at least 3 parts";
    QTest::newRow("upscale")
        << R"({"channels": [{"id": "a", "ladder": [{"width": 1920, "height": 1080, "bitrate_kbps": 5000}]}]})"
        << "larger than the source";
    QTest::newRow("fps divides")
        << R"({"channels": [{"id": "a", "ladder": [{"width": 320, "height": 180, "fps": 20, "bitrate_kbps": 300}]}]})"
        << "fps must divide the source's 30";
    QTest::newRow("preset") << R"({"channels": [{"id": "a", "ladder": [{"preset": "placebo"}]}]})"
                            << "channels[0].ladder[0].preset: must be one of";
    QTest::newRow("listen") << R"({"http": {"listen": "localhost"}})"
                            << "http.listen: expected ADDR:PORT";
    QTest::newRow("port") << R"({"http": {"listen": "127.0.0.1:99999"}})"
                          << "invalid port";
    QTest::newRow("dup rendition")
        << R"({"channels": [{"id": "a", "ladder": [{"id": "a0", "width": 320, "height": 180, "bitrate_kbps": 300}]}]})"
        << "id is used twice";
  }
  void errorsNameTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    auto cfg = parseConfig(json.toStdString());
    QVERIFY(!cfg);
    QVERIFY2(cfg.message().find(expected.toStdString()) != std::string::npos, cfg.message().c_str());
  }

  void readsAnSrtInput() {
    auto cfg = parseConfig(R"({"srt": {"listen": "0.0.0.0:9000"},
      "channels": [{"id": "news1", "inputs": [{"id": "primary", "passphrase": "0123456789abc", "pbkeylen": 32,
                                                "latency_ms": 300, "allow": ["203.0.113.0/24", "2001:db8::/32"]}]}]})");
    QVERIFY2(cfg, cfg.message().c_str());
    QCOMPARE(cfg->srt.listen, std::string("0.0.0.0:9000"));
    const auto& in = cfg->channels[0].inputs.at(0);
    QCOMPARE(in.type, std::string("srt"));
    QCOMPARE(in.pbkeylen, 32);
    QCOMPARE(in.latencyMs, 300);
    QCOMPARE(in.allowCidrs.size(), size_t{2});
    auto back = parseChannel(channelToJson(cfg->channels[0]), "c");
    QVERIFY2(back, back.message().c_str());
    QCOMPARE(back->inputs.at(0).allowCidrs, in.allowCidrs);
  }

  void inputErrorsNameTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("same input id") << R"({"channels": [{"id": "a", "inputs": [{"id": "p"}, {"id": "p"}]}]})"
                                   << "input id 'p' is used twice";
    QTest::newRow("failover key") << R"({"channels": [{"id": "a", "failover": {"loss_ms": 50}}]})"
                                  << "channels[0].failover.loss_ms";
    QTest::newRow("short passphrase") << R"({"channels": [{"id": "a", "inputs": [{"passphrase": "short"}]}]})"
                                      << "passphrase must be 10 to 79 characters";
    QTest::newRow("key length") << R"({"channels": [{"id": "a", "inputs": [{"pbkeylen": 20}]}]})"
                                << "pbkeylen must be 16, 24 or 32";
    QTest::newRow("cidr") << R"({"channels": [{"id": "a", "inputs": [{"allow": ["10.0.0.0/33"]}]}]})"
                          << "channels[0].inputs[0].allow: invalid entry";
    QTest::newRow("type") << R"({"channels": [{"id": "a", "inputs": [{"type": "rtsp"}]}]})"
                          << "channels[0].inputs[0].type: must be one of";
    QTest::newRow("srt listen") << R"({"srt": {"listen": "nowhere"}})"
                                << "srt.listen: expected ADDR:PORT";
  }
  void inputErrorsNameTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    auto cfg = parseConfig(json.toStdString());
    QVERIFY(!cfg);
    QVERIFY2(cfg.message().find(expected.toStdString()) != std::string::npos, cfg.message().c_str());
  }

  void channelRoundTripsThroughJson() {
    ChannelSpec c = demoChannel("rt");
    c.packaging.partDurationMs = 400;
    c.packaging.partHoldBackMs = 1200;
    auto back = parseChannel(channelToJson(c), "c");
    QVERIFY2(back, back.message().c_str());
    QCOMPARE(channelToJson(*back).dump(), channelToJson(c).dump());
  }

  void readsAlarmsAndMonitor() {
    auto cfg = parseConfig(R"({
      "monitor": {"sample_ms": 100, "history_days": 30, "disk_min_free_mb": 2048, "slo_percent": 99.999,
                  "availability": {"input": 0.995, "origin": 0.99995}},
      "channels": [{"id": "a", "alarms": {"manifest_age_warning_ms": 1500, "manifest_age_critical_ms": 4000,
                                          "clear_after_ms": 500, "bad_feed_clear_ms": 10000}},
                   {"id": "b"}]})");
    QVERIFY2(cfg, cfg.message().c_str());
    QCOMPARE(cfg->monitor.sampleMs, 100);
    QCOMPARE(cfg->monitor.historyDays, 30);
    QCOMPARE(cfg->monitor.diskMinFreeMb, 2048);
    QCOMPARE(cfg->monitor.diskMinFreePercent, 5);  // default kept
    QCOMPARE(cfg->monitor.sloPercent, 99.999);
    QCOMPARE(cfg->monitor.components.input, 0.995);
    QCOMPARE(cfg->monitor.components.pipeline, 0.999);
    QCOMPARE(cfg->monitor.components.origin, 0.99995);
    const auto& a = cfg->channels[0].alarms;
    QCOMPARE(a.manifestAgeWarningMs, 1500);
    QCOMPARE(a.manifestAgeCriticalMs, 4000);
    QCOMPARE(a.clearAfterMs, 500);
    QCOMPARE(a.badFeedClearMs, 10000);
    QCOMPARE(cfg->channels[1].alarms.manifestAgeWarningMs, 0);  // automatic
    auto back = parseChannel(channelToJson(cfg->channels[0]), "c");
    QVERIFY(back);
    QCOMPARE(back->alarms.manifestAgeCriticalMs, 4000);
  }

  void alarmAndMonitorErrorsNameTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("critical below warning")
        << R"({"channels": [{"id": "a", "alarms": {"manifest_age_warning_ms": 5000, "manifest_age_critical_ms": 4000}}]})"
        << "alarms.manifest_age_critical_ms (4000) must be above the warning (5000)";
    QTest::newRow("warning above the automatic critical")
        << R"({"channels": [{"id": "a", "alarms": {"manifest_age_warning_ms": 8000}}]})"
        << "alarms.manifest_age_critical_ms (6000) must be above the warning (8000)";
    QTest::newRow("alarm key") << R"({"channels": [{"id": "a", "alarms": {"warn_ms": 1}}]})"
                               << "channels[0].alarms.warn_ms: unknown key";
    QTest::newRow("sample range") << R"({"monitor": {"sample_ms": 10}})"
                                  << "monitor.sample_ms: must be between 50 and 5000";
    QTest::newRow("availability range") << R"({"monitor": {"availability": {"pipeline": 1.5}}})"
                                        << "monitor.availability.pipeline: must be between 0.5 and 1.0";
    QTest::newRow("slo type") << R"({"monitor": {"slo_percent": "high"}})"
                              << "monitor.slo_percent: expected a number";
  }
  void alarmAndMonitorErrorsNameTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    auto cfg = parseConfig(json.toStdString());
    QVERIFY(!cfg);
    QVERIFY2(cfg.message().find(expected.toStdString()) != std::string::npos, cfg.message().c_str());
  }

  void describeListsKeysWithRanges() {
    auto d = describeConfig();
    bool found = false;
    for (const auto& f : d["channels[].packaging"])
      if (f["key"] == "part_ms") {
        found = true;
        QCOMPARE(f["range"][0].get<int>(), 100);
        QCOMPARE(f["default"].get<int>(), 200);
        QVERIFY(!f["help"].get<std::string>().empty());
      }
    QVERIFY(found);
    found = false;
    for (const auto& f : d["monitor.availability"])
      if (f["key"] == "origin") {
        found = true;
        QCOMPARE(f["type"].get<std::string>(), std::string("number"));
        QCOMPARE(f["range"][0].get<double>(), 0.5);
        QCOMPARE(f["default"].get<double>(), 0.9999);
      }
    QVERIFY(found);
    QVERIFY(d.contains("channels[].alarms"));
    // The console's editor takes every channel section's ranges from here.
    QVERIFY(d.contains("channels[].failover"));
    QVERIFY(d.contains("channels[].redundancy"));
  }
};

QTEST_APPLESS_MAIN(TstConfig)
#include "tst_config.moc"
