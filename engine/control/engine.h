// The Engine facade: the one API that vigild, the HTTP control API and the
// console use (DESIGN.md, STYLE.md point 2). Plain structs in, Status out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/config.h"
#include "core/channel_spec.h"
#include "core/status.h"

namespace vigil::control {

struct RenditionStatus {
  std::string id;
  int64_t lastMsn = -1;
  int lastPart = -1;
  double manifestAgeSeconds = -1;  // now - end of the newest part; -1 before the first part
};

struct ChannelStatus {
  std::string id;
  std::string name;
  enum class State { Starting, Running, Stopped, Failed } state = State::Stopped;
  std::string hlsUrl;  // multivariant playlist (LL-HLS and classic HLS)
  std::string dashUrl;
  std::vector<std::string> publishUrls;  // where broadcasters send (passphrases left out)
  int64_t discontinuitySequence = 0;     // of the current timeline period
  int64_t firstSegmentOfPeriod = 0;
  uint64_t partsPublished = 0;
  uint64_t segmentsPublished = 0;
  std::vector<RenditionStatus> renditions;
};

const char* toString(ChannelStatus::State state);

class Engine {
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

  // Validates, persists and starts a channel (replacing a stopped one of the same id).
  Status addChannel(const ChannelSpec& spec);
  Status stopChannel(const std::string& id);

  std::vector<ChannelStatus> channels() const;
  std::optional<ChannelStatus> channel(const std::string& id) const;

  uint16_t httpPort() const;
  uint16_t srtPort() const;  // 0 without an SRT listener
  // Base URL players use: http.public_base_url, else http://<address>:<port>.
  std::string publicBaseUrl() const;
  // The host part of the listen address as a URL host (wildcards as 127.0.0.1).
  std::string publicHost() const;

 private:
  Engine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::control
