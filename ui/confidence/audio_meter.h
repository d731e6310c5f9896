// The audio rendition as viewers get it: sample peak (dBFS) and EBU R128
// loudness (momentary and short-term LUFS, measured by libavfilter's ebur128
// in the probe) as two bars, from a RenditionProbe following the origin.
#pragma once

#include <QLabel>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <memory>

#include "confidence/rendition_probe.h"

namespace vigil::ui {

class LevelBar;

class AudioMeter : public QWidget {
  Q_OBJECT

 public:
  explicit AudioMeter(QWidget* parent = nullptr);
  ~AudioMeter() override;  // stops the probe

  void setSource(const QString& masterUrl, const QString& renditionId);
  void start();
  void stop();
  void requestStop();  // stop() without waiting (see RenditionProbe::requestStop)
  bool running() const { return probe_ != nullptr; }

  const QString& renditionId() const { return renditionId_; }
  confidence::ProbeStats stats() const;
  // As shown (the floor, -70, when nothing is measured yet).
  double peakDbfs() const { return peakDbfs_; }
  double momentaryLufs() const { return momentaryLufs_; }
  double shortTermLufs() const { return shortTermLufs_; }

  static constexpr double kFloorDb = -70;

 signals:
  void levelsUpdated();

 private:
  void refresh();

  QString masterUrl_;
  QString renditionId_;
  std::unique_ptr<confidence::RenditionProbe> probe_;
  confidence::ProbeStats lastStats_;
  QLabel* title_ = nullptr;
  LevelBar* peakBar_ = nullptr;
  LevelBar* loudnessBar_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* status_ = nullptr;
  QTimer timer_;
  double peakDbfs_ = kFloorDb;
  double momentaryLufs_ = kFloorDb;
  double shortTermLufs_ = kFloorDb;
};

}  // namespace vigil::ui
