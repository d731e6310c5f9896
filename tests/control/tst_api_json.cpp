// The control API's JSON: every type that crosses EngineApi survives a trip
// through text (every field set to a value unlike its default), keys are
// snake_case, absent keys keep defaults, and a wrong type is an error that
// names the key rather than an exception or a crash.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "control/api_json.h"
#include "control/config.h"

using namespace vigil;
using namespace vigil::control;
using nlohmann::json;

namespace {

// Through text, as over the wire.
template <typename T>
T trip(const T& value) {
  const std::string text = api::toJson(value).dump();
  auto back = api::fromJson<T>(json::parse(text));
  if (!back) qFatal("fromJson failed: %s", back.message().c_str());
  return std::move(*back);
}

bool snakeCase(const json& j) {
  if (j.is_array()) {
    for (const auto& item : j)
      if (!snakeCase(item)) return false;
    return true;
  }
  if (!j.is_object()) return true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    for (char ch : it.key())
      if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_'))
        return false;
    if (!snakeCase(it.value())) return false;
  }
  return true;
}

InputStatus sampleInput() {
  InputStatus in;
  in.id = "backup";
  in.type = "srt";
  in.onAir = true;
  in.fault = "frozen picture";
  in.connected = true;
  in.peer = "10.0.0.7:4000";
  in.msSinceVideo = 12;
  in.msSincePacket = 3;
  in.black = true;
  in.silent = true;
  in.frozen = true;
  in.width = 1920;
  in.height = 1080;
  in.frameRate = 29.97;
  in.hasAlignment = true;
  in.sameProgramme = true;
  in.driftMs = -4.5;
  in.videoCodec = "h264";
  in.audioCodec = "aac";
  in.bitrateKbps = 4500.5;
  in.keyframeIntervalMs = 2000;
  in.avSyncDriftMs = 1.25;
  in.continuityErrors = 7;
  in.sessions = 3;
  in.failedSessions = 1;
  in.codecChanges = 2;
  in.timestampJumps = 5;
  in.lastError = "garbage";
  in.rttMs = 31.5;
  in.packetsLost = 11;
  in.packetsRetransmitted = 13;
  in.packetsDropped = 17;
  in.receiveBufferMs = 120;
  in.receiveRateMbps = 5.5;
  return in;
}

PipelineStatus samplePipeline(int index) {
  PipelineStatus p;
  p.index = index;
  p.state = "down";
  p.preferred = index == 1;
  p.onAir = index == 1;
  p.steady = false;
  p.pid = 4242 + index;
  p.restarts = 3;
  p.lastExit = "killed by signal 9";
  p.partsReceived = 1ull << 40;
  p.partsPublished = 999;
  p.framesDropped = 4;
  p.lastSegmentRatio = 1.75;
  p.keyframeViolations = 2;
  p.renditions = {{"v0", 0}, {"v1", 2}};
  p.qualityScore = 61.5;
  return p;
}

ChannelStatus sampleChannel() {
  ChannelStatus c;
  c.id = "news1";
  c.name = "News — één";  // UTF-8 survives
  c.state = ChannelStatus::State::Failed;
  c.hlsUrl = "http://h/news1/master.m3u8";
  c.dashUrl = "http://h/news1/manifest.mpd";
  c.publishUrls = {"srt://h:9000?streamid=news1/main", "rtmp://h:1935/news1/KEY"};
  c.discontinuitySequence = 4;
  c.firstSegmentOfPeriod = 812;
  c.partsPublished = 12345;
  c.segmentsPublished = 1234;
  c.renditions = {{"v0", 900, 7, 0.35}, {"a0", 901, -1, -1}};
  c.onAir = "backup";
  c.holdOnBackup = true;
  c.inputSwitches = 9;
  c.inputs = {sampleInput()};
  c.worstManifestAgeSeconds = 2.5;
  c.openAlarms = 3;
  c.redundancy = "standard";
  c.pipelines = {samplePipeline(0), samplePipeline(1)};
  c.pipelineSwitches = 6;
  c.emergencySlateOnAir = true;
  return c;
}

}  // namespace

