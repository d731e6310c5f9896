#include "tally.h"

#include <QCoreApplication>

namespace vigil::ui {

Tally tallyOf(const control::ChannelStatus& c) {
  using State = control::ChannelStatus::State;
  if (c.state != State::Running) return Tally::Down;
  if (c.emergencySlateOnAir || c.onAir == "slate") return Tally::Slate;
  if (!c.pipelines.empty()) {
    bool anyUp = false;
    for (const auto& p : c.pipelines) anyUp = anyUp || p.state == "up";
    if (!anyUp) return Tally::Down;
  }
  if (!c.inputs.empty() && !c.onAir.empty() && c.onAir != c.inputs.front().id) return Tally::Backup;
  return Tally::Primary;
}

QColor tallyColor(Tally tally) {
  // High contrast on the dark theme; distinct for the common colour
  // deficiencies too (green/amber differ in lightness, blue and red in hue).
  switch (tally) {
    case Tally::Primary:
      return QColor(0x2e, 0xcc, 0x40);
    case Tally::Backup:
      return QColor(0xff, 0xb0, 0x00);
    case Tally::Slate:
      return QColor(0x3d, 0x8b, 0xff);
    case Tally::Down:
      return QColor(0xff, 0x3b, 0x30);
  }
  return Qt::gray;
}

QString tallyText(Tally tally) {
  switch (tally) {
    case Tally::Primary:
      return QCoreApplication::translate("Tally", "On air: primary");
    case Tally::Backup:
      return QCoreApplication::translate("Tally", "On air: backup");
    case Tally::Slate:
      return QCoreApplication::translate("Tally", "Slate");
    case Tally::Down:
      return QCoreApplication::translate("Tally", "Down");
  }
  return {};
}

QString onAirText(const control::ChannelStatus& c) {
  const Tally t = tallyOf(c);
  if (t == Tally::Down)
    return c.state == control::ChannelStatus::State::Running
               ? QCoreApplication::translate("Tally", "Down: no pipeline is producing")
               : QCoreApplication::translate("Tally", "Down: the channel is %1")
                     .arg(QString::fromUtf8(control::toString(c.state)));
  if (c.emergencySlateOnAir) return QCoreApplication::translate("Tally", "Emergency slate: no pipeline delivers");
  if (c.inputs.empty()) return QCoreApplication::translate("Tally", "On air from the built-in test source");
  if (c.onAir == "slate")
    return c.slateByOperator ? QCoreApplication::translate("Tally", "Slate: put on air by an operator")
                             : QCoreApplication::translate("Tally", "Slate: no input is fit");
  QString text = QCoreApplication::translate("Tally", "On air from %1").arg(QString::fromStdString(c.onAir));
  if (t == Tally::Backup) {
    const auto& primary = c.inputs.front();
    text += QCoreApplication::translate("Tally", " (%1: %2)")
                .arg(QString::fromStdString(primary.id), QString::fromStdString(primary.fault));
  }
  if (c.holdOnBackup) text += QCoreApplication::translate("Tally", ", held on backup");
  return text;
}

int activePipeline(const control::ChannelStatus& c) {
  for (const auto& p : c.pipelines)
    if (p.onAir) return p.index;
  return -1;
}

QColor ageColor(double age, double warning, double critical) {
  if (age < 0) return QColor(0x80, 0x80, 0x80);
  if (age >= critical) return tallyColor(Tally::Down);
  if (age >= warning) return tallyColor(Tally::Backup);
  return tallyColor(Tally::Primary);
}

}  // namespace vigil::ui
