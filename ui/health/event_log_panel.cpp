#include "health/event_log_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "health/health_style.h"
#include "qt_string.h"

namespace vigil::ui {

namespace {
// The engine's own doing ("config": channels it started from its configuration
// file); every other actor (an operator, the API) is an operator action.
bool operatorAction(const std::string& actor) { return actor != "engine" && actor != "config"; }

}  // namespace

// ---- model ----

int EventLogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(events_.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(events_.size())) return {};
  const auto& e = events_[static_cast<size_t>(index.row())];
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case Time:
        return utcText(e.utcUs);
      case Kind:
        return qs(e.kind);
      case Actor:
        return qs(e.actor);
      case Detail:
        return qs(e.detail);
      default:
        return {};
    }
  }
  if (role == Qt::ForegroundRole && index.column() == Actor && operatorAction(e.actor))
    return QColor(0x6c, 0xb4, 0xff);  // people stand out from the engine's own doings
  return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Time:
      return tr("Time (UTC)");
    case Kind:
      return tr("Kind");
    case Actor:
      return tr("Actor");
    case Detail:
      return tr("Detail");
    default:
      return {};
  }
}

void EventLogModel::merge(const std::vector<store::EventRecord>& events) {
  std::vector<store::EventRecord> fresh;
  for (const auto& e : events)
    if (!ids_.count(e.id)) fresh.push_back(e);
  if (fresh.empty()) return;
  auto newestFirst = [](const store::EventRecord& a, const store::EventRecord& b) { return a.id > b.id; };
  std::sort(fresh.begin(), fresh.end(), newestFirst);
  for (const auto& e : fresh) ids_.insert(e.id);
  if (events_.empty() || fresh.back().id > events_.front().id) {
    // The usual case, news on top: an insert keeps the operator's selection and scroll.
    beginInsertRows({}, 0, static_cast<int>(fresh.size()) - 1);
    events_.insert(events_.begin(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
    endInsertRows();
  } else {
    beginResetModel();
    events_.insert(events_.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
    std::sort(events_.begin(), events_.end(), newestFirst);
    endResetModel();
  }
  if (events_.size() > kMemory) {
    beginRemoveRows({}, static_cast<int>(kMemory), static_cast<int>(events_.size()) - 1);
    for (size_t i = kMemory; i < events_.size(); ++i) ids_.erase(events_[i].id);
    events_.resize(kMemory);
    endRemoveRows();
  }
}

void EventLogModel::clear() {
  beginResetModel();
  events_.clear();
  ids_.clear();
  endResetModel();
}

// ---- filter ----

void EventLogFilter::setText(const QString& text) {
  text_ = text.trimmed();
  invalidateFilter();
}

void EventLogFilter::setOperatorOnly(bool on) {
  operatorOnly_ = on;
  invalidateFilter();
}

bool EventLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
  const auto* model = static_cast<const EventLogModel*>(sourceModel());
  const auto& e = model->event(sourceRow);
  if (operatorOnly_ && !operatorAction(e.actor)) return false;
  if (text_.isEmpty()) return true;
  for (int c = 0; c < EventLogModel::ColumnCount; ++c)
    if (model->data(model->index(sourceRow, c)).toString().contains(text_, Qt::CaseInsensitive)) return true;
  return false;
}

// ---- panel ----

EventLogPanel::EventLogPanel(EngineClient* client, QWidget* parent)
    : QWidget(parent),
      client_(client),
      model_(new EventLogModel(this)),
      filter_(new EventLogFilter(this)),
      filterBox_(new QLineEdit(this)),
      operatorOnly_(new QCheckBox(tr("Operator actions only"), this)),
      count_(new QLabel(this)),
      table_(new QTableView(this)) {
  setObjectName(QStringLiteral("eventLogPanel"));
  filter_->setSourceModel(model_);
  filterBox_->setObjectName(QStringLiteral("eventFilter"));
  filterBox_->setPlaceholderText(tr("Filter: kind, actor, detail…"));
  filterBox_->setClearButtonEnabled(true);
  operatorOnly_->setObjectName(QStringLiteral("operatorOnly"));
  count_->setObjectName(QStringLiteral("eventCount"));
  table_->setObjectName(QStringLiteral("eventTable"));
  table_->setModel(filter_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(EventLogModel::Detail, QHeaderView::Stretch);
  table_->setWordWrap(false);

  auto* bar = new QHBoxLayout;
  bar->addWidget(filterBox_, 1);
  bar->addWidget(operatorOnly_);
  bar->addWidget(count_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(table_, 1);

  connect(filterBox_, &QLineEdit::textChanged, this, [this](const QString& text) {
    filter_->setText(text);
    updateCount();
  });
  connect(operatorOnly_, &QCheckBox::toggled, this, [this](bool on) {
    filter_->setOperatorOnly(on);
    updateCount();
  });
  connect(client_, &EngineClient::eventsArrived, this, &EventLogPanel::onEventsArrived);
  updateCount();
}

void EventLogPanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  ++generation_;
  loaded_ = false;
  model_->clear();
  updateCount();
  if (channelId_.empty()) return;
  // What the client has seen already shows at once; the engine's log fills in the older ones.
  std::vector<store::EventRecord> known;
  for (const auto& e : client_->events())
    if (e.channelId == channelId_) known.push_back(e);
  model_->merge(known);
  const uint64_t generation = generation_;
  client_->call(
      this, [channelId](control::EngineApi& api) { return api.events(channelId, kInitialEvents); },
      [this, generation](const std::vector<store::EventRecord>& events) {
        if (generation != generation_) return;
        model_->merge(events);
        loaded_ = true;
        updateCount();
        emit loadedChanged();
      });
}

void EventLogPanel::onEventsArrived(const std::vector<store::EventRecord>& newest) {
  if (channelId_.empty()) return;
  std::vector<store::EventRecord> ours;
  for (const auto& e : newest)
    if (e.channelId == channelId_) ours.push_back(e);
  if (ours.empty()) return;
  model_->merge(ours);
  updateCount();
}

void EventLogPanel::setFilterText(const QString& text) { filterBox_->setText(text); }

void EventLogPanel::setOperatorOnly(bool on) { operatorOnly_->setChecked(on); }

int EventLogPanel::visibleRowCount() const { return filter_->rowCount(); }

QString EventLogPanel::visibleText(int row, EventLogModel::Column column) const {
  return filter_->data(filter_->index(row, column)).toString();
}

void EventLogPanel::updateCount() {
  count_->setText(tr("%1 of %2 events").arg(filter_->rowCount()).arg(model_->rowCount()));
}

}  // namespace vigil::ui
