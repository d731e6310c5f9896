// What the channel view's health panels share: charts in the control-room
// palette, severity colours, and a lamp (a round indicator with its label).
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>

#include "monitor/alarm_book.h"

class QAbstractAxis;
class QChart;
class QLabel;

namespace vigil::ui {

// Dark background, light text, no drop shadow: a chart among the panels, not a poster.
void styleChart(QChart* chart);
void styleAxis(QAbstractAxis* axis);
// Distinct line colours on the dark theme (cycled by index).
QColor seriesColor(int index);
// Warning amber, critical red (the tally's backup and down colours).
QColor severityColor(monitor::Severity severity);
QString severityText(monitor::Severity severity);  // translated
// "2026-12-06 16:50:24.123" (UTC, ms): how every time in the log and the alarms reads.
QString utcText(int64_t utcUs);

// A round indicator: lit in its colour when on, dark when off.
class Lamp : public QWidget {
  Q_OBJECT

 public:
  Lamp(const QString& text, QColor onColor, QWidget* parent = nullptr);
  void setOn(bool on);
  bool isOn() const { return on_; }
  QString text() const;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QColor onColor_;
  bool on_ = false;
  QLabel* label_;
};

}  // namespace vigil::ui
