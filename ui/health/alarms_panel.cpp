#include "health/alarms_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>

#include "health/alarm_history_chart.h"
#include "health/health_style.h"
#include "qt_string.h"

namespace vigil::ui {

namespace {

enum Column { kSeverity, kKind, kSubject, kDetail, kRaised, kAcknowledged, kColumns };

int64_t nowUtcUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

QIcon severityDot(monitor::Severity severity) {
  QPixmap dot(12, 12);
  dot.fill(Qt::transparent);
  QPainter p(&dot);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(QColor(0x10, 0x12, 0x15), 1));
  p.setBrush(severityColor(severity));
  p.drawEllipse(QRectF(0.5, 0.5, 11, 11));
  return QIcon(dot);
}

// What makes a row differ on screen: rebuilding only then keeps the selection and the scroll.
bool sameRows(const std::vector<monitor::Alarm>& a, const std::vector<monitor::Alarm>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const monitor::Alarm& x, const monitor::Alarm& y) {
    return x.id == y.id && x.severity == y.severity && x.detail == y.detail && x.ackedUs == y.ackedUs &&
           x.ackedBy == y.ackedBy;
  });
}

}  // namespace

AlarmsPanel::AlarmsPanel(EngineClient* client, QWidget* parent)
    : QWidget(parent),
      client_(client),
      table_(new QTableWidget(0, kColumns, this)),
      acknowledge_(new QPushButton(tr("Acknowledge"), this)),
      outcome_(new QLabel(this)),
      historyNote_(new QLabel(this)),
      twoHours_(new AlarmHistoryChart(tr("Alarms raised, last 2 hours (10 min, UTC)"), 12, 10, this)),
      day_(new AlarmHistoryChart(tr("Alarms raised, last 24 hours (hourly, UTC)"), 24, 60, this)),
      historyTimer_(new QTimer(this)) {
  setObjectName(QStringLiteral("alarmsPanel"));
  table_->setObjectName(QStringLiteral("alarmTable"));
  table_->setHorizontalHeaderLabels(
      {tr("Severity"), tr("Kind"), tr("Subject"), tr("Detail"), tr("Raised (UTC)"), tr("Acknowledged")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(kDetail, QHeaderView::Stretch);
  acknowledge_->setObjectName(QStringLiteral("acknowledgeButton"));
  acknowledge_->setEnabled(false);
  outcome_->setObjectName(QStringLiteral("acknowledgeOutcome"));
  outcome_->setWordWrap(true);
  twoHours_->setObjectName(QStringLiteral("alarmHistory2h"));
  day_->setObjectName(QStringLiteral("alarmHistory24h"));
  historyNote_->setObjectName(QStringLiteral("alarmHistoryNote"));
  historyNote_->setVisible(false);

  auto* actions = new QHBoxLayout;
  actions->addWidget(acknowledge_);
  actions->addWidget(outcome_, 1);
  auto* history = new QHBoxLayout;
  history->addWidget(twoHours_, 1);
  history->addWidget(day_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(table_, 3);
  layout->addLayout(actions);
  layout->addLayout(history, 2);
  layout->addWidget(historyNote_);

  connect(table_, &QTableWidget::itemSelectionChanged, this, &AlarmsPanel::updateButton);
  connect(acknowledge_, &QPushButton::clicked, this, &AlarmsPanel::acknowledgeSelected);
  connect(client_, &EngineClient::snapshotUpdated, this, &AlarmsPanel::onSnapshot);
  connect(client_, &EngineClient::actionFinished, this, &AlarmsPanel::onActionFinished);
  // The bars move with the clock even when nothing happens.
  connect(historyTimer_, &QTimer::timeout, this, &AlarmsPanel::readHistory);
  historyTimer_->start(60'000);
}

void AlarmsPanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  ++generation_;
  shown_.clear();
  openIds_.clear();
  pendingAck_.clear();
  pendingAckId_ = 0;
  outcome_->clear();
  rebuildTable();
  onSnapshot();
  readHistory();
}

void AlarmsPanel::onSnapshot() {
  if (channelId_.empty()) return;
  // The channel's open alarms and the engine's own (a full disk hurts every channel).
  std::vector<monitor::Alarm> open = client_->openAlarmsOf(channelId_);
  for (auto& a : client_->openAlarmsOf({})) open.push_back(std::move(a));
  std::sort(open.begin(), open.end(), [](const monitor::Alarm& a, const monitor::Alarm& b) {
    return a.raisedUs != b.raisedUs ? a.raisedUs > b.raisedUs : a.id > b.id;
  });
  if (!sameRows(open, shown_)) {
    shown_ = std::move(open);
    rebuildTable();
  }
  std::vector<int64_t> ids;
  for (const auto& a : shown_) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  if (ids != openIds_) {
    openIds_ = std::move(ids);
    readHistory();  // raised or cleared: the bars have news
  }
}

void AlarmsPanel::rebuildTable() {
  const int64_t selected = selectedAlarmId();
  table_->setRowCount(static_cast<int>(shown_.size()));
  for (int row = 0; row < static_cast<int>(shown_.size()); ++row) {
    const auto& a = shown_[static_cast<size_t>(row)];
    auto set = [&](int column, const QString& text) {
      auto* item = new QTableWidgetItem(text);
      item->setToolTip(text);
      table_->setItem(row, column, item);
      return item;
    };
    auto* severity = set(kSeverity, severityText(a.severity));
    severity->setBackground(severityColor(a.severity));
    severity->setForeground(QColor(0x10, 0x12, 0x15));
    severity->setIcon(severityDot(a.severity));  // still tells the severity on a selected row
    set(kKind, qs(a.key.kind));
    set(kSubject, a.key.channelId.empty() ? tr("engine: %1").arg(qs(a.key.subject)) : qs(a.key.subject));
    set(kDetail, qs(a.detail));
    set(kRaised, utcText(a.raisedUs));
    set(kAcknowledged, a.acknowledged() ? tr("%1 at %2").arg(qs(a.ackedBy), utcText(a.ackedUs)) : QString());
  }
  if (selected) selectAlarm(selected);
  updateButton();
}

bool AlarmsPanel::selectAlarm(int64_t alarmId) {
  for (int row = 0; row < static_cast<int>(shown_.size()); ++row)
    if (shown_[static_cast<size_t>(row)].id == alarmId) {
      table_->selectRow(row);
      return true;
    }
  return false;
}

int64_t AlarmsPanel::selectedAlarmId() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return 0;
  const int row = rows.front().row();
  return row < static_cast<int>(shown_.size()) ? shown_[static_cast<size_t>(row)].id : 0;
}

void AlarmsPanel::updateButton() {
  const int64_t id = selectedAlarmId();
  bool acked = false;
  for (const auto& a : shown_)
    if (a.id == id) acked = a.acknowledged();
  // The first acknowledgement stands (the engine keeps it): nothing more to press.
  acknowledge_->setEnabled(id != 0 && !acked && pendingAck_.isEmpty());
}

void AlarmsPanel::acknowledgeSelected() {
  const int64_t id = selectedAlarmId();
  if (!id || !pendingAck_.isEmpty()) return;
  pendingAckId_ = id;
  // EngineClient names the action with this sentence; it tells our answer from others'.
  pendingAck_ = EngineClient::tr("acknowledge alarm %1").arg(id);
  outcome_->setText(tr("Acknowledging alarm %1 as %2…").arg(id).arg(client_->operatorName()));
  updateButton();
  client_->acknowledgeAlarm(id);
}

void AlarmsPanel::onActionFinished(const QString& what, bool ok, const QString& message) {
  if (pendingAck_.isEmpty() || what != pendingAck_) return;
  outcome_->setText(ok ? tr("Alarm %1 acknowledged by %2.").arg(pendingAckId_).arg(client_->operatorName())
                       : tr("Alarm %1 not acknowledged: %2").arg(pendingAckId_).arg(message));
  outcome_->setStyleSheet(ok ? QString()
                             : QStringLiteral("color: %1").arg(severityColor(monitor::Severity::Critical).name()));
  pendingAck_.clear();
  pendingAckId_ = 0;
  updateButton();
}

void AlarmsPanel::readHistory() {
  if (channelId_.empty()) return;
  if (historyInFlight_) {
    historyAgain_ = true;
    return;
  }
  historyInFlight_ = true;
  historyAgain_ = false;
  const std::string channelId = channelId_;
  const uint64_t generation = generation_;
  client_->call(
      this, [channelId](control::EngineApi& api) { return api.alarms(channelId, false, kHistoryLimit); },
      [this, generation](const std::vector<monitor::Alarm>& alarms) {
        historyInFlight_ = false;
        if (generation == generation_) {
          const int64_t now = nowUtcUs();
          twoHours_->setAlarms(alarms, now);
          day_->setAlarms(alarms, now);
          // Newest first: at the limit, the oldest read tells whether the day is complete.
          const bool truncated =
              static_cast<int>(alarms.size()) >= kHistoryLimit && alarms.back().raisedUs > day_->firstBucketUtcUs();
          historyNote_->setText(truncated ? tr("Only the newest %1 alarms are counted.").arg(kHistoryLimit)
                                          : QString());
          historyNote_->setVisible(truncated);
          ++historyReads_;
          emit historyUpdated();
        }
        if (historyAgain_ || generation != generation_) readHistory();
      });
}

QString AlarmsPanel::outcomeText() const { return outcome_->text(); }

}  // namespace vigil::ui
