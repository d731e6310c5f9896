// The pipelines panel over a real embedded engine running a standard channel
// (two pipeline workers): both pipelines listed, one on air, the keyframe
// matrix green; an operator's restart shows in the restarts column. The red
// path needs a pipeline that breaks contract 2, which real workers do not:
// there the engine's status is passed through a facade that adds violations
// to pipeline 1's v0, as a broken encoder would make the selector count them.
#include <QTableWidget>
#include <QtTest>

#include <atomic>

#include "health/pipelines_panel.h"
#include "health_test_support.h"
#include "tally.h"

using namespace vigil;
using ui::PipelinesPanel;

namespace {

// The real engine, with pipeline 1's v0 violations raised to violations().
class ViolatingEngine final : public control::EngineApi {
 public:
  explicit ViolatingEngine(std::shared_ptr<control::EngineApi> real) : real_(std::move(real)) {}
  std::atomic<uint64_t> violations{0};

  std::vector<control::ChannelStatus> channels() const override {
    auto out = real_->channels();
    for (auto& c : out) inject(c);
    return out;
  }
  std::optional<control::ChannelStatus> channel(const std::string& id) const override {
    auto c = real_->channel(id);
    if (c) inject(*c);
    return c;
  }
  std::vector<ChannelSpec> channelSpecs() const override { return real_->channelSpecs(); }
  Status addChannel(const ChannelSpec& s, const std::string& a) override { return real_->addChannel(s, a); }
  Status startChannel(const std::string& id, const std::string& a) override { return real_->startChannel(id, a); }
  Status stopChannel(const std::string& id, const std::string& a) override { return real_->stopChannel(id, a); }
  Status selectInput(const std::string& c, const std::string& i, bool f, const std::string& a) override {
    return real_->selectInput(c, i, f, a);
  }
  Status holdOnBackup(const std::string& c, bool h, const std::string& a) override {
    return real_->holdOnBackup(c, h, a);
  }
  Status preferPipeline(const std::string& c, int p, const std::string& a) override {
    return real_->preferPipeline(c, p, a);
  }
  Status restartPipeline(const std::string& c, int p, const std::string& a) override {
    return real_->restartPipeline(c, p, a);
  }
  Result<control::RehearsalReport> rehearse(const std::string& c, const std::string& k, int ms,
                                            const std::string& a) override {
    return real_->rehearse(c, k, ms, a);
  }
  Status regionFailover(const std::string& c, const std::string& a) override { return real_->regionFailover(c, a); }
  std::vector<store::EventRecord> events(const std::string& c, int limit) const override {
    return real_->events(c, limit);
  }
  std::vector<monitor::Alarm> alarms(const std::string& c, bool open, int limit) const override {
    return real_->alarms(c, open, limit);
  }
  Status acknowledgeAlarm(int64_t id, const std::string& op) override { return real_->acknowledgeAlarm(id, op); }
  std::vector<monitor::AgePoint> manifestAgeSeries(const std::string& c, const std::string& r, int64_t from,
                                                   int64_t to) const override {
    return real_->manifestAgeSeries(c, r, from, to);
  }
  Result<monitor::AvailabilityReport> availability(const std::string& c) const override {
    return real_->availability(c);
  }
  std::string publicBaseUrl() const override { return real_->publicBaseUrl(); }

 private:
  void inject(control::ChannelStatus& c) const {
    const uint64_t n = violations.load();
    if (n == 0 || c.pipelines.size() < 2) return;
    auto& p = c.pipelines[1];
    p.keyframeViolations += n;
    for (auto& r : p.renditions)
      if (r.id == "v0") r.keyframeViolations += n;
  }
  std::shared_ptr<control::EngineApi> real_;
};

bool bothUp(const control::ChannelStatus* c) {
  return c && c->pipelines.size() == 2 && c->pipelines[0].state == "up" && c->pipelines[1].state == "up" &&
         ui::activePipeline(*c) >= 0;
}

}  // namespace