class TstApiJson : public QObject {
  Q_OBJECT
 private slots:
  void channelStatusSurvives() {
    const ChannelStatus c = sampleChannel();
    const json j = api::toJson(c);
    QVERIFY(snakeCase(j));
    QCOMPARE(j["state"].get<std::string>(), std::string("failed"));
    QCOMPARE(j["pipelines"][1]["parts_received"].get<uint64_t>(), 1ull << 40);
    const ChannelStatus b = trip(c);
    QCOMPARE(b.id, c.id);
    QCOMPARE(b.name, c.name);
    QVERIFY(b.state == c.state);
    QCOMPARE(b.publishUrls, c.publishUrls);
    QCOMPARE(b.firstSegmentOfPeriod, c.firstSegmentOfPeriod);
    QCOMPARE(b.renditions.size(), size_t(2));
    QCOMPARE(b.renditions[0].lastPart, 7);
    QCOMPARE(b.renditions[1].manifestAgeSeconds, -1.0);
    QCOMPARE(b.inputs.size(), size_t(1));
    QCOMPARE(b.inputs[0].driftMs, -4.5);
    QCOMPARE(b.inputs[0].receiveBufferMs, 120);
    QCOMPARE(b.inputs[0].lastError, std::string("garbage"));
    QCOMPARE(b.pipelines.size(), size_t(2));
    QCOMPARE(b.pipelines[1].pid, int64_t(4243));
    QVERIFY(!b.pipelines[1].steady);
    QCOMPARE(b.pipelines[1].partsReceived, uint64_t(1) << 40);
    QCOMPARE(b.pipelines[1].renditions.size(), size_t(2));
    QCOMPARE(b.pipelines[1].renditions[1].id, std::string("v1"));
    QCOMPARE(b.pipelines[1].renditions[1].keyframeViolations, uint64_t(2));
    QCOMPARE(b.pipelineSwitches, uint64_t(6));
    QVERIFY(b.emergencySlateOnAir && b.holdOnBackup);
    // Every field: what is written back is what was written.
    QCOMPARE(api::toJson(b), j);
  }

  void everyOtherTypeSurvives() {
    RehearsalReport r{"pipeline-kill", "pipeline 0", 1700000000123456, 212.5, 0.4, 1.9, 2, 1, 4000};
    QCOMPARE(api::toJson(trip(r)), api::toJson(r));
    QCOMPARE(trip(r).switchMs, 212.5);
    QCOMPARE(trip(r).observedMs, 4000);

    store::EventRecord e{77, 1700000000000001, "news1", "pipeline.prefer", "alice", R"({"pipeline":1})"};
    QCOMPARE(trip(e).actor, std::string("alice"));
    QCOMPARE(trip(e).detail, e.detail);
    QCOMPARE(api::toJson(trip(e)), api::toJson(e));

    monitor::Alarm a;
    a.id = 5;
    a.key = {"news1", "manifest.age", "v0"};
    a.severity = monitor::Severity::Critical;
    a.detail = "age 7.1 s";
    a.raisedUs = 10;
    a.clearedUs = 20;
    a.ackedUs = 15;
    a.ackedBy = "bob";
    const auto ab = trip(a);
    QVERIFY(ab.key == a.key);
    QVERIFY(ab.severity == monitor::Severity::Critical);
    QCOMPARE(ab.ackedBy, std::string("bob"));
    QCOMPARE(api::toJson(ab), api::toJson(a));

    monitor::AgePoint p{1700000000000000, 0.8, 1.4, 40};
    QCOMPARE(trip(p).samples, 40);
    QCOMPARE(api::toJson(trip(p)), api::toJson(p));

    monitor::AvailabilityReport av;
    av.channelId = "news1";
    av.day = "2026-11-21";
    av.today = {80000, 300, 100};
    av.month = "2026-11";
    av.thisMonth = {1'700'000, 4000, 600};
    av.achievedToday = 0.9988;
    av.achievedMonth = 0.9996;
    av.sloPercent = 99.95;
    av.monthBudget = {1296, 600, 696, 0.46};
    av.topologyAvailability = 0.99989;
    av.topology = "series(input 0.999, parallel(pipeline 0.999, pipeline 0.999), origin 0.9999)";
    const auto avb = trip(av);
    QCOMPARE(avb.thisMonth.outage, 600.0);
    QCOMPARE(avb.monthBudget.remainingSeconds, 696.0);
    QCOMPARE(avb.topology, av.topology);
    QCOMPARE(api::toJson(avb), api::toJson(av));
    QVERIFY(snakeCase(api::toJson(av)));
  }

