// The alarm rules fed with samples on a synthetic clock: thresholds and their
// scaling, hysteresis, a rendition stale on its own, input loss by what is on
// air, bad feeds, the disk; and reconcile() against a real AlarmBook.
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include "monitor/alarm_rules.h"
#include "store/store.h"

using namespace vigil;
using namespace vigil::monitor;

namespace {
constexpr int64_t kS = 1'000'000;
constexpr int64_t kT0 = 1714564800LL * kS;

ChannelSample channel(const std::vector<std::pair<std::string, double>>& agesSeconds) {
  ChannelSample c;
  c.channelId = "news1";
  for (const auto& [id, s] : agesSeconds) c.renditions.push_back({id, static_cast<int64_t>(s * 1e6)});
  return c;
}

std::optional<DesiredAlarm> find(const std::vector<DesiredAlarm>& v, const std::string& kind,
                                 const std::string& subject) {
  for (const auto& d : v)
    if (d.key.kind == kind && d.key.subject == subject) return d;
  return std::nullopt;
}
}  // namespace

class TstAlarmRules : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void thresholds() {
    PackagingSpec ll;  // 2 s segments of 200 ms parts
    auto t = ageThresholds(ll, {});
    QCOMPARE(t.warningUs, 3 * kS);
    QCOMPARE(t.criticalUs, 6 * kS);
    QCOMPARE(t.clearAfterUs, 2 * kS);
    PackagingSpec classic;
    classic.segmentDurationMs = 6000;
    classic.partDurationMs = 6000;  // classic HLS only: scaled by 6 s / 2 s
    t = ageThresholds(classic, {});
    QCOMPARE(t.warningUs, 9 * kS);
    QCOMPARE(t.criticalUs, 18 * kS);
    classic.segmentDurationMs = classic.partDurationMs = 1000;
    QCOMPARE(ageThresholds(classic, {}).warningUs, 1'500'000);
    AlarmSpec custom;
    custom.manifestAgeWarningMs = 1500;
    custom.manifestAgeCriticalMs = 4000;
    custom.clearAfterMs = 500;
    t = ageThresholds(ll, custom);
    QCOMPARE(t.warningUs, 1'500'000);
    QCOMPARE(t.criticalUs, 4 * kS);
    QCOMPARE(t.clearAfterUs, 500'000);
    QCOMPARE(classify(2'999'999, ageThresholds(ll, {})), OutputState::Healthy);
    QCOMPARE(classify(3 * kS, ageThresholds(ll, {})), OutputState::Degraded);
    QCOMPARE(classify(6 * kS, ageThresholds(ll, {})), OutputState::Outage);
  }

  // A stalled channel: warning at 3 s, critical at 6 s, both for the channel
  // (every rendition is stale); once fresh again, cleared only after 2 s.
  void stalledChannelWithHysteresis() {
    AlarmRules rules;
    const int64_t stall = kT0;
    std::vector<std::pair<int64_t, std::optional<Severity>>> seen;
    for (int64_t t = stall; t <= stall + 7 * kS; t += 250'000) {
      const double age = static_cast<double>(t - stall) / 1e6 + 0.2;
      const auto out = rules.evaluate(t, {channel({{"v0", age}, {"a0", age - 0.1}})}, {});
      QVERIFY2(!find(out, "manifest.age", "v0") && !find(out, "manifest.age", "a0"), "no per-rendition alarm");
      const auto ch = find(out, "manifest.age", "");
      seen.emplace_back(t, ch ? std::optional(ch->severity) : std::nullopt);
    }
    auto firstAt = [&](Severity s) {
      for (const auto& [t, sev] : seen)
        if (sev == s) return t;
      return int64_t{-1};
    };
    // The freshest rendition (a0, age - 0.1) decides: 3.0 s at stall + 2.9 s.
    QCOMPARE(firstAt(Severity::Warning), stall + 3 * kS);
    QCOMPARE(firstAt(Severity::Critical), stall + 6 * kS);

    // Fresh again at t0: still critical for 2 s, then nothing.
    const int64_t t0 = stall + 8 * kS;
    for (int64_t t = t0; t < t0 + 2 * kS; t += 250'000) {
      const auto out = rules.evaluate(t, {channel({{"v0", 0.3}, {"a0", 0.3}})}, {});
      QVERIFY(find(out, "manifest.age", ""));
      QCOMPARE(find(out, "manifest.age", "")->severity, Severity::Critical);
    }
    QVERIFY(!find(rules.evaluate(t0 + 2 * kS, {channel({{"v0", 0.3}, {"a0", 0.3}})}, {}), "manifest.age", ""));
  }

