// The one-click actions of master control, for the channel in view: each a
// QAction with a keyboard shortcut, each asking for a confirmation that says
// what the viewer will see, each carried out through EngineClient (so it is
// an audit event with the operator's name). An action that cannot be taken
// now is disabled with the reason in its tooltip.
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <string>

class QAction;
class QWidget;

namespace vigil::control {
struct ChannelStatus;
}

namespace vigil::ui {

class EngineClient;

class OperatorActions : public QObject {
  Q_OBJECT

 public:
  // Asked before every action: title, the text saying what viewers will see;
  // true to go ahead. The default shows a QMessageBox over `dialogParent`.
  using Confirm = std::function<bool(const QString& title, const QString& consequence)>;

  OperatorActions(EngineClient* client, QWidget* dialogParent);
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }

  QAction* switchInput() const { return switchInput_; }  // to the next fit input (or back to the primary)
  QAction* holdOnBackup() const { return hold_; }        // checkable
  QAction* preferPipeline(int index) const { return prefer_[index & 1]; }
  QAction* restartPipeline(int index) const { return restart_[index & 1]; }
  QAction* startChannel() const { return start_; }
  QAction* stopChannel() const { return stop_; }
  QAction* rehearse() const { return rehearse_; }
  QAction* regionFailover() const { return region_; }
  QList<QAction*> all() const;

  // What the confirmation says for each action on this channel (also the
  // tooltip): the consequence for viewers, computed from its status.
  static QString consequenceOfSwitch(const control::ChannelStatus& c, const std::string& toInput);
  static QString consequenceOfPrefer(const control::ChannelStatus& c, int pipeline);
  static QString consequenceOfRestart(const control::ChannelStatus& c, int pipeline);
  static QString consequenceOfStop(const control::ChannelStatus& c);
  static QString noStandbyRegion();
  // The input a "switch input" goes to: the primary when another is on air, else the next fit backup.
  static std::string switchTarget(const control::ChannelStatus& c);

 private:
  void refresh();  // enabled state and tooltips from the newest snapshot
  bool ask(const QString& title, const QString& consequence);

  EngineClient* client_;
  QWidget* dialogParent_;
  Confirm confirm_;
  std::string channelId_;
  QAction* switchInput_;
  QAction* hold_;
  QAction* prefer_[2];
  QAction* restart_[2];
  QAction* start_;
  QAction* stop_;
  QAction* rehearse_;
  QAction* region_;
};

}  // namespace vigil::ui
