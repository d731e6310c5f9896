// The Engine facade, in-process: owns the store, the origin, the listeners
// and the channels, and implements EngineApi (control/engine_api.h) for
// vigild, the HTTP control API and the console.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/config.h"
#include "control/engine_api.h"

namespace vigil::monitor {
class Monitor;
}

namespace vigil::control {

class Engine final : public EngineApi {
 public:
  // Opens the store under config.dataDir and binds the origin; starts nothing yet.
  static Result<std::unique_ptr<Engine>> create(const EngineConfig& config);
  ~Engine();  // stops everything
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts the origin and every channel of the configuration.
  Status start();
  // Stops every channel (their timelines stay in the store) and the origin.
  void stop();

  // EngineApi (control/engine_api.h).
  std::vector<ChannelStatus> channels() const override;
  std::optional<ChannelStatus> channel(const std::string& id) const override;
  std::vector<ChannelSpec> channelSpecs() const override;
  Status addChannel(const ChannelSpec& spec, const std::string& actor = "operator") override;
  Status startChannel(const std::string& id, const std::string& actor = "operator") override;
  Status stopChannel(const std::string& id, const std::string& actor = "operator") override;
  Status selectInput(const std::string& channelId, const std::string& inputId, bool force = false,
                     const std::string& actor = "operator") override;
  Status holdOnBackup(const std::string& channelId, bool hold, const std::string& actor = "operator") override;
  Status preferPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator") override;
  Status restartPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator") override;
  Result<RehearsalReport> rehearse(const std::string& channelId, const std::string& kind, int observeMs = 8000,
                                   const std::string& actor = "operator") override;
  Status regionFailover(const std::string& channelId, const std::string& actor = "operator") override;
  std::vector<store::EventRecord> events(const std::string& channelId, int limit = 100) const override;
  // ---- monitor (control/engine_monitor.cpp) ----
  std::vector<monitor::Alarm> alarms(const std::string& channelId = {}, bool openOnly = true,
                                     int limit = 100) const override;
  Status acknowledgeAlarm(int64_t alarmId, const std::string& operatorName) override;
  std::vector<monitor::AgePoint> manifestAgeSeries(const std::string& channelId, const std::string& renditionId,
                                                   int64_t fromUtcUs, int64_t toUtcUs) const override;
  Result<monitor::AvailabilityReport> availability(const std::string& channelId) const override;
  std::string publicBaseUrl() const override;

  uint16_t httpPort() const;
  uint16_t srtPort() const;   // 0 without an SRT listener
  uint16_t rtmpPort() const;  // 0 without an RTMP listener
  // The host part of the listen address as a URL host (wildcards as 127.0.0.1).
  std::string publicHost() const;

 private:
  Engine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<monitor::Monitor> monitor_;  // destroyed before impl_ (it holds the store)
};

}  // namespace vigil::control