  // One rendition stale, the others fresh: its own alarm, after a second.
  void oneStaleRendition() {
    AlarmRules rules;
    auto sample = [](double v1Age) { return channel({{"v0", 0.3}, {"v1", v1Age}, {"a0", 0.3}}); };
    QVERIFY(rules.evaluate(kT0, {sample(3.5)}, {}).empty());
    QVERIFY(rules.evaluate(kT0 + 500'000, {sample(4.0)}, {}).empty());
    const auto out = rules.evaluate(kT0 + kS, {sample(4.5)}, {});
    QCOMPARE(out.size(), size_t{1});
    QCOMPARE(out[0].key.subject, std::string("v1"));
    QCOMPARE(out[0].severity, Severity::Warning);
    QCOMPARE(find(rules.evaluate(kT0 + 3 * kS, {sample(6.5)}, {}), "manifest.age", "v1")->severity, Severity::Critical);
  }

  void notRunningChannel() {
    AlarmRules rules;
    ChannelSample c = channel({{"v0", 1.0}});
    c.running = false;
    QVERIFY(rules.evaluate(kT0, {c}, {}).empty());  // its age decides, as for a stall
    c.renditions[0].ageUs = 3'100'000;
    const auto out = rules.evaluate(kT0 + 2 * kS, {c}, {});
    QCOMPARE(out.size(), size_t{1});
    QVERIFY2(out[0].detail.find("not running") != std::string::npos, out[0].detail.c_str());
  }

  void inputLossBySlateOrBackup() {
    AlarmRules rules;
    ChannelSample c = channel({{"v0", 0.3}});
    c.onAir = "backup";
    c.inputs = {{"primary", "loss of signal", false, 0, 0, 0}, {"backup", "fit", true, 0, 0, 0}};
    auto out = rules.evaluate(kT0, {c}, {});
    QCOMPARE(out.size(), size_t{1});
    QCOMPARE(out[0].key.kind, std::string("input.loss"));
    QCOMPARE(out[0].key.subject, std::string("primary"));
    QCOMPARE(out[0].severity, Severity::Warning);
    c.onAir = "slate";
    c.inputs[1].fault = "black";
    c.inputs[1].onAir = false;
    out = rules.evaluate(kT0 + 250'000, {c}, {});
    QCOMPARE(out.size(), size_t{2});
    for (const auto& d : out) QCOMPARE(d.severity, Severity::Critical);
    c.onAir = "primary";
    c.inputs[0].fault = "fit";
    c.inputs[1].fault = "fit";
    QVERIFY(rules.evaluate(kT0 + 500'000, {c}, {}).empty());
  }

  void badFeedClearsAfterThirtyQuietSeconds() {
    AlarmRules rules;
    ChannelSample c = channel({{"v0", 0.3}});
    c.onAir = "primary";
    c.inputs = {{"primary", "fit", true, 2, 0, 1}};  // history before the monitor looked
    QVERIFY(rules.evaluate(kT0, {c}, {}).empty());
    c.inputs[0].failedSessions = 3;
    auto out = rules.evaluate(kT0 + kS, {c}, {});
    QCOMPARE(out.size(), size_t{1});
    QCOMPARE(out[0].key.kind, std::string("input.bad-feed"));
    QVERIFY2(out[0].detail.find("failed sessions 3 (+1)") != std::string::npos, out[0].detail.c_str());
    c.inputs[0].fault = "undecodable";  // unfit for a while: the quiet time starts after
    QVERIFY(find(rules.evaluate(kT0 + 10 * kS, {c}, {}), "input.bad-feed", "primary"));
    c.inputs[0].fault = "fit";
    c.inputs[0].codecChanges = 1;  // grows again at 12 s
    QVERIFY(find(rules.evaluate(kT0 + 12 * kS, {c}, {}), "input.bad-feed", "primary"));
    QVERIFY(find(rules.evaluate(kT0 + 41 * kS, {c}, {}), "input.bad-feed", "primary"));
    QVERIFY(!find(rules.evaluate(kT0 + 42 * kS, {c}, {}), "input.bad-feed", "primary"));
    // A restarted input (counters back to zero) is a new baseline, not news.
    c.inputs[0] = {"primary", "fit", true, 0, 0, 0};
    QVERIFY(rules.evaluate(kT0 + 43 * kS, {c}, {}).empty());
  }

  void disk() {
    AlarmRules rules(DiskRule{1LL << 30, 5, 60 * kS});
    DiskSample d{true, 2LL << 30, 100LL << 30, 0};  // 2 GiB of 100: 2 %
    auto out = rules.evaluate(kT0, {}, d);
    QCOMPARE(out.size(), size_t{1});
    QVERIFY(out[0].key == (AlarmKey{"", "disk", "space"}));
    QCOMPARE(out[0].severity, Severity::Warning);
    d.freeBytes = 10LL << 30;  // 10 %
    QVERIFY(rules.evaluate(kT0, {}, d).empty());
    d.totalBytes = 12LL << 30;
    d.freeBytes = 900LL << 20;  // 7.3 %, but under 1 GiB
    QCOMPARE(rules.evaluate(kT0, {}, d).size(), size_t{1});
    d = {true, 10LL << 30, 100LL << 30, 3};  // store writes failed
    out = rules.evaluate(kT0 + kS, {}, d);
    QCOMPARE(out.size(), size_t{1});
    QCOMPARE(out[0].key.subject, std::string("store"));
    QCOMPARE(out[0].severity, Severity::Critical);
    QVERIFY(rules.evaluate(kT0 + 60 * kS, {}, d).size() == 1);
    QVERIFY(rules.evaluate(kT0 + 61 * kS, {}, d).empty());
  }

  // reconcile() raises what is desired, clears the rules' own kinds that are
  // not, and leaves other kinds (raised elsewhere) alone.
  void reconcileWithTheBook() {
    auto s = store::Store::open((dir_.path() + "/reconcile.db").toStdString());
    QVERIFY(s);
    AlarmBook book(**s);
    QVERIFY(book.raise({"news1", "operator.note", "1"}, Severity::Critical, "raised elsewhere"));
    QVERIFY(book.raise({"gone", "manifest.age", ""}, Severity::Warning, "left from a previous run"));
    const std::vector<DesiredAlarm> desired = {
        {{"news1", "input.loss", "primary"}, Severity::Warning, "loss"},
        {{"news1", "manifest.age", ""}, Severity::Critical, "stale"},
    };
    QVERIFY(reconcile(book, desired));
    QVERIFY(book.find({"news1", "input.loss", "primary"}));
    QVERIFY(book.find({"news1", "operator.note", "1"}));
    QVERIFY(!book.find({"gone", "manifest.age", ""}));
    QCOMPARE(book.open().size(), size_t{3});
    QVERIFY(reconcile(book, {}));
    QCOMPARE(book.open().size(), size_t{1});
    QCOMPARE(book.open()[0].key.kind, std::string("operator.note"));
  }
};

QTEST_APPLESS_MAIN(TstAlarmRules)
#include "tst_alarm_rules.moc"
