// A channel's redundant pipelines (DESIGN.md contract 6) and the keyframe
// contract (contract 2) at a glance: pipelines 0 and 1 side by side (state,
// preferred, on air, steady, restarts, last exit, quality score, segment
// ratio, frames dropped), and a matrix of video renditions x pipelines whose
// cell turns red while that pipeline breaks the contract in that rendition
// (a violation in the last 10 s, or its keyframe.violation alarm open), amber
// for violations longer ago, green for none. From the client's snapshots.
#pragma once

#include <QColor>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "engine_client.h"

class QLabel;
class QTableWidget;

namespace vigil::ui {

class PipelinesPanel : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    Pipeline,
    State,
    Preferred,
    OnAir,
    Steady,
    Restarts,
    LastExit,
    Quality,
    SegmentRatio,
    FramesDropped,
    Violations,
    ColumnCount
  };
  enum class Keyframes { Clean, Earlier, Now };
  static constexpr int64_t kRecentUs = 10'000'000;  // as long as the alarm stays up after the last one

  explicit PipelinesPanel(EngineClient* client, QWidget* parent = nullptr);

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }

  int pipelineCount() const;
  QString cellText(int row, Column column) const;
  int onAirRow() const;  // -1: none on air
  // The matrix: rows are video renditions ("all" when the engine does not break them down).
  QStringList matrixRenditions() const { return matrixRows_; }
  Keyframes keyframes(const QString& rendition, int pipeline) const;
  QColor matrixColor(const QString& rendition, int pipeline) const;

 private:
  void onSnapshot();
  void fillPipelines(const control::ChannelStatus& c);
  void fillMatrix(const control::ChannelStatus& c);

  EngineClient* client_;
  std::string channelId_;
  // (pipeline, rendition) -> the count seen last, and when it last grew (0: never seen to grow).
  struct Seen {
    uint64_t count = 0;
    int64_t grewUs = 0;
  };
  std::map<std::pair<int, std::string>, Seen> seen_;
  std::map<std::pair<int, std::string>, Keyframes> state_;
  QStringList matrixRows_;

  QLabel* summary_;
  QTableWidget* table_;
  QTableWidget* matrix_;
};

}  // namespace vigil::ui
