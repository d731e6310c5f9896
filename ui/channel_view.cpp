#include "channel_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "confidence/confidence_panel.h"
#include "cost/cost_panel.h"
#include "engine_client.h"
#include "health/alarms_panel.h"
#include "health/event_log_panel.h"
#include "health/inputs_panel.h"
#include "health/manifest_age_chart.h"
#include "health/pipelines_panel.h"
#include "operator_actions.h"
#include "qt_string.h"
#include "tally.h"

namespace vigil::ui {

template <typename Panel>
Panel* ChannelView::addPanel(Panel* panel, const QString& tab) {
  if (tab.isEmpty())
    left_->addWidget(panel);
  else
    tabs_->addTab(panel, tab);
  panelSetters_.push_back([panel](const std::string& id) { panel->setChannel(id); });
  return panel;
}

ChannelView::ChannelView(EngineClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  setObjectName(QStringLiteral("channelView"));
  actions_ = new OperatorActions(client_, this);
  auto* v = new QVBoxLayout(this);

  auto* header = new QHBoxLayout;
  auto* back = new QPushButton(tr("◀ Wall"), this);
  back->setObjectName(QStringLiteral("backToWall"));
  back->setShortcut(QKeySequence(Qt::Key_Escape));
  back->setToolTip(tr("Back to every channel (Esc)"));
  connect(back, &QPushButton::clicked, this, &ChannelView::backToWall);
  title_ = new QLabel(this);
  title_->setStyleSheet(QStringLiteral("font-size:18px; font-weight:bold;"));
  tally_ = new QLabel(this);
  tally_->setObjectName(QStringLiteral("viewTally"));
  onAir_ = new QLabel(this);
  onAir_->setObjectName(QStringLiteral("viewOnAir"));
  age_ = new QLabel(this);
  age_->setObjectName(QStringLiteral("viewAge"));
  auto* edit = new QPushButton(tr("Edit…"), this);
  edit->setObjectName(QStringLiteral("editChannel"));
  connect(edit, &QPushButton::clicked, this, [this] { emit editChannel(channelId_); });
  header->addWidget(back);
  header->addWidget(title_);
  header->addWidget(tally_);
  header->addWidget(onAir_, 1);
  header->addWidget(age_);
  header->addWidget(edit);
  v->addLayout(header);

  auto* bar = new QToolBar(this);
  bar->setObjectName(QStringLiteral("operatorActions"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  for (QAction* a : actions_->all()) bar->addAction(a);
  v->addWidget(bar);

  rehearsal_ = new QLabel(this);
  rehearsal_->setObjectName(QStringLiteral("rehearsalReport"));
  rehearsal_->setWordWrap(true);
  rehearsal_->hide();
  v->addWidget(rehearsal_);

  auto* body = new QSplitter(Qt::Horizontal, this);
  left_ = new QSplitter(Qt::Vertical, body);
  tabs_ = new QTabWidget(body);
  tabs_->setObjectName(QStringLiteral("channelTabs"));
  body->addWidget(left_);
  body->addWidget(tabs_);
  body->setStretchFactor(0, 3);
  body->setStretchFactor(1, 2);
  v->addWidget(body, 1);

  addPanel(new ConfidencePanel(client_, left_));
  addPanel(new ManifestAgeChart(client_, left_));
  addPanel(new InputsPanel(client_, tabs_), tr("Inputs"));
  addPanel(new PipelinesPanel(client_, tabs_), tr("Pipelines"));
  alarmsTab_ = tabs_->indexOf(addPanel(new AlarmsPanel(client_, tabs_), tr("Alarms")));
  addPanel(new EventLogPanel(client_, tabs_), tr("Events"));
  addPanel(new CostPanel(client_, tabs_), tr("Cost and availability"));

  connect(client_, &EngineClient::snapshotUpdated, this, &ChannelView::refresh);
  connect(client_, &EngineClient::rehearsalFinished, this, &ChannelView::showRehearsal);
  connect(actions_->rehearse(), &QAction::triggered, this, [this] {
    rehearsal_->setText(tr("Rehearsal running: the fault is performed now and its impact measured…"));
    rehearsal_->show();
  });
}

void ChannelView::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  actions_->setChannel(channelId);
  rehearsal_->hide();
  for (auto& set : panelSetters_) set(channelId);
  refresh();
}

void ChannelView::refresh() {
  const auto* c = client_->channel(channelId_);
  if (!c) {
    title_->setText(channelId_.empty() ? tr("No channel") : tr("%1 (not declared)").arg(qs(channelId_)));
    tally_->clear();
    onAir_->clear();
    age_->clear();
    return;
  }
  title_->setText(c->name.empty() || c->name == c->id ? qs(c->id) : tr("%1 (%2)").arg(qs(c->name), qs(c->id)));
  const Tally t = tallyOf(*c);
  tally_->setText(tallyText(t));
  tally_->setStyleSheet(
      QStringLiteral("background:%1; color:#000; font-weight:bold; padding:3px 8px;").arg(tallyColor(t).name()));
  QString onAir = onAirText(*c);
  const int active = activePipeline(*c);
  if (active >= 0) onAir += tr(" · pipeline %1").arg(active);
  onAir_->setText(onAir);
  tabs_->setTabText(alarmsTab_, c->openAlarms > 0 ? tr("Alarms (%1)").arg(c->openAlarms) : tr("Alarms"));
  const double age = c->worstManifestAgeSeconds;
  age_->setText(age < 0 ? tr("manifest age —") : tr("manifest age %1 s").arg(age, 0, 'f', 2));
  age_->setStyleSheet(QStringLiteral("color:%1; font-weight:bold;").arg(ageColor(age, 3, 6).name()));
}

void ChannelView::showRehearsal(const QString& channelId, bool ok, const control::RehearsalReport& r,
                                const QString& error) {
  if (channelId.toStdString() != channelId_) return;
  rehearsal_->show();
  if (!ok) {
    rehearsal_->setText(tr("Rehearsal refused: %1").arg(error));
    return;
  }
  const QString switched = r.switchMs < 0 ? tr("no switch seen") : tr("switched in %1 ms").arg(r.switchMs, 0, 'f', 0);
  rehearsal_->setText(tr("Rehearsal %1 (%2): %3; worst manifest age %4 s (before: %5 s); %6 parts lost, %7 "
                         "repeated; observed %8 s.")
                          .arg(qs(r.kind), qs(r.target), switched)
                          .arg(r.worstManifestAgeSeconds, 0, 'f', 2)
                          .arg(r.baselineManifestAgeSeconds, 0, 'f', 2)
                          .arg(r.partsLost)
                          .arg(r.partsRepeated)
                          .arg(r.observedMs / 1000.0, 0, 'f', 1));
}

}  // namespace vigil::ui
