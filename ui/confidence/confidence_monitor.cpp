#include "confidence/confidence_monitor.h"

#include <QGridLayout>
#include <QVBoxLayout>
#include <QVideoFrame>
#include <QVideoFrameFormat>
#include <QVideoSink>
#include <QVideoWidget>

#include <cstring>

#include "tally.h"

namespace vigil::ui {
namespace {

constexpr int kStatsIntervalMs = 250;
constexpr size_t kIdrHistorySegments = 8;

QString chip(const QColor& background) {
  return QStringLiteral("QLabel { background: %1; color: black; border-radius: 3px; padding: 1px 6px; }")
      .arg(background.name());
}

}  // namespace

ConfidenceMonitor::ConfidenceMonitor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("confidenceMonitor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->setSpacing(2);
  video_ = new QVideoWidget(this);
  video_->setObjectName(QStringLiteral("confidenceVideo"));
  video_->setMinimumSize(192, 108);
  video_->setAspectRatioMode(Qt::KeepAspectRatio);
  layout->addWidget(video_, 1);

  auto* labels = new QGridLayout;
  labels->setHorizontalSpacing(8);
  auto make = [this](const char* name) {
    auto* l = new QLabel(this);
    l->setObjectName(QLatin1String(name));
    return l;
  };
  title_ = make("confidenceTitle");
  resolution_ = make("confidenceResolution");
  bitrate_ = make("confidenceBitrate");
  fps_ = make("confidenceFps");
  keyframe_ = make("confidenceKeyframe");
  status_ = make("confidenceStatus");
  status_->setWordWrap(true);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  labels->addWidget(title_, 0, 0);
  labels->addWidget(resolution_, 0, 1);
  labels->addWidget(fps_, 0, 2);
  labels->addWidget(bitrate_, 1, 0, 1, 2);
  labels->addWidget(keyframe_, 1, 2);
  labels->addWidget(status_, 2, 0, 1, 3);
  layout->addLayout(labels);

  statsTimer_.setInterval(kStatsIntervalMs);
  connect(&statsTimer_, &QTimer::timeout, this, &ConfidenceMonitor::refreshStats);
  refreshStats();
}

ConfidenceMonitor::~ConfidenceMonitor() { stop(); }

void ConfidenceMonitor::setSource(const QString& masterUrl, const QString& renditionId, int64_t targetBitrateBps) {
  const bool wasRunning = running();
  stop();
  masterUrl_ = masterUrl;
  renditionId_ = renditionId;
  targetBitrateBps_ = targetBitrateBps;
  idrHistory_.clear();
  alignment_ = Alignment::Unknown;
  title_->setText(renditionId_);
  if (wasRunning) start();
  refreshStats();
}

void ConfidenceMonitor::start() {
  if (running() || masterUrl_.isEmpty()) return;
  confidence::ProbeConfig config;
  config.masterUrl = masterUrl_.toStdString();
  config.renditionId = renditionId_.toStdString();
  // Called on the probe's thread: keep only the newest picture, and queue
  // one presentation at a time.
  probe_ = std::make_unique<confidence::RenditionProbe>(
      std::move(config), [this](std::shared_ptr<const confidence::Picture> picture) {
        std::lock_guard lock(pendingMutex_);
        pending_ = std::move(picture);
        if (presentQueued_) return;
        presentQueued_ = true;
        QMetaObject::invokeMethod(this, &ConfidenceMonitor::presentNewest, Qt::QueuedConnection);
      });
  probe_->start();
  statsTimer_.start();
}

void ConfidenceMonitor::requestStop() {
  if (probe_) probe_->requestStop();
}

void ConfidenceMonitor::stop() {
  if (!probe_) return;
  probe_->stop();  // joins: no picture is handed over after this
  lastStats_ = probe_->stats();
  probe_.reset();
  statsTimer_.stop();
  {
    std::lock_guard lock(pendingMutex_);
    pending_.reset();
  }
  refreshStats();
}

bool ConfidenceMonitor::running() const { return probe_ != nullptr; }

confidence::ProbeStats ConfidenceMonitor::stats() const { return probe_ ? probe_->stats() : lastStats_; }

QVideoSink* ConfidenceMonitor::videoSink() const { return video_->videoSink(); }

void ConfidenceMonitor::presentNewest() {
  std::shared_ptr<const confidence::Picture> picture;
  {
    std::lock_guard lock(pendingMutex_);
    picture = std::move(pending_);
    presentQueued_ = false;
  }
  if (!picture || !picture->pixels) return;
  QVideoFrame frame(QVideoFrameFormat(QSize(picture->width, picture->height), QVideoFrameFormat::Format_RGBX8888));
  if (!frame.map(QVideoFrame::WriteOnly)) return;
  uchar* dst = frame.bits(0);
  const int dstStride = frame.bytesPerLine(0);
  const size_t rowBytes = static_cast<size_t>(std::min(dstStride, picture->width * 4));
  for (int y = 0; y < picture->height; ++y)
    std::memcpy(dst + static_cast<ptrdiff_t>(y) * dstStride,
                picture->pixels.get() + static_cast<ptrdiff_t>(y) * picture->strideBytes, rowBytes);
  frame.unmap();
  frame.setStartTime(picture->pts90k * 100 / 9);
  video_->videoSink()->setVideoFrame(frame);
  ++framesPresented_;
}

bool ConfidenceMonitor::bitrateOutOfBand(double measuredBps, int64_t targetBps) {
  if (measuredBps < 0 || targetBps <= 0) return false;
  return measuredBps > 1.1 * static_cast<double>(targetBps) || measuredBps < 0.5 * static_cast<double>(targetBps);
}

void ConfidenceMonitor::setPeersAgree(bool agree) {
  if (peersAgree_ == agree) return;
  peersAgree_ = agree;
  refreshStats();
}

void ConfidenceMonitor::refreshStats() {
  const confidence::ProbeStats s = stats();
  if (s.lastCheckedMsn >= 0) {
    idrHistory_[s.lastCheckedMsn] = s.lastIdrPts90k;
    while (idrHistory_.size() > kIdrHistorySegments) idrHistory_.erase(idrHistory_.begin());
  }

  title_->setText(renditionId_);
  resolution_->setText(s.width > 0 ? tr("%1×%2").arg(s.width).arg(s.height) : tr("—"));
  fps_->setText(tr("%1 fps").arg(s.fps, 0, 'f', 1));

  const QString target = targetBitrateBps_ > 0 ? QString::number(targetBitrateBps_ / 1000) : QStringLiteral("?");
  if (s.measuredBitrateBps >= 0) {
    bitrate_->setText(tr("%1 / %2 kbps").arg(s.measuredBitrateBps / 1000.0, 0, 'f', 0).arg(target));
    bitrate_->setStyleSheet(bitrateOutOfBand(s.measuredBitrateBps, targetBitrateBps_) ? chip(tallyColor(Tally::Backup))
                                                                                      : QString());
  } else {
    bitrate_->setText(tr("— / %1 kbps").arg(target));
    bitrate_->setStyleSheet(QString());
  }

  if (s.lastCheckedMsn < 0) {
    alignment_ = Alignment::Unknown;
    keyframe_->setText(tr("IDR ?"));
    keyframe_->setStyleSheet(chip(QColor(0x80, 0x80, 0x80)));
    keyframe_->setToolTip(tr("No segment start seen yet"));
  } else if (s.lastSegmentAligned && peersAgree_) {
    alignment_ = Alignment::Aligned;
    keyframe_->setText(tr("IDR ✓"));
    keyframe_->setStyleSheet(chip(tallyColor(Tally::Primary)));
    keyframe_->setToolTip(
        tr("Segment %1 starts with an IDR at its boundary, as in the other renditions").arg(s.lastCheckedMsn));
  } else {
    alignment_ = Alignment::Misaligned;
    keyframe_->setText(tr("IDR ✗"));
    keyframe_->setStyleSheet(chip(tallyColor(Tally::Down)));
    keyframe_->setToolTip(!s.lastSegmentAligned
                              ? QString::fromStdString(s.alignmentDetail)
                              : tr("Another rendition starts segment %1 elsewhere").arg(s.lastCheckedMsn));
  }

  QString status;
  switch (s.state) {
    case confidence::ProbeStats::State::Idle:
    case confidence::ProbeStats::State::Stopped:
      status = tr("Stopped");
      break;
    case confidence::ProbeStats::State::Connecting:
      status = tr("Connecting…");
      break;
    case confidence::ProbeStats::State::Playing:
      status = s.lastError.empty() ? QString() : QString::fromStdString(s.lastError);
      break;
    case confidence::ProbeStats::State::Retrying:
      status = tr("Retrying: %1").arg(QString::fromStdString(s.status));
      break;
    case confidence::ProbeStats::State::Failed:
      status = tr("Cannot follow: %1").arg(QString::fromStdString(s.status));
      break;
  }
  status_->setText(status);
  status_->setVisible(!status.isEmpty());
  emit statsUpdated();
}

}  // namespace vigil::ui
