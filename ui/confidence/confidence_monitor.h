// One rendition's live picture as viewers get it (a RenditionProbe following
// the origin), with what an operator checks at a glance: resolution, measured
// bitrate against the target, frame rate and the keyframe contract. Pictures
// go to a QVideoWidget's sink on the GUI thread, coalesced to the newest: a
// slow GUI drops pictures, it never queues them.
#pragma once

#include <QLabel>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "confidence/rendition_probe.h"

class QVideoSink;
class QVideoWidget;

namespace vigil::ui {

class ConfidenceMonitor : public QWidget {
  Q_OBJECT

 public:
  enum class Alignment { Unknown, Aligned, Misaligned };

  explicit ConfidenceMonitor(QWidget* parent = nullptr);
  ~ConfidenceMonitor() override;  // stops the probe

  // What to follow: the channel's multivariant playlist URL, the rendition,
  // and its target (from the channel's spec) to compare the measured bitrate with.
  void setSource(const QString& masterUrl, const QString& renditionId, int64_t targetBitrateBps);
  void start();
  void stop();
  void requestStop();  // stop() without waiting (see RenditionProbe::requestStop)
  bool running() const;

  const QString& renditionId() const { return renditionId_; }
  int64_t targetBitrateBps() const { return targetBitrateBps_; }
  confidence::ProbeStats stats() const;  // the probe's, now
  QVideoSink* videoSink() const;
  uint64_t framesPresented() const { return framesPresented_; }  // handed to the sink
  // The keyframe contract as shown (this rendition's last segment, and its peers').
  Alignment alignment() const { return alignment_; }
  // Segment number -> PTS (90 kHz) of its first frame, as checked (recent segments).
  const std::map<int64_t, int64_t>& idrHistory() const { return idrHistory_; }
  // The panel's verdict across renditions: false when a peer's IDR for a
  // segment this one checked was elsewhere.
  void setPeersAgree(bool agree);

  // Over 1.1x or under 0.5x of the target: shown in the warning colour.
  static bool bitrateOutOfBand(double measuredBps, int64_t targetBps);

 signals:
  void statsUpdated();

 private:
  void presentNewest();
  void refreshStats();

  QString masterUrl_;
  QString renditionId_;
  int64_t targetBitrateBps_ = 0;
  std::unique_ptr<confidence::RenditionProbe> probe_;

  QVideoWidget* video_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* resolution_ = nullptr;
  QLabel* bitrate_ = nullptr;
  QLabel* fps_ = nullptr;
  QLabel* keyframe_ = nullptr;
  QLabel* status_ = nullptr;
  QTimer statsTimer_;

  std::mutex pendingMutex_;  // guards the two below (the probe's thread hands pictures over)
  std::shared_ptr<const confidence::Picture> pending_;
  bool presentQueued_ = false;

  uint64_t framesPresented_ = 0;
  Alignment alignment_ = Alignment::Unknown;
  bool peersAgree_ = true;
  std::map<int64_t, int64_t> idrHistory_;
  confidence::ProbeStats lastStats_;
};

}  // namespace vigil::ui
