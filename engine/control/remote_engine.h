// An engine elsewhere, through its HTTP control API (control/control_api.h):
// the same EngineApi as the in-process Engine, so a console attaches to a
// remote vigild unchanged. Synchronous HTTP/1.1 with keep-alive; every call is
// thread-safe (one connection, one call at a time) and bounded by a timeout
// (5 s; a rehearsal: its observation + 10 s). A dropped connection is opened
// again on the next call.
//
// Errors: an HTTP error becomes Status::error with the server's message; an
// unreachable engine a clear error (and an empty answer from the calls that
// return lists or optionals: see lastError()).
#pragma once

#include <memory>
#include <string>

#include "control/engine_api.h"

namespace vigil::control {

class RemoteEngine final : public EngineApi {
 public:
  // baseUrl: "http://host:port" (the engine's origin; a path prefix is kept,
  // e.g. behind a reverse proxy). token: the engine's control.token (empty:
  // none sent). operatorName: the actor of this console's actions (the
  // X-Vigil-Operator header) unless a call names another actor than the
  // default "operator". Checks GET /api/v1/engine before returning.
  static Result<std::unique_ptr<RemoteEngine>> connect(std::string baseUrl, std::string token,
                                                       std::string operatorName);
  ~RemoteEngine() override;
  RemoteEngine(const RemoteEngine&) = delete;
  RemoteEngine& operator=(const RemoteEngine&) = delete;

  // What GET /api/v1/engine said at connect().
  const std::string& engineVersion() const;
  const std::string& baseUrl() const;
  // The error of the most recent failed call ("" after a success).
  std::string lastError() const;

  // EngineApi (control/engine_api.h), each one route of the control API.
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
  std::vector<monitor::Alarm> alarms(const std::string& channelId = {}, bool openOnly = true,
                                     int limit = 100) const override;
  Status acknowledgeAlarm(int64_t alarmId, const std::string& operatorName) override;
  std::vector<monitor::AgePoint> manifestAgeSeries(const std::string& channelId, const std::string& renditionId,
                                                   int64_t fromUtcUs, int64_t toUtcUs) const override;
  Result<monitor::AvailabilityReport> availability(const std::string& channelId) const override;
  std::string publicBaseUrl() const override;
  std::string unreachableReason() const override { return lastError(); }

 private:
  RemoteEngine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::control
