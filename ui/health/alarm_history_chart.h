// Alarms raised per time bucket, stacked by severity: how a channel's last
// hours went at a glance. Buckets are aligned to the clock (10-minute bars
// start at :00, :10, ...; hourly bars on the hour, UTC), the newest one still
// filling.
#pragma once

#include <QChartView>

#include <cstdint>
#include <vector>

#include "monitor/alarm_book.h"

class QBarCategoryAxis;
class QBarSet;
class QStackedBarSeries;
class QValueAxis;

namespace vigil::ui {

class AlarmHistoryChart : public QChartView {
  Q_OBJECT

 public:
  // buckets bars of bucketMinutes each, titled title.
  AlarmHistoryChart(const QString& title, int buckets, int bucketMinutes, QWidget* parent = nullptr);

  // Counts each alarm once, in the bucket of its raise time (its latest severity).
  void setAlarms(const std::vector<monitor::Alarm>& alarms, int64_t nowUtcUs);

  // What the bars show, oldest bucket first.
  std::vector<int> counts(monitor::Severity severity) const;
  int total(monitor::Severity severity) const;
  int64_t firstBucketUtcUs() const { return firstBucketUs_; }
  int64_t bucketUs() const { return bucketUs_; }

 private:
  const int buckets_;
  const int64_t bucketUs_;
  int64_t firstBucketUs_ = 0;
  QBarSet* warning_;
  QBarSet* critical_;
  QStackedBarSeries* series_;
  QBarCategoryAxis* timeAxis_;
  QValueAxis* countAxis_;
};

}  // namespace vigil::ui
