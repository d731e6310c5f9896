// One channel, everything master control needs on one screen: what is on air
// (tally, input, pipeline), what viewers get (confidence monitors, manifest
// age), the health behind it (inputs, pipelines, alarms, events) and the
// one-click actions with their consequences.
#pragma once

#include <QWidget>

#include <functional>
#include <string>
#include <vector>

class QLabel;
class QSplitter;
class QTabWidget;

namespace vigil::control {
struct RehearsalReport;
}

namespace vigil::ui {

class EngineClient;
class OperatorActions;

class ChannelView : public QWidget {
  Q_OBJECT

 public:
  explicit ChannelView(EngineClient* client, QWidget* parent = nullptr);
  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }
  OperatorActions* actions() const { return actions_; }
  QTabWidget* tabs() const { return tabs_; }

 signals:
  void backToWall();
  void editChannel(const std::string& channelId);

 private:
  void refresh();
  void showRehearsal(const QString& channelId, bool ok, const control::RehearsalReport& report, const QString& error);

  EngineClient* client_;
  std::string channelId_;
  OperatorActions* actions_;
  QLabel* title_;
  QLabel* tally_;
  QLabel* onAir_;
  QLabel* age_;
  QLabel* rehearsal_;
  QSplitter* left_;   // what viewers get: confidence monitors over the manifest-age graph
  QTabWidget* tabs_;  // the health behind it
  int alarmsTab_ = -1;
  std::vector<std::function<void(const std::string&)>> panelSetters_;

  // Adds a panel (a widget with setChannel(const std::string&)) on the left or as a tab.
  template <typename Panel>
  Panel* addPanel(Panel* panel, const QString& tab = {});
};

}  // namespace vigil::ui
