#include "operator_actions.h"

#include <QAction>
#include <QMessageBox>
#include <QWidget>

#include "engine_client.h"
#include "qt_string.h"

namespace vigil::ui {

namespace {

const control::InputStatus* findInput(const control::ChannelStatus& c, const std::string& id) {
  for (const auto& in : c.inputs)
    if (in.id == id) return &in;
  return nullptr;
}

const control::PipelineStatus* findPipeline(const control::ChannelStatus& c, int index) {
  for (const auto& p : c.pipelines)
    if (p.index == index) return &p;
  return nullptr;
}

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut) {
  auto* a = new QAction(text, parent);
  a->setShortcut(shortcut);
  a->setShortcutContext(Qt::WindowShortcut);
  return a;
}

}  // namespace

OperatorActions::OperatorActions(EngineClient* client, QWidget* dialogParent)
    : QObject(dialogParent), client_(client), dialogParent_(dialogParent) {
  switchInput_ = makeAction(this, tr("Switch input"), QKeySequence(Qt::CTRL | Qt::Key_I));
  hold_ = makeAction(this, tr("Hold on backup"), QKeySequence(Qt::CTRL | Qt::Key_H));
  hold_->setCheckable(true);
  for (int i = 0; i < 2; ++i) {
    prefer_[i] = makeAction(this, tr("Prefer pipeline %1").arg(i), QKeySequence(Qt::CTRL | (Qt::Key_0 + i)));
    restart_[i] =
        makeAction(this, tr("Restart pipeline %1").arg(i), QKeySequence(Qt::CTRL | Qt::ALT | (Qt::Key_0 + i)));
    prefer_[i]->setObjectName(QStringLiteral("actionPreferPipeline%1").arg(i));
    restart_[i]->setObjectName(QStringLiteral("actionRestartPipeline%1").arg(i));
  }
  start_ = makeAction(this, tr("Start channel"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  stop_ = makeAction(this, tr("Stop channel"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
  rehearse_ = makeAction(this, tr("Rehearse failover"), QKeySequence(Qt::CTRL | Qt::Key_R));
  region_ = makeAction(this, tr("Fail over to standby region"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  switchInput_->setObjectName(QStringLiteral("actionSwitchInput"));
  hold_->setObjectName(QStringLiteral("actionHoldOnBackup"));
  start_->setObjectName(QStringLiteral("actionStartChannel"));
  stop_->setObjectName(QStringLiteral("actionStopChannel"));
  rehearse_->setObjectName(QStringLiteral("actionRehearse"));
  region_->setObjectName(QStringLiteral("actionRegionFailover"));
  for (QAction* a : all()) dialogParent->addAction(a);

  connect(switchInput_, &QAction::triggered, this, [this] {
    const auto* c = client_->channel(channelId_);
    if (!c) return;
    const std::string target = switchTarget(*c);
    if (!target.empty() && ask(switchInput_->text(), consequenceOfSwitch(*c, target)))
      client_->selectInput(channelId_, target);
  });
  connect(hold_, &QAction::triggered, this, [this](bool checked) {
    const QString consequence =
        checked ? tr("The channel stays on its backup even when the primary is healthy again: viewers see the "
                     "backup's picture until the hold is released. Use it while the primary path is worked on.")
                : tr("The channel returns to the primary once it has been healthy for the hold-off time, at a "
                     "segment boundary.");
    if (ask(hold_->text(), consequence))
      client_->holdOnBackup(channelId_, checked);
    else
      hold_->setChecked(!checked);
  });
  for (int i = 0; i < 2; ++i) {
    connect(prefer_[i], &QAction::triggered, this, [this, i] {
      const auto* c = client_->channel(channelId_);
      if (c && ask(prefer_[i]->text(), consequenceOfPrefer(*c, i))) client_->preferPipeline(channelId_, i);
    });
    connect(restart_[i], &QAction::triggered, this, [this, i] {
      const auto* c = client_->channel(channelId_);
      if (c && ask(restart_[i]->text(), consequenceOfRestart(*c, i))) client_->restartPipeline(channelId_, i);
    });
  }
  connect(start_, &QAction::triggered, this, [this] {
    if (ask(start_->text(), tr("The channel starts from its saved specification. Its playlists continue the media "
                               "sequence after a discontinuity; players reloading them resume.")))
      client_->startChannel(channelId_);
  });
  connect(stop_, &QAction::triggered, this, [this] {
    const auto* c = client_->channel(channelId_);
    if (c && ask(stop_->text(), consequenceOfStop(*c))) client_->stopChannel(channelId_);
  });
  connect(rehearse_, &QAction::triggered, this, [this] {
    const auto* c = client_->channel(channelId_);
    if (!c) return;
    const bool inputs = c->inputs.size() > 1;
    const QString consequence =
        inputs ? tr("A real input failover is performed now and its impact measured for 8 s. If the backup is fit "
                    "viewers see its picture from the next segment boundary; nothing else.")
               : tr("The worker of the pipeline on air is killed now (SIGKILL) and the impact measured for 8 s. If "
                    "the other pipeline is healthy viewers see no change; if not, the emergency slate.");
    if (ask(rehearse_->text(), consequence)) client_->rehearse(channelId_, inputs ? "input-failover" : "pipeline-kill");
  });
  connect(region_, &QAction::triggered, this, [this] {
    if (ask(region_->text(),
            tr("The standby region's hook is called now: every viewer of this channel is handed to the standby "
               "region (what it steers, DNS or a CDN's origin group, decides when). Viewers may rebuffer once "
               "while their players move.")))
      client_->regionFailover(channelId_);
  });
  connect(client_, &EngineClient::snapshotUpdated, this, &OperatorActions::refresh);
  refresh();
}

QList<QAction*> OperatorActions::all() const {
  return {switchInput_, hold_, prefer_[0], prefer_[1], restart_[0], restart_[1], start_, stop_, rehearse_, region_};
}

void OperatorActions::setChannel(const std::string& channelId) {
  channelId_ = channelId;
  refresh();
}

bool OperatorActions::ask(const QString& title, const QString& consequence) {
  const QString channelTitle = tr("%1 — %2").arg(title, qs(channelId_));
  if (confirm_) return confirm_(channelTitle, consequence);
  return QMessageBox::question(dialogParent_, channelTitle, consequence + QStringLiteral("\n\n") + tr("Go ahead?"),
                               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
}

void OperatorActions::refresh() {
  const auto* c = client_->channel(channelId_);
  const bool running = c && c->state == control::ChannelStatus::State::Running;
  auto disable = [](QAction* a, const QString& why) {
    a->setEnabled(false);
    a->setToolTip(why);
  };
  auto enable = [](QAction* a, const QString& consequence) {
    a->setEnabled(true);
    a->setToolTip(consequence);
  };
  if (!c) {
    for (QAction* a : all()) disable(a, tr("No channel selected"));
    return;
  }
  // A standby region takes the viewers whether the channel runs here or not.
  if (c->standbyRegion)
    enable(region_, tr("Hand this channel's viewers to the standby region"));
  else
    disable(region_, noStandbyRegion());
  const QString notRunning = tr("The channel is not running");
  if (!running) {
    for (QAction* a : all())
      if (a != region_) disable(a, notRunning);
    enable(start_, tr("Start the channel from its saved specification"));
    return;
  }
  disable(start_, tr("The channel is running"));
  enable(stop_, consequenceOfStop(*c));
  if (c->inputs.size() < 2) {
    disable(switchInput_, tr("The channel has no backup input"));
    disable(hold_, tr("The channel has no backup input"));
  } else {
    const std::string target = switchTarget(*c);
    if (target.empty())
      disable(switchInput_, tr("No other input is fit"));
    else
      enable(switchInput_, consequenceOfSwitch(*c, target));
    enable(hold_, tr("Keep the channel on its backup: no automatic return to the primary"));
  }
  hold_->setChecked(c->holdOnBackup);
  for (int i = 0; i < 2; ++i) {
    const auto* p = findPipeline(*c, i);
    if (!p) {
      disable(prefer_[i], tr("This channel runs a single pipeline"));
      disable(restart_[i], tr("This channel runs a single pipeline"));
      continue;
    }
    if (p->preferred)
      disable(prefer_[i], tr("Pipeline %1 is already preferred").arg(i));
    else if (p->state != "up")
      disable(prefer_[i], tr("Pipeline %1 is %2").arg(i).arg(qs(p->state)));
    else
      enable(prefer_[i], consequenceOfPrefer(*c, i));
    enable(restart_[i], consequenceOfRestart(*c, i));
  }
  enable(rehearse_, c->inputs.size() > 1 ? tr("Rehearse an input failover and measure its impact")
                                         : tr("Rehearse a pipeline kill and measure its impact"));
}

QString OperatorActions::noStandbyRegion() {
  return tr(
      "No standby region is configured for this channel: region failover needs a hook "
      "(region_failover.hook_url) that hands its viewers to a standby engine.");
}

std::string OperatorActions::switchTarget(const control::ChannelStatus& c) {
  if (c.inputs.size() < 2) return {};
  const auto& primary = c.inputs.front();
  if (c.onAir != primary.id && primary.fault == "fit") return primary.id;
  for (size_t i = 1; i < c.inputs.size(); ++i)
    if (c.inputs[i].id != c.onAir && c.inputs[i].fault == "fit") return c.inputs[i].id;
  return {};
}

QString OperatorActions::consequenceOfSwitch(const control::ChannelStatus& c, const std::string& toInput) {
  const auto* in = findInput(c, toInput);
  if (toInput == "slate" || !in)
    return tr(
        "Every viewer sees the slate (\"we'll be right back\") and hears silence until an input is put back "
        "on air.");
  if (in->fault != "fit")
    return tr("Input %1 is not fit (%2): viewers would see what it carries now, or the slate.")
        .arg(qs(toInput), qs(in->fault));
  if (in->hasAlignment && in->sameProgramme)
    return tr("Viewers see the feed of %1 from the next segment boundary. It carries the same programme "
              "(%2 ms behind): no frame lost or repeated, no stall, no discontinuity.")
        .arg(qs(toInput))
        .arg(in->driftMs, 0, 'f', 0);
  return tr("Viewers see the picture and sound of %1 from the next segment boundary: a cut to a different "
            "picture, but no stall and no discontinuity (the keyframe grid is kept).")
      .arg(qs(toInput));
}

QString OperatorActions::consequenceOfPrefer(const control::ChannelStatus& c, int pipeline) {
  const auto* p = findPipeline(c, pipeline);
  if (p && !p->steady)
    return tr("Pipeline %1 restarted recently and is held out of the manifest until its output is steady; the "
              "packager then takes its parts at a segment boundary. Viewers see no change.")
        .arg(pipeline);
  return tr("The packager takes the parts of pipeline %1 from the next segment boundary. Both pipelines encode "
            "the same pictures on the same keyframe grid: viewers see no change.")
      .arg(pipeline);
}

QString OperatorActions::consequenceOfRestart(const control::ChannelStatus& c, int pipeline) {
  const auto* other = findPipeline(c, 1 - pipeline);
  if (other && other->state == "up")
    return tr("The worker of pipeline %1 is killed and started again. Pipeline %2 carries the channel meanwhile: "
              "viewers see no change. Pipeline %1 rejoins once its output is steady.")
        .arg(pipeline)
        .arg(1 - pipeline);
  return tr("No other pipeline is up: while pipeline %1 restarts (a few seconds) viewers see the emergency slate, "
            "then the programme again.")
      .arg(pipeline);
}

QString OperatorActions::consequenceOfStop(const control::ChannelStatus&) {
  return tr(
      "The channel goes off air: every viewer's player stalls within seconds and then fails, because the "
      "playlists stop advancing. It stays declared and counts as an outage until it is started again.");
}

}  // namespace vigil::ui
