#include "confidence/confidence_panel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QVBoxLayout>

#include "confidence/audio_meter.h"
#include "confidence/confidence_monitor.h"

namespace vigil::ui {
namespace {
constexpr int kCompareIntervalMs = 500;
constexpr int kColumns = 2;
}  // namespace

ConfidencePanel::ConfidencePanel(EngineClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  setObjectName(QStringLiteral("confidencePanel"));
  auto* outer = new QVBoxLayout(this);
  status_ = new QLabel(tr("No channel selected"), this);
  status_->setObjectName(QStringLiteral("confidencePanelStatus"));
  outer->addWidget(status_);
  auto* row = new QHBoxLayout;
  grid_ = new QGridLayout;
  row->addLayout(grid_, 1);
  audio_ = new AudioMeter(this);
  audio_->setVisible(false);
  row->addWidget(audio_);
  outer->addLayout(row, 1);

  compareTimer_.setInterval(kCompareIntervalMs);
  connect(&compareTimer_, &QTimer::timeout, this, &ConfidencePanel::compareAlignment);
  connect(client_, &EngineClient::snapshotUpdated, this, &ConfidencePanel::onSnapshot);
}

ConfidencePanel::~ConfidencePanel() { stopProbes(); }

void ConfidencePanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  stopProbes();
  clearMonitors();
  channelId_ = channelId;
  spec_.reset();
  status_->setText(channelId_.empty() ? tr("No channel selected")
                                      : tr("Loading %1…").arg(QString::fromStdString(channelId_)));
  status_->setVisible(true);
  if (!channelId_.empty()) requestSpec();
}

void ConfidencePanel::requestSpec() {
  const std::string id = channelId_;
  specPending_ = true;
  client_->call(
      this,
      [id](control::EngineApi& api) -> std::optional<ChannelSpec> {
        for (auto& spec : api.channelSpecs())
          if (spec.id == id) return spec;
        return std::nullopt;
      },
      [this, id](const std::optional<ChannelSpec>& spec) {
        if (id != channelId_) return;  // the channel changed meanwhile (its own request is pending)
        specPending_ = false;
        if (!spec) {
          status_->setText(tr("Channel %1 is not declared").arg(QString::fromStdString(id)));
          return;
        }
        spec_ = spec;
        rebuild();
      });
}

void ConfidencePanel::onSnapshot() {
  if (channelId_.empty() || specPending_) return;
  const control::ChannelStatus* ch = client_->channel(channelId_);
  const std::string url = ch && ch->state == control::ChannelStatus::State::Running ? ch->hlsUrl : std::string();
  if (url == builtUrl_) return;
  // Running again (perhaps with an edited ladder): the spec is read afresh.
  if (!url.empty())
    requestSpec();
  else
    rebuild();
}

// On a fresh spec, or when the channel stops: the monitors follow what is
// declared and served now.
void ConfidencePanel::rebuild() {
  const control::ChannelStatus* ch = client_->channel(channelId_);
  const bool runningChannel = ch && ch->state == control::ChannelStatus::State::Running && !ch->hlsUrl.empty();
  const std::string url = runningChannel ? ch->hlsUrl : std::string();
  stopProbes();
  clearMonitors();
  builtUrl_ = url;
  if (url.empty() || !spec_) {
    status_->setText(tr("Channel %1 is not running").arg(QString::fromStdString(channelId_)));
    status_->setVisible(true);
    return;
  }
  status_->setVisible(false);
  const QString master = QString::fromStdString(url);
  int i = 0;
  for (const VideoRenditionSpec& v : spec_->video) {
    auto* monitor = new ConfidenceMonitor(this);
    monitor->setObjectName(QStringLiteral("confidenceMonitor_%1").arg(QString::fromStdString(v.id)));
    monitor->setSource(master, QString::fromStdString(v.id), v.bitrateBps);
    grid_->addWidget(monitor, i / kColumns, i % kColumns);
    monitors_.push_back(monitor);
    ++i;
  }
  audio_->setSource(master, QString::fromStdString(spec_->audio.id));
  audio_->setVisible(true);
  if (isVisible()) startProbes();
}

void ConfidencePanel::clearMonitors() {
  for (ConfidenceMonitor* m : monitors_) delete m;  // stops its probe
  monitors_.clear();
  audio_->setSource(QString(), QString());
  audio_->setVisible(false);
  builtUrl_.clear();
}

void ConfidencePanel::startProbes() {
  for (ConfidenceMonitor* m : monitors_) m->start();
  audio_->start();
  if (!monitors_.empty()) compareTimer_.start();
}

void ConfidencePanel::stopProbes() {
  compareTimer_.stop();
  // Every probe is told first, then each is waited for: the GUI thread waits
  // for the slowest probe to end, not for all of them one after the other.
  for (ConfidenceMonitor* m : monitors_) m->requestStop();
  audio_->requestStop();
  for (ConfidenceMonitor* m : monitors_) m->stop();
  audio_->stop();
}

bool ConfidencePanel::probesRunning() const {
  for (const ConfidenceMonitor* m : monitors_)
    if (m->running()) return true;
  return audio_->running();
}

bool ConfidencePanel::allAligned() const {
  if (monitors_.empty()) return false;
  for (const ConfidenceMonitor* m : monitors_)
    if (m->alignment() != ConfidenceMonitor::Alignment::Aligned) return false;
  return true;
}

// Contract 2 across the ladder: a segment starts at the same PTS in every
// rendition that has checked it.
void ConfidencePanel::compareAlignment() {
  for (ConfidenceMonitor* m : monitors_) {
    bool agree = true;
    for (const auto& [msn, pts] : m->idrHistory()) {
      for (const ConfidenceMonitor* peer : monitors_) {
        if (peer == m) continue;
        const auto it = peer->idrHistory().find(msn);
        if (it != peer->idrHistory().end() && it->second != pts) agree = false;
      }
    }
    m->setPeersAgree(agree);
  }
}

void ConfidencePanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  startProbes();
}

void ConfidencePanel::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  stopProbes();
}

}  // namespace vigil::ui
