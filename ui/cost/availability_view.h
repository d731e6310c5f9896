// A channel's availability as the engine accounts it (monitor::AvailabilityReport):
// today's and the month's healthy / degraded / outage time, what was achieved
// against the objective, the month's error budget, and what the channel's
// topology should reach with the formula behind it.
#pragma once

#include <QString>
#include <QWidget>

#include "monitor/availability.h"

class QLabel;

namespace vigil::ui {

class AvailabilityView : public QWidget {
  Q_OBJECT

 public:
  explicit AvailabilityView(QWidget* parent = nullptr);

  void setReport(const monitor::AvailabilityReport& report);
  void setError(const QString& error);
  void clear();

  // "99.998 %" (a fraction in, three decimals out).
  static QString percent(double fraction);
  // "2 h 03 min 04 s", "12 s"; a leading "−" when negative (an overspent budget).
  static QString duration(double seconds);
  // "healthy … · degraded … · outage …"
  static QString stateLine(const monitor::StateSeconds& s);

 private:
  QLabel* today_;
  QLabel* month_;
  QLabel* slo_;
  QLabel* budget_;
  QLabel* topology_;
  QLabel* formula_;
  QLabel* error_;
};

}  // namespace vigil::ui
