// The channel view's confidence monitors: one ConfidenceMonitor per video
// rendition of the channel and an AudioMeter for its audio, all following the
// origin as a viewer does. Decoding costs CPU, so the probes run only while
// the panel is shown and has a running channel; changing the channel stops
// the old probes first (with four channels, only the viewed one is decoded).
#pragma once

#include <QLabel>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <optional>
#include <string>
#include <vector>

#include "engine_client.h"

class QGridLayout;

namespace vigil::ui {

class AudioMeter;
class ConfidenceMonitor;

class ConfidencePanel : public QWidget {
  Q_OBJECT

 public:
  explicit ConfidencePanel(EngineClient* client, QWidget* parent = nullptr);
  ~ConfidencePanel() override;

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }

  const std::vector<ConfidenceMonitor*>& monitors() const { return monitors_; }
  AudioMeter* audioMeter() const { return audio_; }
  bool probesRunning() const;
  // Every monitor's keyframe indicator green (and at least one segment checked).
  bool allAligned() const;

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void requestSpec();
  void rebuild();  // monitors for the spec, once the channel has a playlist URL
  void clearMonitors();
  void startProbes();
  void stopProbes();
  void compareAlignment();
  void onSnapshot();

  EngineClient* client_;
  std::string channelId_;
  std::optional<ChannelSpec> spec_;
  bool specPending_ = false;  // a channelSpecs() call for channelId_ is on its way
  std::string builtUrl_;      // the master URL the monitors follow ("" : none built)
  QLabel* status_ = nullptr;
  QGridLayout* grid_ = nullptr;
  std::vector<ConfidenceMonitor*> monitors_;
  AudioMeter* audio_ = nullptr;
  QTimer compareTimer_;
};

}  // namespace vigil::ui