  void specUsesTheConfigSchema() {
    ChannelSpec spec = demoChannel("sports");
    spec.redundancy.mode = "standard";
    spec.packaging.partDurationMs = 500;
    spec.packaging.partHoldBackMs = 1500;
    InputSpec in;
    in.id = "main";
    in.type = "srt";
    in.passphrase = "0123456789abc";
    spec.inputs = {in};
    const json j = api::toJson(spec);
    QCOMPARE(j, channelToJson(spec));
    const ChannelSpec b = trip(spec);
    QCOMPARE(b.id, std::string("sports"));
    QCOMPARE(b.packaging.partDurationMs, 500);
    QCOMPARE(b.inputs.size(), size_t(1));
    QCOMPARE(b.inputs[0].passphrase, in.passphrase);
    QCOMPARE(channelToJson(b), j);
    // The schema's validation applies.
    json bad = j;
    bad["packaging"]["part_ms"] = 300;  // does not divide 2000
    auto refused = api::fromJson<ChannelSpec>(bad);
    QVERIFY(!refused);
    QVERIFY2(refused.message().find("part_ms") != std::string::npos, refused.message().c_str());
  }

  void listsSurvive() {
    const std::vector<monitor::AgePoint> points{{1, 0.5, 0.6, 1}, {2, 0.7, 0.9, 3}};
    auto back = api::fromJsonList<monitor::AgePoint>(json::parse(api::toJsonList(points).dump()));
    QVERIFY(back);
    QCOMPARE(back->size(), size_t(2));
    QCOMPARE((*back)[1].maxAgeSeconds, 0.9);
    QVERIFY(!api::fromJsonList<monitor::AgePoint>(json::object()));
  }

  void absentKeysKeepDefaults() {
    auto c = api::fromJson<ChannelStatus>(json{{"id", "x"}});
    QVERIFY(c);
    QCOMPARE(c->id, std::string("x"));
    QVERIFY(c->state == ChannelStatus::State::Stopped);
    QCOMPARE(c->worstManifestAgeSeconds, -1.0);
    auto p = api::fromJson<PipelineStatus>(json{{"index", 1}, {"extra_key_from_a_newer_engine", true}});
    QVERIFY(p);
    QVERIFY(p->steady);
    QCOMPARE(p->qualityScore, 100.0);
    QVERIFY(p->renditions.empty());  // an engine from before the per-rendition counts
  }

  void wrongTypesAreErrorsNamingTheKey() {
    auto c = api::fromJson<ChannelStatus>(json{{"id", 5}});
    QVERIFY(!c);
    QVERIFY2(c.message().find("id") != std::string::npos, c.message().c_str());
    auto nested = api::fromJson<ChannelStatus>(json{{"pipelines", {{{"pid", "many"}}}}});
    QVERIFY(!nested);
    QVERIFY2(nested.message().find("pid") != std::string::npos, nested.message().c_str());
    auto perRendition =
        api::fromJson<PipelineStatus>(json{{"renditions", {{{"id", "v0"}, {"keyframe_violations", "some"}}}}});
    QVERIFY(!perRendition);
    QVERIFY2(perRendition.message().find("keyframe_violations") != std::string::npos, perRendition.message().c_str());
    auto negative = api::fromJson<PipelineStatus>(json{{"parts_published", -3}});
    QVERIFY(!negative);
    auto state = api::fromJson<ChannelStatus>(json{{"state", "exploded"}});
    QVERIFY(!state);
    QVERIFY2(state.message().find("exploded") != std::string::npos, state.message().c_str());
    auto severity = api::fromJson<monitor::Alarm>(json{{"severity", "mild"}});
    QVERIFY(!severity);
    QVERIFY(!api::fromJson<store::EventRecord>(json::array()));
    QVERIFY(!api::fromJson<ChannelStatus>(json{{"publish_urls", {1, 2}}}));
    QVERIFY(!api::fromJson<monitor::AvailabilityReport>(json{{"today", "all day"}}));
  }
};

QTEST_GUILESS_MAIN(TstApiJson)
#include "tst_api_json.moc"
