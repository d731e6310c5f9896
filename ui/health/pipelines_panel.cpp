#include "health/pipelines_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "health/health_style.h"
#include "qt_string.h"
#include "tally.h"

namespace vigil::ui {

namespace {

const QColor kDark(0x10, 0x12, 0x15);

QColor keyframesColor(PipelinesPanel::Keyframes k) {
  switch (k) {
    case PipelinesPanel::Keyframes::Clean:
      return tallyColor(Tally::Primary);
    case PipelinesPanel::Keyframes::Earlier:
      return tallyColor(Tally::Backup);
    case PipelinesPanel::Keyframes::Now:
      return tallyColor(Tally::Down);
  }
  return Qt::gray;
}

QTableWidgetItem* item(const QString& text) {
  auto* it = new QTableWidgetItem(text);
  it->setToolTip(text);
  return it;
}

}  // namespace

PipelinesPanel::PipelinesPanel(EngineClient* client, QWidget* parent)
    : QWidget(parent),
      client_(client),
      summary_(new QLabel(this)),
      table_(new QTableWidget(0, ColumnCount, this)),
      matrix_(new QTableWidget(this)) {
  setObjectName(QStringLiteral("pipelinesPanel"));
  summary_->setObjectName(QStringLiteral("pipelineSummary"));
  table_->setObjectName(QStringLiteral("pipelineTable"));
  table_->setHorizontalHeaderLabels({tr("Pipeline"), tr("State"), tr("Preferred"), tr("On air"), tr("Steady"),
                                     tr("Restarts"), tr("Last exit"), tr("Quality"), tr("Segment ratio"),
                                     tr("Frames dropped"), tr("Keyframe violations")});
  matrix_->setObjectName(QStringLiteral("keyframeMatrix"));
  for (auto* t : {table_, matrix_}) {
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionMode(QAbstractItemView::NoSelection);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  }
  for (auto* t : {table_, matrix_}) {  // as tall as their rows: the panel is read at a glance, not scrolled
    t->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    t->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    t->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  }
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(LastExit, QHeaderView::Stretch);
  matrix_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

  auto* matrixTitle = new QLabel(tr("Keyframe alignment (renditions x pipelines)"), this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(summary_);
  layout->addWidget(table_);
  layout->addWidget(matrixTitle);
  layout->addWidget(matrix_);
  layout->addStretch(1);
  connect(client_, &EngineClient::snapshotUpdated, this, &PipelinesPanel::onSnapshot);
}

void PipelinesPanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  seen_.clear();
  state_.clear();
  matrixRows_.clear();
  table_->setRowCount(0);
  matrix_->clear();
  matrix_->setRowCount(0);
  matrix_->setColumnCount(0);
  onSnapshot();
}

void PipelinesPanel::onSnapshot() {
  const auto* c = channelId_.empty() ? nullptr : client_->channel(channelId_);
  if (!c) {
    summary_->setText(channelId_.empty() ? QString()
                                         : tr("Channel %1 is not known to the engine.").arg(qs(channelId_)));
    return;
  }
  QString summary = c->redundancy == "single" ? tr("Single pipeline") : tr("Two redundant pipelines");
  summary += tr(" · %n pipeline switch(es)", nullptr, static_cast<int>(c->pipelineSwitches));
  if (c->emergencySlateOnAir) summary += tr(" · EMERGENCY SLATE ON AIR: no pipeline delivers");
  summary_->setText(summary);
  summary_->setStyleSheet(c->emergencySlateOnAir ? QStringLiteral("color: %1").arg(tallyColor(Tally::Down).name())
                                                 : QString());
  fillPipelines(*c);
  fillMatrix(*c);
}

void PipelinesPanel::fillPipelines(const control::ChannelStatus& c) {
  table_->setRowCount(static_cast<int>(c.pipelines.size()));
  for (int row = 0; row < static_cast<int>(c.pipelines.size()); ++row) {
    const auto& p = c.pipelines[static_cast<size_t>(row)];
    const QString yes = tr("yes"), no = tr("no");
    const QString values[ColumnCount] = {QString::number(p.index),
                                         qs(p.state),
                                         p.preferred ? yes : no,
                                         p.onAir ? tr("ON AIR") : QString(),
                                         p.steady ? yes : tr("no (held out after a restart)"),
                                         QString::number(p.restarts),
                                         qs(p.lastExit),
                                         QString::number(p.qualityScore, 'f', 0),
                                         QString::number(p.lastSegmentRatio, 'f', 2),
                                         QString::number(p.framesDropped),
                                         QString::number(p.keyframeViolations)};
    for (int col = 0; col < ColumnCount; ++col) {
      auto* it = item(values[col]);
      if (col == OnAir && p.onAir) {
        it->setBackground(tallyColor(Tally::Primary));
        it->setForeground(kDark);
      }
      if (col == State && p.state != "up")
        it->setForeground(tallyColor(p.state == "down" ? Tally::Down : Tally::Backup));
      if (col == Quality && p.qualityScore < 75) it->setForeground(tallyColor(Tally::Backup));
      if (col == Quality && !p.qualityNote.empty()) it->setToolTip(qs(p.qualityNote));
      table_->setItem(row, col, it);
    }
  }
}

void PipelinesPanel::fillMatrix(const control::ChannelStatus& c) {
  const int64_t now = client_->snapshot().takenUtcUs;
  // Rows: the video renditions the pipelines report, ladder order; an engine
  // without the breakdown gets one row for the whole pipeline.
  QStringList rows;
  for (const auto& p : c.pipelines)
    for (const auto& r : p.renditions)
      if (!rows.contains(qs(r.id))) rows << qs(r.id);
  const bool perRendition = !rows.isEmpty();
  if (!perRendition) rows << tr("all");
  std::map<int, bool> alarmOpen;  // keyframe.violation open, per pipeline
  for (const auto& a : client_->openAlarmsOf(c.id)) {
    bool ok = false;
    const int pipeline = qs(a.key.subject).toInt(&ok);  // subject: the pipeline's index
    if (a.key.kind == monitor::alarm_kind::kKeyframeViolation && ok) alarmOpen[pipeline] = true;
  }

  if (rows != matrixRows_ || matrix_->columnCount() != static_cast<int>(c.pipelines.size())) {
    matrixRows_ = rows;
    matrix_->setRowCount(static_cast<int>(rows.size()));
    matrix_->setColumnCount(static_cast<int>(c.pipelines.size()));
    matrix_->setVerticalHeaderLabels(rows);
    QStringList columns;
    for (const auto& p : c.pipelines) columns << tr("Pipeline %1").arg(p.index);
    matrix_->setHorizontalHeaderLabels(columns);
  }
  for (int col = 0; col < static_cast<int>(c.pipelines.size()); ++col) {
    const auto& p = c.pipelines[static_cast<size_t>(col)];
    for (int row = 0; row < static_cast<int>(rows.size()); ++row) {
      const std::string rid = rows[row].toStdString();
      uint64_t count = p.keyframeViolations;
      if (perRendition) {
        count = 0;
        for (const auto& r : p.renditions)
          if (r.id == rid) count = r.keyframeViolations;
      }
      // The first sight is a baseline: only growth after it is news.
      auto [seen, first] = seen_.try_emplace({p.index, rid});
      Seen& s = seen->second;
      if (!first && count > s.count) s.grewUs = now;
      s.count = count;
      Keyframes k = Keyframes::Clean;
      if (count > 0) {
        const bool recent = s.grewUs > 0 && now - s.grewUs < kRecentUs;
        k = recent || alarmOpen.count(p.index) ? Keyframes::Now : Keyframes::Earlier;
      }
      state_[{p.index, rid}] = k;
      auto* it = item(k == Keyframes::Clean ? tr("aligned") : tr("%n violation(s)", nullptr, static_cast<int>(count)));
      it->setBackground(keyframesColor(k));
      it->setForeground(kDark);
      it->setTextAlignment(Qt::AlignCenter);
      matrix_->setItem(row, col, it);
    }
  }
}

int PipelinesPanel::pipelineCount() const { return table_->rowCount(); }

QString PipelinesPanel::cellText(int row, Column column) const {
  const auto* it = table_->item(row, column);
  return it ? it->text() : QString();
}

int PipelinesPanel::onAirRow() const {
  for (int row = 0; row < table_->rowCount(); ++row)
    if (!cellText(row, OnAir).isEmpty()) return row;
  return -1;
}

PipelinesPanel::Keyframes PipelinesPanel::keyframes(const QString& rendition, int pipeline) const {
  const auto it = state_.find({pipeline, rendition.toStdString()});
  return it == state_.end() ? Keyframes::Clean : it->second;
}

QColor PipelinesPanel::matrixColor(const QString& rendition, int pipeline) const {
  const int row = static_cast<int>(matrixRows_.indexOf(rendition));
  const auto* it = row < 0 ? nullptr : matrix_->item(row, pipeline);
  return it ? it->background().color() : QColor();
}

}  // namespace vigil::ui
