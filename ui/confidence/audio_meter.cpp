#include "confidence/audio_meter.h"

#include <QHBoxLayout>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

#include "tally.h"

namespace vigil::ui {

// A vertical bar from kFloorDb to 0 dB with green / amber / red zones and an
// optional second marker (short-term loudness over the momentary bar).
class LevelBar : public QWidget {
 public:
  LevelBar(QString caption, double amberFromDb, double redFromDb, QWidget* parent)
      : QWidget(parent), caption_(std::move(caption)), amberDb_(amberFromDb), redDb_(redFromDb) {
    setMinimumSize(28, 120);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
  }
  void setLevels(double db, double markerDb) {
    db_ = db;
    markerDb_ = markerDb;
    update();
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    const int captionH = fontMetrics().height();
    const QRect bar = rect().adjusted(4, 2, -4, -captionH - 2);
    p.fillRect(bar, QColor(0x20, 0x20, 0x20));
    auto yOf = [&](double db) {
      const double f = std::clamp((db - AudioMeter::kFloorDb) / -AudioMeter::kFloorDb, 0.0, 1.0);
      return bar.bottom() - static_cast<int>(f * bar.height());
    };
    // Zones: each part of the filled bar in its colour.
    auto fill = [&](double fromDb, double toDb, const QColor& c) {
      const double hi = std::min(toDb, db_);
      if (hi <= fromDb) return;
      p.fillRect(QRect(QPoint(bar.left(), yOf(hi)), QPoint(bar.right(), yOf(fromDb))), c);
    };
    fill(AudioMeter::kFloorDb, amberDb_, tallyColor(Tally::Primary));
    fill(amberDb_, redDb_, tallyColor(Tally::Backup));
    fill(redDb_, 0, tallyColor(Tally::Down));
    // A tick every 10 dB.
    p.setPen(QColor(0, 0, 0, 140));
    for (int db = -10; db > AudioMeter::kFloorDb; db -= 10) p.drawLine(bar.left(), yOf(db), bar.left() + 5, yOf(db));
    if (markerDb_ > AudioMeter::kFloorDb) {
      p.setPen(QPen(Qt::white, 2));
      const int y = yOf(markerDb_);
      p.drawLine(bar.left(), y, bar.right(), y);
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, height() - captionH, width(), captionH), Qt::AlignCenter, caption_);
  }

 private:
  QString caption_;
  double amberDb_;
  double redDb_;
  double db_ = AudioMeter::kFloorDb;
  double markerDb_ = AudioMeter::kFloorDb;
};

namespace {
constexpr int kRefreshMs = 100;

QString dbText(double db) { return db <= AudioMeter::kFloorDb ? QStringLiteral("−∞") : QString::number(db, 'f', 1); }
}  // namespace

AudioMeter::AudioMeter(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("audioMeter"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  title_ = new QLabel(this);
  title_->setObjectName(QStringLiteral("audioMeterTitle"));
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  layout->addWidget(title_);
  auto* bars = new QHBoxLayout;
  peakBar_ = new LevelBar(tr("Peak"), -9, -1, this);  // -1: EBU R128's ceiling
  peakBar_->setObjectName(QStringLiteral("audioPeakBar"));
  peakBar_->setToolTip(tr("Sample peak, dBFS"));
  loudnessBar_ = new LevelBar(tr("LUFS"), -18, -10, this);  // target -23 LUFS
  loudnessBar_->setObjectName(QStringLiteral("audioLoudnessBar"));
  loudnessBar_->setToolTip(tr("Momentary loudness (bar) and short-term loudness (line), LUFS; EBU R128 target -23"));
  bars->addWidget(peakBar_);
  bars->addWidget(loudnessBar_);
  layout->addLayout(bars, 1);
  readout_ = new QLabel(this);
  readout_->setObjectName(QStringLiteral("audioReadout"));
  layout->addWidget(readout_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("audioStatus"));
  status_->setWordWrap(true);
  layout->addWidget(status_);
  timer_.setInterval(kRefreshMs);
  connect(&timer_, &QTimer::timeout, this, &AudioMeter::refresh);
  refresh();
}

AudioMeter::~AudioMeter() { stop(); }

void AudioMeter::setSource(const QString& masterUrl, const QString& renditionId) {
  const bool wasRunning = running();
  stop();
  masterUrl_ = masterUrl;
  renditionId_ = renditionId;
  if (wasRunning) start();
  refresh();
}

void AudioMeter::start() {
  if (probe_ || masterUrl_.isEmpty()) return;
  confidence::ProbeConfig config;
  config.masterUrl = masterUrl_.toStdString();
  config.renditionId = renditionId_.toStdString();
  probe_ = std::make_unique<confidence::RenditionProbe>(std::move(config));
  probe_->start();
  timer_.start();
}

void AudioMeter::requestStop() {
  if (probe_) probe_->requestStop();
}

void AudioMeter::stop() {
  if (!probe_) return;
  probe_->stop();
  lastStats_ = probe_->stats();
  probe_.reset();
  timer_.stop();
  refresh();
}

confidence::ProbeStats AudioMeter::stats() const { return probe_ ? probe_->stats() : lastStats_; }

void AudioMeter::refresh() {
  const confidence::ProbeStats s = stats();
  const bool live = probe_ && s.state == confidence::ProbeStats::State::Playing;
  auto shown = [&](double db) { return live ? std::max(kFloorDb, db) : kFloorDb; };
  peakDbfs_ = shown(s.peakDbfs);
  momentaryLufs_ = shown(s.momentaryLufs);
  shortTermLufs_ = shown(s.shortTermLufs);
  title_->setText(renditionId_.isEmpty() ? tr("Audio") : tr("Audio %1").arg(renditionId_));
  peakBar_->setLevels(peakDbfs_, kFloorDb);
  loudnessBar_->setLevels(momentaryLufs_, shortTermLufs_);
  readout_->setText(
      tr("Peak %1 dBFS\nM %2 / S %3 LUFS").arg(dbText(peakDbfs_), dbText(momentaryLufs_), dbText(shortTermLufs_)));
  QString status;
  if (!probe_)
    status = tr("Stopped");
  else if (s.state == confidence::ProbeStats::State::Retrying)
    status = tr("Retrying: %1").arg(QString::fromStdString(s.status));
  else if (s.state == confidence::ProbeStats::State::Failed)
    status = tr("Cannot follow: %1").arg(QString::fromStdString(s.status));
  else if (s.state == confidence::ProbeStats::State::Connecting)
    status = tr("Connecting…");
  status_->setText(status);
  status_->setVisible(!status.isEmpty());
  emit levelsUpdated();
}

}  // namespace vigil::ui