class TstPipelinesPanel : public QObject {
  Q_OBJECT
 private slots:
  void showsBothPipelinesAndTheKeyframeMatrix() {
    test::EmbeddedConsole console;
    QVERIFY(console.start({test::tinyChannel("pp1")}, false, "dave"));
    // A second client over the same engine, through the violating facade.
    auto violating = std::make_shared<ViolatingEngine>(console.engine);
    ui::EngineClient faulty(violating, "faulty");
    faulty.start(200);

    PipelinesPanel panel(console.client.get());
    PipelinesPanel faultyPanel(&faulty);
    panel.setChannel("pp1");
    faultyPanel.setChannel("pp1");
    panel.show();

    QVERIFY(test::waitFor([&] { return bothUp(console.client->channel("pp1")); }, 15000));
    QVERIFY(test::waitFor([&] { return panel.onAirRow() >= 0; }, 2000));
    QCOMPARE(panel.pipelineCount(), 2);
    for (int row = 0; row < 2; ++row) {
      QCOMPARE(panel.cellText(row, PipelinesPanel::Pipeline), QString::number(row));
      QCOMPARE(panel.cellText(row, PipelinesPanel::State), QString("up"));
      QCOMPARE(panel.cellText(row, PipelinesPanel::Violations), QString("0"));
    }
    QCOMPARE(panel.cellText(0, PipelinesPanel::Preferred), QString("yes"));
    QCOMPARE(panel.cellText(1, PipelinesPanel::Preferred), QString("no"));
    const int onAir = panel.onAirRow();
    QCOMPARE(panel.cellText(onAir, PipelinesPanel::OnAir), QString("ON AIR"));
    QVERIFY(panel.cellText(1 - onAir, PipelinesPanel::OnAir).isEmpty());  // exactly one
    QCOMPARE(panel.findChild<QTableWidget*>("pipelineTable")->item(onAir, PipelinesPanel::OnAir)->background().color(),
             ui::tallyColor(ui::Tally::Primary));

    // The matrix: the ladder's one video rendition x two pipelines, all aligned.
    QCOMPARE(panel.matrixRenditions(), QStringList{"v0"});
    auto* matrix = panel.findChild<QTableWidget*>("keyframeMatrix");
    QVERIFY(matrix);
    QCOMPARE(matrix->rowCount(), 1);
    QCOMPARE(matrix->columnCount(), 2);
    for (int p = 0; p < 2; ++p) {
      QVERIFY(panel.keyframes("v0", p) == PipelinesPanel::Keyframes::Clean);
      QCOMPARE(panel.matrixColor("v0", p), ui::tallyColor(ui::Tally::Primary));
    }

    // Pipeline 1 starts breaking contract 2 in v0: its cell turns red, the other stays green.
    QVERIFY(test::waitFor([&] { return faultyPanel.pipelineCount() == 2; }, 5000));
    violating->violations = 3;
    QVERIFY(test::waitFor([&] { return faultyPanel.keyframes("v0", 1) == PipelinesPanel::Keyframes::Now; }, 5000));
    QCOMPARE(faultyPanel.matrixColor("v0", 1), ui::tallyColor(ui::Tally::Down));
    QVERIFY(faultyPanel.keyframes("v0", 0) == PipelinesPanel::Keyframes::Clean);
    QCOMPARE(faultyPanel.cellText(1, PipelinesPanel::Violations), QString("3"));
    faultyPanel.resize(1000, 400);
    test::grabFor(faultyPanel, "pipelines_violation");

    // An operator restarts pipeline 1: the other one carries the channel, the count shows.
    console.client->restartPipeline("pp1", 1);
    QVERIFY(test::waitFor([&] { return panel.cellText(1, PipelinesPanel::Restarts) == "1"; }, 10000));
    QVERIFY(test::waitFor([&] { return panel.cellText(1, PipelinesPanel::State) == "up"; }, 10000));
    QVERIFY(panel.onAirRow() >= 0);
    QVERIFY(panel.keyframes("v0", 1) == PipelinesPanel::Keyframes::Clean);  // a restart is not a violation
  }

  void singlePipelineChannel() {
    test::EmbeddedConsole console;
    QVERIFY(console.start({test::singleTinyChannel("pp2")}));
    PipelinesPanel panel(console.client.get());
    panel.setChannel("pp2");
    QVERIFY(test::waitFor([&] { return panel.onAirRow() == 0; }, 15000));
    QCOMPARE(panel.pipelineCount(), 1);
    QCOMPARE(panel.findChild<QTableWidget*>("keyframeMatrix")->columnCount(), 1);
  }
};

QTEST_MAIN(TstPipelinesPanel)
#include "tst_pipelines_panel.moc"
