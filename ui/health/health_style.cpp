#include "health/health_style.h"

#include <QAbstractAxis>
#include <QChart>
#include <QCoreApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QPainter>
#include <QTimeZone>

#include "tally.h"

namespace vigil::ui {

namespace {
const QColor kChartBackground(0x10, 0x12, 0x15);
const QColor kChartText(0xaa, 0xb2, 0xbd);
const QColor kGrid(0x2a, 0x2e, 0x35);
constexpr int kLampDiameter = 12;
}  // namespace

void styleChart(QChart* chart) {
  chart->setBackgroundBrush(kChartBackground);
  chart->setBackgroundRoundness(0);
  chart->setDropShadowEnabled(false);
  chart->setTitleBrush(kChartText);
  chart->legend()->setLabelColor(kChartText);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(4, 4, 4, 4));
  chart->setAnimationOptions(QChart::NoAnimation);  // a refresh a second: animation would only lag
}

void styleAxis(QAbstractAxis* axis) {
  axis->setLabelsColor(kChartText);
  axis->setTitleBrush(kChartText);
  axis->setGridLineColor(kGrid);
  axis->setLinePenColor(kGrid);
}

QColor seriesColor(int index) {
  static const QColor colors[] = {QColor(0x6c, 0xb4, 0xff), QColor(0xc7, 0x92, 0xea), QColor(0x4e, 0xd8, 0xc8),
                                  QColor(0xf0, 0x8f, 0xc0), QColor(0xd8, 0xd8, 0xd8), QColor(0x9a, 0xc8, 0x5a)};
  constexpr int n = sizeof(colors) / sizeof(colors[0]);
  return colors[((index % n) + n) % n];
}

QColor severityColor(monitor::Severity severity) {
  return tallyColor(severity == monitor::Severity::Critical ? Tally::Down : Tally::Backup);
}

QString severityText(monitor::Severity severity) {
  return severity == monitor::Severity::Critical ? QCoreApplication::translate("Health", "critical")
                                                 : QCoreApplication::translate("Health", "warning");
}

QString utcText(int64_t utcUs) {
  if (utcUs <= 0) return {};
  return QDateTime::fromMSecsSinceEpoch(utcUs / 1000, QTimeZone::utc())
      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

Lamp::Lamp(const QString& text, QColor onColor, QWidget* parent)
    : QWidget(parent), onColor_(onColor), label_(new QLabel(text, this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(kLampDiameter + 6, 0, 0, 0);
  layout->addWidget(label_);
  setMinimumHeight(kLampDiameter + 2);
}

void Lamp::setOn(bool on) {
  if (on == on_) return;
  on_ = on;
  update();
}

QString Lamp::text() const { return label_->text(); }

void Lamp::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(QColor(0x3a, 0x3f, 0x47), 1));
  p.setBrush(on_ ? onColor_ : QColor(0x24, 0x27, 0x2d));
  p.drawEllipse(QRectF(1, (height() - kLampDiameter) / 2.0, kLampDiameter, kLampDiameter));
}

}  // namespace vigil::ui
