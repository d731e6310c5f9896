// A channel's alarms as an operator handles them: the open ones (the
// channel's and the engine's own, e.g. disk) in a table, newest first, with
// who acknowledged them and when; Acknowledge records, as this console's
// operator, that the selected one has been seen (the engine keeps it as an
// event); and the history of the last 2 and 24 hours as bars of alarms
// raised, by severity. The table follows the client's snapshots; the history
// is read through EngineClient::call when the open set changes and every
// minute (one read in flight at a time).
#pragma once

#include <QString>
#include <QWidget>

#include <cstdint>
#include <string>
#include <vector>

#include "engine_client.h"

class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace vigil::ui {

class AlarmHistoryChart;

class AlarmsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit AlarmsPanel(EngineClient* client, QWidget* parent = nullptr);

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }

  // What the table shows, newest first.
  int alarmCount() const { return static_cast<int>(shown_.size()); }
  const monitor::Alarm& alarmAt(int row) const { return shown_.at(static_cast<size_t>(row)); }
  // Selects the alarm's row; false when it is not shown.
  bool selectAlarm(int64_t alarmId);
  int64_t selectedAlarmId() const;  // 0: none
  // The last acknowledgement's outcome, as shown.
  QString outcomeText() const;

  AlarmHistoryChart* lastTwoHours() const { return twoHours_; }
  AlarmHistoryChart* lastDay() const { return day_; }
  int historyReads() const { return historyReads_; }

  static constexpr int kHistoryLimit = 2000;  // alarms read for the bars

 signals:
  void historyUpdated();

 private:
  void onSnapshot();
  void rebuildTable();
  void updateButton();
  void acknowledgeSelected();
  void onActionFinished(const QString& what, bool ok, const QString& message);
  void readHistory();

  EngineClient* client_;
  std::string channelId_;
  std::vector<monitor::Alarm> shown_;
  std::vector<int64_t> openIds_;  // the open set the history was last read for
  QString pendingAck_;            // the action sentence of our acknowledgement in flight
  int64_t pendingAckId_ = 0;
  bool historyInFlight_ = false;
  bool historyAgain_ = false;  // asked for while one was out
  uint64_t generation_ = 0;
  int historyReads_ = 0;

  QTableWidget* table_;
  QPushButton* acknowledge_;
  QLabel* outcome_;
  QLabel* historyNote_;
  AlarmHistoryChart* twoHours_;
  AlarmHistoryChart* day_;
  QTimer* historyTimer_;
};

}  // namespace vigil::ui
