// The manifest-age chart over a real embedded engine (test source, one
// pipeline): it draws every rendition's series, gains points as the
// heartbeat samples, draws the channel's own thresholds (set on the spec, not
// the defaults), switches to the bucketed ranges, and never holds the GUI
// thread while it asks.
#include <QChartView>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QPushButton>
#include <QTimer>
#include <QtTest>

#include "health/manifest_age_chart.h"
#include "health_test_support.h"

using namespace vigil;
using ui::ManifestAgeChart;

namespace {

QLineSeries* seriesNamed(ManifestAgeChart& chart, const QString& objectName) {
  auto* view = chart.findChild<QChartView*>("manifestAgeView");
  if (!view) return nullptr;
  for (auto* s : view->chart()->series())
    if (s->objectName() == objectName) return qobject_cast<QLineSeries*>(s);
  return nullptr;
}

// The longest the GUI thread went without running its event loop while it lived.
class StallMeter : public QObject {
 public:
  StallMeter() {
    timer_.setInterval(5);
    connect(&timer_, &QTimer::timeout, this, [this] {
      const qint64 now = clock_.elapsed();
      if (last_ >= 0) worstMs_ = std::max(worstMs_, now - last_);
      last_ = now;
    });
    clock_.start();
    timer_.start();
  }
  qint64 worstMs() const { return worstMs_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1;
  qint64 worstMs_ = 0;
};

}  // namespace

class TstManifestAgeChart : public QObject {
  Q_OBJECT
 private slots:
  void drawsTheHeartbeatWithTheChannelsThresholds() {
    test::EmbeddedConsole console;
    ChannelSpec ch = test::singleTinyChannel("age1");
    ch.alarms.manifestAgeWarningMs = 2500;  // not the defaults: the chart must read the spec
    ch.alarms.manifestAgeCriticalMs = 5000;
    QVERIFY(console.start({ch}));

    ManifestAgeChart chart(console.client.get());
    chart.resize(900, 400);
    chart.setChannel("age1");
    chart.show();
    StallMeter stalls;

    QVERIFY(test::waitFor([&] { return chart.pointCount("v0") > 0 && chart.pointCount("a0") > 0; }, 15000));
    QVERIFY(chart.renditionIds().contains("v0") && chart.renditionIds().contains("a0"));
    QVERIFY(chart.hasThresholds());
    QCOMPARE(chart.warningSeconds(), 2.5);
    QCOMPARE(chart.criticalSeconds(), 5.0);
    for (const auto& [name, y] : {std::pair{QString("warningThreshold"), 2.5}, {QString("criticalThreshold"), 5.0}}) {
      auto* line = seriesNamed(chart, name);
      QVERIFY2(line && line->isVisible(), qPrintable(name));
      QCOMPARE(line->count(), 2);
      QCOMPARE(line->at(0).y(), y);
      QVERIFY(line->at(1).x() > line->at(0).x());
    }

    // About once a second, only the new samples are asked for and appended.
    const int before = chart.pointCount("v0");
    const int answers = chart.answersDrawn();
    QVERIFY(test::waitFor([&] { return chart.answersDrawn() >= answers + 2; }, 5000));
    QVERIFY2(chart.pointCount("v0") > before, qPrintable(QString("%1 -> %2").arg(before).arg(chart.pointCount("v0"))));
    auto* v0 = seriesNamed(chart, "age_v0");
    QVERIFY(v0);
    for (int i = 1; i < v0->count(); ++i) QVERIFY(v0->at(i).x() >= v0->at(i - 1).x());  // in time order
    for (int i = 0; i < v0->count(); ++i)                                               // a healthy channel
      QVERIFY2(v0->at(i).y() >= 0 && v0->at(i).y() < 5.0,
               qPrintable(QString("point %1 of %2: %3 s").arg(i).arg(v0->count()).arg(v0->at(i).y())));
    qInfo("5 min range: %d points of v0 after %d answers", chart.pointCount("v0"), chart.answersDrawn());
    test::grabFor(chart, "manifest_age_5min");

    // The hour: 10 s buckets (mean and max), fewer points than the samples.
    const int samples = chart.pointCount("v0");
    QTest::mouseClick(chart.findChild<QPushButton*>("range1"), Qt::LeftButton);
    QVERIFY(chart.range() == ManifestAgeChart::Range::LastHour);
    const int hourAnswers = chart.answersDrawn();
    QVERIFY(test::waitFor([&] { return chart.answersDrawn() > hourAnswers; }, 5000));
    QVERIFY(chart.pointCount("v0") >= 1);
    QVERIFY2(chart.pointCount("v0") < samples, qPrintable(QString::number(chart.pointCount("v0"))));
    QCOMPARE(chart.maxPointCount("v0"), chart.pointCount("v0"));
    auto* v0max = seriesNamed(chart, "ageMax_v0");
    QVERIFY(v0max && v0max->isVisible());
    for (int i = 0; i < v0max->count(); ++i) QVERIFY(v0max->at(i).y() >= seriesNamed(chart, "age_v0")->at(i).y());
    QVERIFY(seriesNamed(chart, "warningThreshold")->isVisible());
    test::grabFor(chart, "manifest_age_1h");

    chart.setRange(ManifestAgeChart::Range::Last24Hours);
    const int dayAnswers = chart.answersDrawn();
    QVERIFY(test::waitFor([&] { return chart.answersDrawn() > dayAnswers; }, 5000));
    QVERIFY(chart.pointCount("v0") >= 1);

    // Back to the short range: every sample again, from scratch.
    chart.setRange(ManifestAgeChart::Range::Last5Minutes);
    QVERIFY(test::waitFor([&] { return chart.pointCount("v0") >= samples; }, 5000));

    // Another channel, one the engine does not know: nothing drawn, no thresholds.
    chart.setChannel("nope");
    QVERIFY(chart.renditionIds().isEmpty() && !chart.hasThresholds());
    const int unknownAnswers = chart.answersDrawn();
    QVERIFY(test::waitFor([&] { return chart.answersDrawn() >= unknownAnswers + 2; }, 5000));
    QVERIFY(chart.renditionIds().isEmpty() && !chart.hasThresholds());

    qInfo("longest GUI stall while charting: %lld ms", stalls.worstMs());
    QVERIFY2(stalls.worstMs() < 1000, qPrintable(QString::number(stalls.worstMs())));
  }
};

QTEST_MAIN(TstManifestAgeChart)
#include "tst_manifest_age_chart.moc"
