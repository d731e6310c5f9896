#include "health/input_card.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

#include "health/health_style.h"
#include "qt_string.h"
#include "tally.h"

namespace vigil::ui {

namespace {

QChartView* smallChart(QWidget* parent, const QString& title, QDateTimeAxis* time, QValueAxis* left) {
  auto* chart = new QChart;
  styleChart(chart);
  chart->setTitle(title);
  chart->legend()->setVisible(false);
  time->setFormat(QStringLiteral("HH:mm"));
  time->setTickCount(3);
  left->setLabelFormat(QStringLiteral("%.0f"));
  left->setTickCount(3);
  chart->addAxis(time, Qt::AlignBottom);
  chart->addAxis(left, Qt::AlignLeft);
  styleAxis(time);
  styleAxis(left);
  auto* view = new QChartView(chart, parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(220, 130);
  return view;
}

void attach(QChart* chart, QLineSeries* series, QAbstractAxis* x, QAbstractAxis* y, QColor color) {
  chart->addSeries(series);
  series->attachAxis(x);
  series->attachAxis(y);
  series->setPen(QPen(color, 1.5));
}

QString badgeStyle(QColor background) {
  return QStringLiteral(
             "QLabel { background: %1; color: #101215; font-weight: bold; padding: 2px 8px; border-radius: 3px; }")
      .arg(background.name());
}

}  // namespace

InputCard::InputCard(const std::string& inputId, bool primary, QWidget* parent)
    : QFrame(parent),
      primary_(primary),
      title_(new QLabel(this)),
      onAir_(new QLabel(this)),
      fault_(new QLabel(this)),
      connection_(new QLabel(this)),
      black_(new Lamp(tr("Black"), severityColor(monitor::Severity::Critical), this)),
      silence_(new Lamp(tr("Silence"), severityColor(monitor::Severity::Critical), this)),
      freeze_(new Lamp(tr("Freeze"), severityColor(monitor::Severity::Critical), this)),
      format_(new QLabel(this)),
      alignment_(new QLabel(this)),
      counters_(new QLabel(this)),
      bitrate_(new QLineSeries(this)),
      rtt_(new QLineSeries(this)),
      lost_(new QLineSeries(this)),
      bitrateTime_(new QDateTimeAxis),
      bitrateAxis_(new QValueAxis),
      linkTime_(new QDateTimeAxis),
      rttAxis_(new QValueAxis),
      lostAxis_(new QValueAxis) {
  const QString id = qs(inputId);
  input_.id = inputId;
  setObjectName(QStringLiteral("inputCard_%1").arg(id));
  setFrameShape(QFrame::StyledPanel);
  // The role, unless the id says it already ("primary (primary)").
  const QString role = primary ? tr("primary") : tr("backup");
  title_->setText(id.contains(role, Qt::CaseInsensitive) ? id : tr("%1 (%2)").arg(id, role));
  title_->setStyleSheet(QStringLiteral("font-weight: bold;"));
  onAir_->setObjectName(QStringLiteral("onAir"));
  fault_->setObjectName(QStringLiteral("fault"));
  connection_->setObjectName(QStringLiteral("connection"));
  black_->setObjectName(QStringLiteral("lampBlack"));
  silence_->setObjectName(QStringLiteral("lampSilence"));
  freeze_->setObjectName(QStringLiteral("lampFreeze"));
  format_->setObjectName(QStringLiteral("format"));
  alignment_->setObjectName(QStringLiteral("alignment"));
  counters_->setObjectName(QStringLiteral("counters"));
  counters_->setWordWrap(true);
  bitrate_->setName(tr("bitrate"));
  rtt_->setName(tr("RTT"));
  lost_->setName(tr("lost/s"));

  auto* bitrateView = smallChart(this, tr("Bitrate (kbps)"), bitrateTime_, bitrateAxis_);
  bitrateView->setObjectName(QStringLiteral("bitrateChart"));
  attach(bitrateView->chart(), bitrate_, bitrateTime_, bitrateAxis_, seriesColor(0));
  auto* linkView = smallChart(this, tr("SRT: RTT (ms), lost packets/s"), linkTime_, rttAxis_);
  linkChart_ = linkView;
  linkView->setObjectName(QStringLiteral("linkChart"));
  lostAxis_->setLabelFormat(QStringLiteral("%.1f"));
  lostAxis_->setTickCount(3);
  linkView->chart()->addAxis(lostAxis_, Qt::AlignRight);
  styleAxis(lostAxis_);
  attach(linkView->chart(), rtt_, linkTime_, rttAxis_, seriesColor(2));
  attach(linkView->chart(), lost_, linkTime_, lostAxis_, severityColor(monitor::Severity::Critical));

  auto* head = new QHBoxLayout;
  head->addWidget(title_);
  head->addStretch(1);
  head->addWidget(onAir_);
  auto* lamps = new QHBoxLayout;
  lamps->addWidget(black_);
  lamps->addWidget(silence_);
  lamps->addWidget(freeze_);
  lamps->addStretch(1);
  auto* charts = new QHBoxLayout;
  charts->addWidget(bitrateView, 1);
  charts->addWidget(linkView, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(head);
  layout->addWidget(fault_);
  layout->addWidget(connection_);
  layout->addLayout(lamps);
  layout->addWidget(format_);
  layout->addWidget(alignment_);
  layout->addWidget(counters_);
  layout->addLayout(charts, 1);
  setInput(input_, 0);
}

void InputCard::setInput(const control::InputStatus& in, int64_t takenUtcUs) {
  input_ = in;
  const QColor onAirColor = tallyColor(primary_ ? Tally::Primary : Tally::Backup);
  onAir_->setText(onAirText());
  onAir_->setStyleSheet(badgeStyle(in.onAir ? onAirColor : QColor(0x5a, 0x60, 0x69)));
  const bool fit = in.fault.empty() || in.fault == "fit";
  fault_->setText(faultText());
  fault_->setStyleSheet(
      QStringLiteral("color: %1")
          .arg(fit ? tallyColor(Tally::Primary).name() : severityColor(monitor::Severity::Critical).name()));
  connection_->setText(connectionText());
  linkChart_->setVisible(in.type != "rtmp");
  black_->setOn(in.black);
  silence_->setOn(in.silent);
  freeze_->setOn(in.frozen);
  format_->setText(formatText());
  alignment_->setText(alignmentText());
  QString counters = tr("sessions %1 (%2 failed) · continuity errors %3 · codec changes %4 · timestamp jumps %5")
                         .arg(in.sessions)
                         .arg(in.failedSessions)
                         .arg(in.continuityErrors)
                         .arg(in.codecChanges)
                         .arg(in.timestampJumps);
  if (!in.lastError.empty()) counters += tr(" · last error: %1").arg(qs(in.lastError));
  counters_->setText(counters);

  if (takenUtcUs <= lastTakenUs_) return;  // the same snapshot again: no new sample
  Sample s;
  s.utcUs = takenUtcUs;
  s.bitrateKbps = in.connected ? in.bitrateKbps : 0;
  s.rttMs = in.rttMs;
  // packetsLost counts over the publisher's session: a new session starts it again.
  if (lastLost_ >= 0 && in.packetsLost >= lastLost_ && lastTakenUs_ > 0)
    s.lostPerSecond = double(in.packetsLost - lastLost_) * 1e6 / double(takenUtcUs - lastTakenUs_);
  lastLost_ = in.packetsLost;
  lastTakenUs_ = takenUtcUs;
  ring_.push_back(s);
  while (!ring_.empty() && ring_.front().utcUs < takenUtcUs - kHistoryUs) ring_.pop_front();
  drawCharts();
}

void InputCard::drawCharts() {
  QList<QPointF> bitrate, rtt, lost;
  double topBitrate = 100, topRtt = 10, topLost = 1;
  for (const auto& s : ring_) {
    const double x = double(s.utcUs / 1000);
    bitrate.append({x, s.bitrateKbps});
    rtt.append({x, s.rttMs});
    lost.append({x, s.lostPerSecond});
    topBitrate = std::max(topBitrate, s.bitrateKbps * 1.15);
    topRtt = std::max(topRtt, s.rttMs * 1.15);
    topLost = std::max(topLost, s.lostPerSecond * 1.15);
  }
  bitrate_->replace(bitrate);
  rtt_->replace(rtt);
  lost_->replace(lost);
  if (ring_.empty()) return;
  const auto to = QDateTime::fromMSecsSinceEpoch(ring_.back().utcUs / 1000);
  const auto from = QDateTime::fromMSecsSinceEpoch((ring_.back().utcUs - kHistoryUs) / 1000);
  bitrateTime_->setRange(from, to);
  linkTime_->setRange(from, to);
  bitrateAxis_->setRange(0, topBitrate);
  rttAxis_->setRange(0, topRtt);
  lostAxis_->setRange(0, topLost);
  for (auto* axis : {bitrateAxis_, rttAxis_, lostAxis_}) axis->applyNiceNumbers();
}

int InputCard::chartPoints() const { return static_cast<int>(bitrate_->count()); }

QString InputCard::onAirText() const { return input_.onAir ? tr("ON AIR") : tr("STANDBY"); }

QString InputCard::faultText() const {
  if (input_.fault.empty() || input_.fault == "fit") return tr("Fit");
  return tr("Unfit: %1").arg(qs(input_.fault));
}

QString InputCard::connectionText() const {
  const QString type = qs(input_.type).toUpper();
  if (!input_.connected) {
    if (input_.msSincePacket >= 0)
      return tr("%1: not connected (last packet %2 s ago)").arg(type).arg(input_.msSincePacket / 1000.0, 0, 'f', 1);
    return tr("%1: not connected (nothing received yet)").arg(type);
  }
  return input_.peer.empty() ? tr("%1: connected").arg(type) : tr("%1: connected from %2").arg(type, qs(input_.peer));
}

QString InputCard::formatText() const {
  if (input_.width <= 0) return tr("No picture decoded yet");
  QString text = tr("%1x%2 at %3 fps").arg(input_.width).arg(input_.height).arg(input_.frameRate, 0, 'f', 2);
  if (!input_.videoCodec.empty() || !input_.audioCodec.empty())
    text += tr(" · %1 / %2")
                .arg(input_.videoCodec.empty() ? tr("no video") : qs(input_.videoCodec),
                     input_.audioCodec.empty() ? tr("no audio") : qs(input_.audioCodec));
  if (input_.keyframeIntervalMs > 0) text += tr(" · keyframe every %1 ms").arg(input_.keyframeIntervalMs);
  text += tr(" · %1 kbps").arg(input_.bitrateKbps, 0, 'f', 0);
  return text;
}

QString InputCard::alignmentText() const {
  if (!input_.hasAlignment) return tr("Alignment with the input on air: unknown");
  return input_.sameProgramme ? tr("Same programme as on air, drift %1 ms").arg(input_.driftMs, 0, 'f', 1)
                              : tr("Not the same programme as on air (drift %1 ms)").arg(input_.driftMs, 0, 'f', 1);
}

}  // namespace vigil::ui
