// The heartbeat of a channel (DESIGN.md contract 4) as an operator watches
// it: manifest age per rendition over the last 5 minutes (every sample,
// refreshed about once a second), the last hour or the last 24 hours (10 s
// buckets: the mean as a line, the max dashed), with the channel's warning
// and critical thresholds drawn across. Series come from
// EngineApi::manifestAgeSeries through EngineClient::call, one query in
// flight at a time; the short range asks only for what is new since the
// previous answer.
#pragma once

#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine_client.h"

class QButtonGroup;
class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QTimer;
class QValueAxis;

namespace vigil::ui {

class ManifestAgeChart : public QWidget {
  Q_OBJECT

 public:
  enum class Range { Last5Minutes, LastHour, Last24Hours };

  explicit ManifestAgeChart(EngineClient* client, QWidget* parent = nullptr);
  ~ManifestAgeChart() override;

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }
  void setRange(Range range);
  Range range() const { return range_; }

  // What is drawn (for tests and the status bar).
  QStringList renditionIds() const;
  int pointCount(const QString& renditionId) const;     // its line (samples, or bucket means)
  int maxPointCount(const QString& renditionId) const;  // its dashed bucket-max line (0 on the short range)
  bool hasThresholds() const { return thresholdsKnown_; }
  double warningSeconds() const { return warningSeconds_; }
  double criticalSeconds() const { return criticalSeconds_; }
  int answersDrawn() const { return answers_; }

 signals:
  void seriesUpdated();  // an answer was drawn

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct Answer;
  struct Line {
    QLineSeries* mean = nullptr;
    QLineSeries* max = nullptr;
    int64_t lastUtcUs = 0;  // newest point held (the short range's next query starts after it)
  };

  void refresh();
  void draw(const Answer& answer);
  void clearSeries();
  Line& lineFor(const std::string& renditionId);
  void updateAxes(int64_t toUtcUs);
  int64_t spanUs() const;
  int refreshMs() const;

  EngineClient* client_;
  std::string channelId_;
  Range range_ = Range::Last5Minutes;
  uint64_t generation_ = 0;  // bumped by setChannel/setRange: older answers are dropped
  bool inFlight_ = false;
  int answers_ = 0;

  bool thresholdsKnown_ = false;
  double warningSeconds_ = 0;
  double criticalSeconds_ = 0;
  int64_t specFetchedUs_ = 0;            // when the channel's spec was last read
  std::vector<std::string> renditions_;  // from the spec (else the status)

  QChart* chart_;
  QChartView* view_;
  QDateTimeAxis* timeAxis_;
  QValueAxis* ageAxis_;
  QLineSeries* warningLine_;
  QLineSeries* criticalLine_;
  std::map<std::string, Line> lines_;
  QButtonGroup* rangeButtons_;
  QLabel* note_;
  QTimer* timer_;
};

}  // namespace vigil::ui
