// What an event costs to deliver, and how available the channel has been.
// Cost: the egress per hour of an audience spread over the channel's ladder
// (bitrates from the channel's saved spec) and its price at a CDN rate.
// Availability: the engine's accounting (EngineApi::availability), fetched
// off the GUI thread and refreshed every few seconds.
#pragma once

#include <QWidget>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "cost/egress_estimate.h"
#include "monitor/availability.h"

class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace vigil::ui {

class AvailabilityView;
class EngineClient;

class CostPanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kDefaultAudience = 1'000'000;
  static constexpr double kDefaultPricePerGb = 0.02;  // USD, a large-volume CDN rate
  static constexpr int kDefaultRefreshMs = 5000;

  explicit CostPanel(EngineClient* client, QWidget* parent = nullptr);

  void setChannel(const std::string& channelId);
  const std::string& channelId() const { return channelId_; }
  void setRefreshIntervalMs(int ms);

  void setAudience(int viewers);
  void setPricePerGb(double price);
  // Share of the audience on a rendition, in percent; false for an unknown id.
  bool setSharePercent(const std::string& renditionId, double percent);
  double sharePercent(const std::string& renditionId) const;

  // The current mix and estimate, as shown.
  std::vector<RenditionShare> mix() const;
  EgressEstimate estimate() const { return estimate_; }
  const std::optional<monitor::AvailabilityReport>& availability() const { return availability_; }
  bool specLoaded() const { return spec_.has_value(); }

 signals:
  void specChanged();
  void availabilityUpdated();

 private:
  void fetchSpec();
  void fetchAvailability();
  void showSpec(const std::optional<ChannelSpec>& spec);
  void recompute();

  EngineClient* client_;
  std::string channelId_;
  std::optional<ChannelSpec> spec_;
  std::map<std::string, double> keptShares_;  // by rendition id, across a re-read of the spec
  EgressEstimate estimate_;
  std::optional<monitor::AvailabilityReport> availability_;
  bool availabilityInFlight_ = false;
  int generation_ = 0;  // answers for an earlier channel are dropped

  QSpinBox* audience_;
  QDoubleSpinBox* price_;
  QTableWidget* mixTable_;
  QLabel* title_;
  QLabel* shareTotal_;
  QLabel* meanBitrate_;
  QLabel* throughput_;  // what the edge sends at once: viewers x mean bitrate
  QLabel* egress_;
  QLabel* cost_;
  AvailabilityView* availabilityView_;
  QTimer* refresh_;
};

}  // namespace vigil::ui
