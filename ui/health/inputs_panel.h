// Dual-input health of a channel (ChannelStatus::inputs): one card per
// contribution input, in the channel's order (the primary first), above them
// what the input switch does (the input on air, held on backup or not, the
// switches so far). A channel on the built-in test source says so instead.
// Everything comes from the client's snapshots; the cards keep the chart
// history themselves.
#pragma once

#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "engine_client.h"

class QHBoxLayout;
class QLabel;

namespace vigil::ui {

class InputCard;

class InputsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit InputsPanel(EngineClient* client, QWidget* parent = nullptr);

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }

  int cardCount() const { return static_cast<int>(cards_.size()); }
  InputCard* card(const std::string& inputId) const;
  bool showsNoInputs() const;  // the "test source" line is up
  QString switchText() const;  // on air, hold, switches

 private:
  void onSnapshot();
  void clearCards();

  EngineClient* client_;
  std::string channelId_;
  std::map<std::string, InputCard*> cards_;
  std::vector<std::string> order_;  // input ids as the cards stand
  QLabel* switch_;
  QLabel* noInputs_;
  QHBoxLayout* cardRow_;
};

}  // namespace vigil::ui
