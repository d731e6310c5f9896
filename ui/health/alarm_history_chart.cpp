#include "health/alarm_history_chart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QDateTime>
#include <QFont>
#include <QStackedBarSeries>
#include <QTimeZone>
#include <QValueAxis>

#include <algorithm>

#include "health/health_style.h"

namespace vigil::ui {

AlarmHistoryChart::AlarmHistoryChart(const QString& title, int buckets, int bucketMinutes, QWidget* parent)
    : QChartView(parent),
      buckets_(std::max(1, buckets)),
      bucketUs_(int64_t{std::max(1, bucketMinutes)} * 60'000'000),
      warning_(new QBarSet(severityText(monitor::Severity::Warning))),
      critical_(new QBarSet(severityText(monitor::Severity::Critical))),
      series_(new QStackedBarSeries),
      timeAxis_(new QBarCategoryAxis),
      countAxis_(new QValueAxis) {
  auto* chart = new QChart;
  styleChart(chart);
  chart->setTitle(title);
  warning_->setColor(severityColor(monitor::Severity::Warning));
  critical_->setColor(severityColor(monitor::Severity::Critical));
  warning_->setBorderColor(Qt::transparent);
  critical_->setBorderColor(Qt::transparent);
  for (int i = 0; i < buckets_; ++i) {
    warning_->append(0);
    critical_->append(0);
  }
  series_->append(warning_);
  series_->append(critical_);
  series_->setBarWidth(0.8);
  chart->addSeries(series_);
  chart->addAxis(timeAxis_, Qt::AlignBottom);
  chart->addAxis(countAxis_, Qt::AlignLeft);
  series_->attachAxis(timeAxis_);
  series_->attachAxis(countAxis_);
  styleAxis(timeAxis_);
  styleAxis(countAxis_);
  countAxis_->setLabelFormat(QStringLiteral("%d"));
  // Qt elides category labels well before they touch ("15:..."): small type, no eliding.
  QFont small = timeAxis_->labelsFont();
  small.setPixelSize(10);
  timeAxis_->setLabelsFont(small);
  timeAxis_->setTruncateLabels(false);
  countAxis_->setRange(0, 1);
  countAxis_->setTickCount(2);
  setChart(chart);
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(180);
}

void AlarmHistoryChart::setAlarms(const std::vector<monitor::Alarm>& alarms, int64_t nowUtcUs) {
  // The newest bucket is the one now falls in; the bars end with it.
  const int64_t newest = nowUtcUs - nowUtcUs % bucketUs_;
  firstBucketUs_ = newest - (buckets_ - 1) * bucketUs_;
  std::vector<int> warning(buckets_, 0), critical(buckets_, 0);
  for (const auto& a : alarms) {
    if (a.raisedUs < firstBucketUs_ || a.raisedUs >= newest + bucketUs_) continue;
    const auto i = static_cast<size_t>((a.raisedUs - firstBucketUs_) / bucketUs_);
    ++(a.severity == monitor::Severity::Critical ? critical : warning)[i];
  }
  QStringList labels;
  const bool hourly = bucketUs_ % 3'600'000'000 == 0;
  int top = 1;
  for (int i = 0; i < buckets_; ++i) {
    warning_->replace(i, warning[i]);
    critical_->replace(i, critical[i]);
    top = std::max(top, warning[i] + critical[i]);
    const auto start = QDateTime::fromMSecsSinceEpoch((firstBucketUs_ + i * bucketUs_) / 1000, QTimeZone::utc());
    // Unique within the window (the axis needs distinct categories): hours of one day, minutes of two hours.
    labels << start.toString(hourly ? QStringLiteral("HH") : QStringLiteral("HH:mm"));
  }
  timeAxis_->setCategories(labels);
  countAxis_->setRange(0, top);
  countAxis_->setTickCount(std::min(top, 5) + 1);
}

std::vector<int> AlarmHistoryChart::counts(monitor::Severity severity) const {
  const QBarSet* set = severity == monitor::Severity::Critical ? critical_ : warning_;
  std::vector<int> out;
  for (int i = 0; i < set->count(); ++i) out.push_back(static_cast<int>(set->at(i)));
  return out;
}

int AlarmHistoryChart::total(monitor::Severity severity) const {
  int sum = 0;
  for (int c : counts(severity)) sum += c;
  return sum;
}

}  // namespace vigil::ui
