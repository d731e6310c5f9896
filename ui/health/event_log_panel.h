// The event and audit log of a channel (DESIGN.md contract 7: every switch,
// failover, alarm and operator action is an event with who, what, when and
// why): newest first, time in UTC to the millisecond, kind, actor, detail.
// A text filter (any column) and "operator actions only" (actor neither
// "engine" nor "config", the engine starting its configured channels) let an
// operator answer "who did what, when, and why" quickly.
// The panel reads the newest events once through EngineClient::call, then
// takes new ones from EngineClient::eventsArrived.
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QWidget>

#include <set>
#include <string>
#include <vector>

#include "engine_client.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace vigil::ui {

// The events of one channel, newest first, each once.
class EventLogModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Time, Kind, Actor, Detail, ColumnCount };
  static constexpr size_t kMemory = 5000;  // rows kept; the oldest go first

  using QAbstractTableModel::QAbstractTableModel;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Adds the events not held yet (any order in; newest first kept).
  void merge(const std::vector<store::EventRecord>& events);
  void clear();
  const store::EventRecord& event(int row) const { return events_.at(static_cast<size_t>(row)); }

 private:
  std::vector<store::EventRecord> events_;  // newest (highest id) first
  std::set<int64_t> ids_;
};

// Text in any column (case-insensitive) and, optionally, operator actions only.
class EventLogFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void setText(const QString& text);
  void setOperatorOnly(bool on);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  QString text_;
  bool operatorOnly_ = false;
};

class EventLogPanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kInitialEvents = 500;

  explicit EventLogPanel(EngineClient* client, QWidget* parent = nullptr);

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }
  void setFilterText(const QString& text);
  void setOperatorOnly(bool on);

  // What the table shows (after the filters), top row first.
  int visibleRowCount() const;
  QString visibleText(int row, EventLogModel::Column column) const;
  int totalRowCount() const { return model_->rowCount(); }
  bool loaded() const { return loaded_; }  // the initial read has arrived

 signals:
  void loadedChanged();

 private:
  void onEventsArrived(const std::vector<store::EventRecord>& newest);
  void updateCount();

  EngineClient* client_;
  std::string channelId_;
  uint64_t generation_ = 0;
  bool loaded_ = false;
  EventLogModel* model_;
  EventLogFilter* filter_;
  QLineEdit* filterBox_;
  QCheckBox* operatorOnly_;
  QLabel* count_;
  QTableView* table_;
};

}  // namespace vigil::ui
