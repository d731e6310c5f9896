// One contribution input of a channel, as a card: on air or standby, the
// switch's verdict (fit, or why not), the connection and its peer, black /
// silence / freeze lamps, what the feed carries (resolution, frame rate,
// codecs, keyframe interval), whether it is the same programme as the one on
// air and how far it drifts, and two small charts of the last few minutes:
// bitrate, and SRT round-trip time with packets lost per second. The charts
// come from a ring the card keeps from each snapshot.
#pragma once

#include <QFrame>

#include <cstdint>
#include <deque>

#include "control/engine_api.h"

class QLabel;
class QLineSeries;
class QValueAxis;
class QDateTimeAxis;

namespace vigil::ui {

class Lamp;

class InputCard : public QFrame {
  Q_OBJECT

 public:
  static constexpr int64_t kHistoryUs = 5 * 60'000'000LL;  // what the charts span

  // primary: the channel's first input (its tally colour on air is the primary's).
  InputCard(const std::string& inputId, bool primary, QWidget* parent = nullptr);

  // The input as of a snapshot taken at takenUtcUs; one chart sample per new snapshot.
  void setInput(const control::InputStatus& input, int64_t takenUtcUs);

  const control::InputStatus& input() const { return input_; }
  int samples() const { return static_cast<int>(ring_.size()); }
  int chartPoints() const;  // points on the bitrate line
  Lamp* blackLamp() const { return black_; }
  Lamp* silenceLamp() const { return silence_; }
  Lamp* freezeLamp() const { return freeze_; }
  QString onAirText() const;
  QString faultText() const;
  QString formatText() const;
  QString alignmentText() const;
  QString connectionText() const;

 private:
  struct Sample {
    int64_t utcUs = 0;
    double bitrateKbps = 0;
    double rttMs = 0;
    double lostPerSecond = 0;
  };
  void drawCharts();

  const bool primary_;
  control::InputStatus input_;
  std::deque<Sample> ring_;
  int64_t lastTakenUs_ = 0;
  int64_t lastLost_ = -1;  // packetsLost at the previous sample (-1: none yet)

  QLabel* title_;
  QLabel* onAir_;
  QLabel* fault_;
  QLabel* connection_;
  Lamp* black_;
  Lamp* silence_;
  Lamp* freeze_;
  QLabel* format_;
  QLabel* alignment_;
  QLabel* counters_;
  QWidget* linkChart_ = nullptr;  // SRT only: RTMP has no RTT or loss to show
  QLineSeries* bitrate_;
  QLineSeries* rtt_;
  QLineSeries* lost_;
  QDateTimeAxis* bitrateTime_;
  QValueAxis* bitrateAxis_;
  QDateTimeAxis* linkTime_;
  QValueAxis* rttAxis_;
  QValueAxis* lostAxis_;
};

}  // namespace vigil::ui
