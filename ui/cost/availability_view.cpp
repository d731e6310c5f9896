#include "cost/availability_view.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>

#include <cmath>

#include "tally.h"

namespace vigil::ui {
namespace {

QLabel* valueLabel(const char* objectName) {
  auto* l = new QLabel;
  l->setObjectName(QLatin1String(objectName));
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}

}  // namespace

AvailabilityView::AvailabilityView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("availabilityView"));
  auto* form = new QFormLayout(this);
  today_ = valueLabel("availabilityToday");
  month_ = valueLabel("availabilityMonth");
  slo_ = valueLabel("availabilitySlo");
  budget_ = valueLabel("availabilityBudget");
  topology_ = valueLabel("availabilityTopology");
  formula_ = valueLabel("availabilityFormula");
  error_ = valueLabel("availabilityError");
  form->addRow(tr("Today"), today_);
  form->addRow(tr("This month"), month_);
  form->addRow(tr("Objective"), slo_);
  form->addRow(tr("Error budget (month)"), budget_);
  form->addRow(tr("Topology should reach"), topology_);
  form->addRow(tr("Topology"), formula_);
  form->addRow(QString(), error_);
  clear();
}

QString AvailabilityView::percent(double fraction) { return QLocale().toString(fraction * 100.0, 'f', 3) + " %"; }

QString AvailabilityView::duration(double seconds) {
  const QString sign = seconds < 0 ? QStringLiteral("−") : QString();
  const auto total = static_cast<int64_t>(std::llround(std::fabs(seconds)));
  const int64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  if (h > 0)
    return sign + tr("%1 h %2 min %3 s").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
  if (m > 0) return sign + tr("%1 min %2 s").arg(m).arg(s, 2, 10, QLatin1Char('0'));
  return sign + tr("%1 s").arg(s);
}

QString AvailabilityView::stateLine(const monitor::StateSeconds& s) {
  return tr("healthy %1 · degraded %2 · outage %3").arg(duration(s.healthy), duration(s.degraded), duration(s.outage));
}

void AvailabilityView::setReport(const monitor::AvailabilityReport& r) {
  today_->setText(
      tr("%1 (%2): %3 achieved").arg(stateLine(r.today), QString::fromStdString(r.day), percent(r.achievedToday)));
  month_->setText(tr("%1 (%2): %3 achieved")
                      .arg(stateLine(r.thisMonth), QString::fromStdString(r.month), percent(r.achievedMonth)));
  slo_->setText(tr("%1 per month").arg(percent(r.sloPercent / 100.0)));
  const auto& b = r.monthBudget;
  budget_->setText(tr("%1 left of %2 (%3 used)")
                       .arg(duration(b.remainingSeconds), duration(b.allowedSeconds),
                            QLocale().toString(b.usedFraction * 100.0, 'f', 1) + " %"));
  // Overspent: the objective is already lost this month.
  budget_->setStyleSheet(b.remainingSeconds < 0 ? QStringLiteral("color: %1;").arg(tallyColor(Tally::Down).name())
                                                : QString());
  topology_->setText(percent(r.topologyAvailability));
  formula_->setText(QString::fromStdString(r.topology));
  error_->clear();
  error_->setVisible(false);
}

void AvailabilityView::setError(const QString& error) {
  error_->setText(error);
  error_->setVisible(!error.isEmpty());
}

void AvailabilityView::clear() {
  for (auto* l : {today_, month_, slo_, budget_, topology_, formula_}) l->setText(QStringLiteral("—"));
  error_->clear();
  error_->setVisible(false);
}

}  // namespace vigil::ui
