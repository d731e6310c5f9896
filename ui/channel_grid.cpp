#include "channel_grid.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPixmap>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

#include "engine_client.h"
#include "qt_string.h"
#include "tally.h"

namespace vigil::ui {

namespace {

constexpr int kThumbWidth = 224;
constexpr int kThumbHeight = 126;
constexpr int kTileWidth = kThumbWidth + 16;

int statusRank(const control::ChannelStatus& c) {
  switch (tallyOf(c)) {
    case Tally::Down:
      return 0;
    case Tally::Slate:
      return 1;
    case Tally::Backup:
      return 2;
    case Tally::Primary:
      return 3;
  }
  return 4;
}

QString ageText(double age) {
  if (age < 0) return QCoreApplication::translate("ChannelTile", "age —");
  return QCoreApplication::translate("ChannelTile", "age %1 s").arg(age, 0, 'f', 1);
}

}  // namespace

ChannelTile::ChannelTile(const std::string& channelId, QWidget* parent) : QFrame(parent), channelId_(channelId) {
  setObjectName(QStringLiteral("tile_%1").arg(qs(channelId)));
  setFixedWidth(kTileWidth);
  setCursor(Qt::PointingHandCursor);
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(6, 6, 6, 6);
  v->setSpacing(3);
  picture_ = new QLabel(this);
  picture_->setFixedSize(kThumbWidth, kThumbHeight);
  picture_->setAlignment(Qt::AlignCenter);
  picture_->setStyleSheet(QStringLiteral("background:#050607; color:#6a7078;"));
  picture_->setText(tr("no picture yet"));
  tally_ = new QLabel(this);
  tally_->setAlignment(Qt::AlignCenter);
  tally_->setObjectName(QStringLiteral("tally"));
  name_ = new QLabel(this);
  name_->setStyleSheet(QStringLiteral("font-weight:bold; font-size:13px;"));
  auto* row = new QHBoxLayout;
  pipeline_ = new QLabel(this);
  age_ = new QLabel(this);
  alarms_ = new QLabel(this);
  alarms_->setObjectName(QStringLiteral("alarms"));
  row->addWidget(pipeline_);
  row->addStretch();
  row->addWidget(age_);
  row->addStretch();
  row->addWidget(alarms_);
  v->addWidget(picture_);
  v->addWidget(tally_);
  v->addWidget(name_);
  v->addLayout(row);
  restyle();
}

void ChannelTile::update(const control::ChannelStatus& c, int criticalAlarms) {
  const Tally t = tallyOf(c);
  const QColor colour = tallyColor(t);
  tally_->setText(tallyText(t));
  tally_->setToolTip(onAirText(c));
  tally_->setStyleSheet(QStringLiteral("background:%1; color:#000; font-weight:bold; padding:2px;").arg(colour.name()));
  borderColor_ = colour.name();
  name_->setText(c.name.empty() || c.name == c.id ? qs(c.id) : tr("%1 (%2)").arg(qs(c.name), qs(c.id)));
  const int active = activePipeline(c);
  if (c.pipelines.empty())
    pipeline_->setText(tr("no pipeline"));
  else if (c.emergencySlateOnAir)
    pipeline_->setText(tr("emergency slate"));
  else if (active < 0)
    pipeline_->setText(tr("P— of %1").arg(c.pipelines.size()));
  else
    pipeline_->setText(tr("P%1 on air").arg(active));
  age_->setText(ageText(c.worstManifestAgeSeconds));
  age_->setStyleSheet(QStringLiteral("color:%1;").arg(ageColor(c.worstManifestAgeSeconds, 3, 6).name()));
  if (c.openAlarms == 0) {
    alarms_->setText(tr("no alarms"));
    alarms_->setStyleSheet(QStringLiteral("color:#8a9099;"));
  } else {
    alarms_->setText(tr("%n alarm(s)", nullptr, c.openAlarms));
    alarms_->setStyleSheet(
        QStringLiteral("background:%1; color:#000; padding:0 4px; border-radius:3px;")
            .arg(criticalAlarms > 0 ? tallyColor(Tally::Down).name() : tallyColor(Tally::Backup).name()));
  }
  restyle();
}

void ChannelTile::setThumbnail(const QImage& image) {
  picture_->setPixmap(
      QPixmap::fromImage(image.scaled(kThumbWidth, kThumbHeight, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void ChannelTile::setSelected(bool selected) {
  selected_ = selected;
  restyle();
}

QString ChannelTile::tallyLabel() const { return tally_->text(); }

void ChannelTile::restyle() {
  const QString border = borderColor_.isEmpty() ? QStringLiteral("#2a2e35") : borderColor_;
  setStyleSheet(QStringLiteral("ChannelTile { background:%1; border:%2px solid %3; border-radius:4px; }")
                    .arg(selected_ ? QStringLiteral("#243042") : QStringLiteral("#1b1e23"))
                    .arg(selected_ ? 3 : 2)
                    .arg(border));
}

void ChannelTile::mousePressEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton) emit clicked(channelId_);
  QFrame::mousePressEvent(e);
}

void ChannelTile::mouseDoubleClickEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton) emit activated(channelId_);
  QFrame::mouseDoubleClickEvent(e);
}

ChannelGrid::ChannelGrid(EngineClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  setObjectName(QStringLiteral("channelGrid"));
  auto* v = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  filter_ = new QLineEdit(this);
  filter_->setObjectName(QStringLiteral("gridFilter"));
  filter_->setPlaceholderText(tr("Filter channels"));
  filter_->setClearButtonEnabled(true);
  sort_ = new QComboBox(this);
  sort_->setObjectName(QStringLiteral("gridSort"));
  sort_->addItem(tr("Sort: status, worst first"), int(SortBy::Status));
  sort_->addItem(tr("Sort: name"), int(SortBy::Name));
  sort_->addItem(tr("Sort: manifest age"), int(SortBy::ManifestAge));
  sort_->addItem(tr("Sort: alarms"), int(SortBy::Alarms));
  problemsOnly_ = new QCheckBox(tr("Problems only"), this);
  problemsOnly_->setObjectName(QStringLiteral("gridProblemsOnly"));
  summary_ = new QLabel(this);
  bar->addWidget(filter_, 2);
  bar->addWidget(sort_);
  bar->addWidget(problemsOnly_);
  bar->addStretch(1);
  bar->addWidget(summary_);
  v->addLayout(bar);

  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  tilesHost_ = new QWidget(scroll);
  tiles_ = new QGridLayout(tilesHost_);
  tiles_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  tiles_->setSpacing(8);
  scroll->setWidget(tilesHost_);
  v->addWidget(scroll, 1);

  connect(filter_, &QLineEdit::textChanged, this, &ChannelGrid::refresh);
  connect(sort_, &QComboBox::currentIndexChanged, this, &ChannelGrid::refresh);
  connect(problemsOnly_, &QCheckBox::toggled, this, &ChannelGrid::refresh);
  connect(client_, &EngineClient::snapshotUpdated, this, &ChannelGrid::refresh);
  refresh();
}

void ChannelGrid::setSortBy(SortBy sort) { sort_->setCurrentIndex(sort_->findData(int(sort))); }
void ChannelGrid::setFilterText(const QString& text) { filter_->setText(text); }
void ChannelGrid::setProblemsOnly(bool on) { problemsOnly_->setChecked(on); }

void ChannelGrid::setThumbnail(const QString& channelId, const QImage& image) {
  if (auto* t = tile(channelId.toStdString())) t->setThumbnail(image);
}

ChannelTile* ChannelGrid::tile(const std::string& channelId) const {
  auto it = tileById_.find(channelId);
  return it == tileById_.end() ? nullptr : it->second;
}

void ChannelGrid::refresh() {
  const auto& channels = client_->snapshot().channels;
  const QString needle = filter_->text().trimmed();
  const auto sortBy = SortBy(sort_->currentData().toInt());
  std::map<std::string, int> critical;
  for (const auto& a : client_->snapshot().openAlarms)
    if (a.severity == monitor::Severity::Critical) ++critical[a.key.channelId];

  std::vector<const control::ChannelStatus*> shown;
  int problems = 0;
  for (const auto& c : channels) {
    const bool problem = tallyOf(c) != Tally::Primary || c.openAlarms > 0;
    problems += problem ? 1 : 0;
    if (problemsOnly_->isChecked() && !problem) continue;
    if (!needle.isEmpty() && !qs(c.id).contains(needle, Qt::CaseInsensitive) &&
        !qs(c.name).contains(needle, Qt::CaseInsensitive))
      continue;
    shown.push_back(&c);
  }
  std::stable_sort(shown.begin(), shown.end(), [&](const auto* a, const auto* b) {
    switch (sortBy) {
      case SortBy::Name:
        return a->id < b->id;
      case SortBy::Status:
        return std::make_tuple(statusRank(*a), -a->openAlarms, -a->worstManifestAgeSeconds, a->id) <
               std::make_tuple(statusRank(*b), -b->openAlarms, -b->worstManifestAgeSeconds, b->id);
      case SortBy::ManifestAge:
        return a->worstManifestAgeSeconds > b->worstManifestAgeSeconds;
      case SortBy::Alarms:
        return a->openAlarms > b->openAlarms;
    }
    return false;
  });

  std::vector<std::string> order;
  for (const auto* c : shown) {
    ChannelTile*& t = tileById_[c->id];
    if (!t) {
      t = new ChannelTile(c->id, tilesHost_);
      connect(t, &ChannelTile::clicked, this, [this](const std::string& id) {
        selected_ = id;
        for (auto& [tid, tw] : tileById_) tw->setSelected(tid == id);
        emit channelSelected(id);
      });
      connect(t, &ChannelTile::activated, this, &ChannelGrid::channelActivated);
    }
    t->update(*c, critical[c->id]);
    order.push_back(c->id);
  }
  // Tiles of channels no longer listed go away.
  for (auto it = tileById_.begin(); it != tileById_.end();) {
    const bool listed = std::any_of(channels.begin(), channels.end(), [&](const auto& c) { return c.id == it->first; });
    if (!listed) {
      delete it->second;
      it = tileById_.erase(it);
    } else {
      ++it;
    }
  }
  summary_->setText(tr("%1 channels, %2 need attention").arg(channels.size()).arg(problems));
  if (order != order_) {
    order_ = std::move(order);
    relayout();
  }
}

void ChannelGrid::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  const int columns = std::max(1, (width() - 24) / (kTileWidth + tiles_->spacing()));
  if (columns != columns_) relayout();
}

void ChannelGrid::relayout() {
  columns_ = std::max(1, (width() - 24) / (kTileWidth + tiles_->spacing()));
  for (auto& [id, t] : tileById_) {
    tiles_->removeWidget(t);
    t->hide();
  }
  for (size_t i = 0; i < order_.size(); ++i) {
    ChannelTile* t = tileById_[order_[i]];
    tiles_->addWidget(t, int(i) / columns_, int(i) % columns_);
    t->show();
  }
}

}  // namespace vigil::ui
