// The event cost arithmetic (the design essay's check: 1 M viewers at 3 Mbps
// is about 1.35 PB an hour), the panel's numbers for a known ladder mix read
// from a real engine's channel, and the engine's availability report shown
// and refreshed.
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numeric>

#include "control/engine.h"
#include "cost/availability_view.h"
#include "cost/cost_panel.h"
#include "cost/egress_estimate.h"
#include "engine_client.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::ui;

namespace {

constexpr const char* kChannel = "cost1";

// Two rungs of known bitrates (2000 and 1000 kbps) and 128 kbps audio.
ChannelSpec costChannel() {
  ChannelSpec ch = test::tinyChannel(kChannel);
  ch.redundancy.mode = "single";
  ch.video[0].bitrateBps = 2'000'000;
  VideoRenditionSpec low = ch.video[0];
  low.id = "v1";
  low.width = 160;
  low.height = 90;
  low.bitrateBps = 1'000'000;
  ch.video.push_back(low);
  ch.audio.bitrateBps = 128'000;
  return ch;
}

bool near(double a, double b, double relative = 1e-9) { return std::fabs(a - b) <= relative * std::fabs(b); }

QString text(QWidget* parent, const char* name) { return parent->findChild<QLabel*>(name)->text(); }

}  // namespace

class TstCostPanel : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::shared_ptr<control::Engine> engine_;
  std::unique_ptr<EngineClient> client_;

 private slots:
  void oneMillionViewersAtThreeMbps() {
    const auto e = estimateEgress({{"v0", 100, 3'000'000}}, 1e6, 0.02);
    QVERIFY(near(e.meanBitrateBps, 3e6));
    // 1e6 x 3e6 bit/s / 8 x 3600 s = 1.35e15 bytes.
    QVERIFY2(near(e.bytesPerHour, 1.35e15), qPrintable(QString::number(e.bytesPerHour)));
    QCOMPARE(formatBytes(e.bytesPerHour), QLocale().toString(1.35, 'f', 2) + " PB");
    QVERIFY(near(e.costPerHour, 27'000));  // 1.35 M GB at 0.02
    QCOMPARE(formatBitrate(1e6 * e.meanBitrateBps), QLocale().toString(3.0, 'f', 2) + " Tbps");

    // Shares are weights: 30 % and 10 % of the audience mean 3:1.
    const auto scaled = estimateEgress({{"v0", 30, 4'000'000}, {"v1", 10, 2'000'000}}, 1000, 0.05);
    QCOMPARE(scaled.shareTotalPercent, 40.0);
    QVERIFY(near(scaled.meanBitrateBps, 3.5e6));
    QVERIFY(near(scaled.bytesPerHour, 1000 * 3.5e6 / 8 * 3600));
    QCOMPARE(estimateEgress({}, 1e6, 0.02).bytesPerHour, 0.0);
  }

  void defaultSharesAddUp() {
    for (size_t n = 1; n <= 7; ++n) {
      const auto shares = defaultSharesPercent(n);
      QCOMPARE(shares.size(), n);
      QCOMPARE(std::accumulate(shares.begin(), shares.end(), 0.0), 100.0);
      for (size_t i = 1; i < n; ++i) QVERIFY(shares[i] <= shares[i - 1]);  // the top watched most
    }
    QCOMPARE(defaultSharesPercent(3), (std::vector<double>{50, 33, 17}));
    QCOMPARE(defaultSharesPercent(5), (std::vector<double>{33, 27, 20, 13, 7}));
  }

  void initEngine() {
    QVERIFY(dir_.isValid());
    auto engine = test::startEngine(test::loopbackConfig(dir_, {costChannel()}));
    QVERIFY(engine);
    engine_ = std::move(engine);
    client_ = std::make_unique<EngineClient>(engine_, QStringLiteral("embedded"));
    client_->start(200);
  }

  void panelShowsAKnownMix() {
    QVERIFY(client_);
    CostPanel panel(client_.get());
    QSignalSpy loaded(&panel, &CostPanel::specChanged);
    panel.setChannel(kChannel);
    QVERIFY(loaded.wait(5000));
    QVERIFY(panel.specLoaded());
    // Defaults: a million viewers, 0.02 per GB, the top rung watched most.
    QCOMPARE(panel.findChild<QSpinBox*>("audience")->value(), 1'000'000);
    QCOMPARE(panel.findChild<QDoubleSpinBox*>("pricePerGb")->value(), 0.02);
    QCOMPARE(panel.sharePercent("v0"), 67.0);
    QCOMPARE(panel.sharePercent("v1"), 33.0);

    // 75 % on v0 (2000 + 128 kbps), 25 % on v1 (1000 + 128 kbps): 1878 kbps
    // per viewer; a million viewers: 845.1 TB an hour, 16,902 at 0.02 per GB.
    panel.findChild<QDoubleSpinBox*>("share:v0")->setValue(75);
    QVERIFY(panel.setSharePercent("v1", 25));
    const auto e = panel.estimate();
    QVERIFY2(near(e.meanBitrateBps, 1'878'000), qPrintable(QString::number(e.meanBitrateBps)));
    QVERIFY(near(e.bytesPerHour, 8.451e14));
    QVERIFY(near(e.costPerHour, 16'902));
    QCOMPARE(text(&panel, "shareTotal"), QLocale().toString(100.0, 'f', 1) + " %");
    QCOMPARE(text(&panel, "meanBitrate"), QLocale().toString(1.88, 'f', 2) + " Mbps");
    QCOMPARE(text(&panel, "edgeThroughput"), QLocale().toString(1.88, 'f', 2) + " Tbps");
    QCOMPARE(text(&panel, "egressPerHour"), QString("845 TB per hour"));
    QCOMPARE(text(&panel, "costPerHour"), QLocale().toString(16902.0, 'f', 0) + " USD per hour");

    // Twice the audience in the form: 1.69 PB an hour.
    panel.findChild<QSpinBox*>("audience")->setValue(2'000'000);
    QCOMPARE(text(&panel, "egressPerHour"), QLocale().toString(1.69, 'f', 2) + " PB per hour");
    panel.setPricePerGb(0.01);
    QCOMPARE(text(&panel, "costPerHour"), QLocale().toString(16902.0, 'f', 0) + " USD per hour");

    // Shares that do not add up are said to be scaled.
    QVERIFY(panel.setSharePercent("v1", 5));
    QVERIFY2(text(&panel, "shareTotal").contains("scaled"), qPrintable(text(&panel, "shareTotal")));
    QVERIFY(near(panel.estimate().meanBitrateBps, (75 * 2'128'000.0 + 5 * 1'128'000.0) / 80));
  }

  void showsTheEnginesAvailability() {
    QVERIFY(client_);
    QVERIFY(test::waitFor(
        [&] {
          auto st = engine_->channel(kChannel);
          return st && st->state == control::ChannelStatus::State::Running && st->partsPublished > 0;
        },
        15000));
    CostPanel panel(client_.get());
    panel.setRefreshIntervalMs(250);
    QSignalSpy updated(&panel, &CostPanel::availabilityUpdated);
    panel.setChannel(kChannel);
    QVERIFY(updated.wait(5000));
    QVERIFY(panel.availability());
    const auto first = *panel.availability();

    auto report = engine_->availability(kChannel);
    QVERIFY2(report, report.message().c_str());
    QCOMPARE(first.channelId, std::string(kChannel));
    QCOMPARE(first.topology, report->topology);
    QCOMPARE(first.sloPercent, report->sloPercent);
    QCOMPARE(text(&panel, "availabilityFormula"), QString::fromStdString(report->topology));
    QVERIFY(report->topology.find("pipeline") != std::string::npos);
    QCOMPARE(text(&panel, "availabilityTopology"), AvailabilityView::percent(report->topologyAvailability));
    QVERIFY(text(&panel, "availabilitySlo").contains(AvailabilityView::percent(report->sloPercent / 100)));
    QVERIFY(text(&panel, "availabilityToday").contains(QString::fromStdString(report->day)));
    QVERIFY(text(&panel, "availabilityMonth").contains(QString::fromStdString(report->month)));
    QVERIFY(
        text(&panel, "availabilityBudget").contains(AvailabilityView::duration(report->monthBudget.allowedSeconds)));

    // Refreshed: the running channel's healthy time grows, and the panel follows.
    QVERIFY(test::waitFor([&] { return panel.availability()->today.healthy >= first.today.healthy + 1.0; }, 8000));
    const auto later = *panel.availability();
    QCOMPARE(text(&panel, "availabilityToday"),
             AvailabilityView::tr("%1 (%2): %3 achieved")
                 .arg(AvailabilityView::stateLine(later.today), QString::fromStdString(later.day),
                      AvailabilityView::percent(later.achievedToday)));
  }

  // A channel saved with another ladder: the panel reads the new one.
  void followsALadderChange() {
    QVERIFY(client_);
    CostPanel panel(client_.get());
    QSignalSpy loaded(&panel, &CostPanel::specChanged);
    panel.setChannel(kChannel);
    QVERIFY(loaded.wait(5000));
    QCOMPARE(panel.mix().size(), size_t{2});
    QVERIFY(engine_->stopChannel(kChannel));
    ChannelSpec wider = costChannel();
    VideoRenditionSpec least = wider.video.back();
    least.id = "v2";
    least.width = 128;
    least.height = 72;
    least.bitrateBps = 200'000;
    wider.video.push_back(least);
    client_->addChannel(wider);
    QVERIFY(test::waitFor([&] { return panel.mix().size() == 3; }, 8000));
    QCOMPARE(panel.sharePercent("v0"), 50.0);
    QCOMPARE(panel.sharePercent("v2"), 17.0);
    QVERIFY(near(panel.estimate().meanBitrateBps, 0.50 * 2'128'000 + 0.33 * 1'128'000 + 0.17 * 328'000));
  }

  void cleanupTestCase() {
    client_.reset();
    engine_.reset();
  }
};

QTEST_MAIN(TstCostPanel)
#include "tst_cost_panel.moc"
