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
#include "monitor/alarm_book.h"
#include "monitor/availability.h"
#include "monitor/heartbeat.h"
#include "store/store.h"

namespace vigil::monitor {
class Monitor;
}

namespace vigil::control {

struct RenditionStatus {
  std::string id;
  int64_t lastMsn = -1;
  int lastPart = -1;
  double manifestAgeSeconds = -1;  // now - end of the newest part; -1 before the first part
};

// One contribution input, live: the switch's view (health, on air, same
// programme as the one on air) and the listener's (protocol statistics).
struct InputStatus {
  std::string id;
  std::string type;  // "srt" | "rtmp"
  bool onAir = false;
  std::string fault;  // "fit", "loss of signal", "undecodable", "black", "silence", "frozen picture"
  bool connected = false;
  std::string peer;
  int64_t msSinceVideo = -1;
  int64_t msSincePacket = -1;
  bool black = false;
  bool silent = false;
  bool frozen = false;
  int width = 0;
  int height = 0;
  double frameRate = 0;
  bool hasAlignment = false;  // sameProgramme and driftMs are known
  bool sameProgramme = false;
  double driftMs = 0;
  // The feed, as demuxed and decoded (latest session unless said otherwise).
  std::string videoCodec;
  std::string audioCodec;
  double bitrateKbps = 0;
  int64_t keyframeIntervalMs = 0;
  double avSyncDriftMs = 0;
  int64_t continuityErrors = 0;  // MPEG-TS, over all sessions
  int64_t sessions = 0;
  int64_t failedSessions = 0;  // feeds refused or broken (garbage, no video, ...)
  int64_t codecChanges = 0;
  int64_t timestampJumps = 0;
  std::string lastError;
  // SRT (zero for other protocols and between publishers).
  double rttMs = 0;
  int64_t packetsLost = 0;
  int64_t packetsRetransmitted = 0;
  int64_t packetsDropped = 0;
  int receiveBufferMs = 0;
  double receiveRateMbps = 0;
};

// One of a channel's redundant pipelines (contract 6): its worker process as
// the supervisor sees it, and its parts as the packager's selector sees them.
struct PipelineStatus {
  int index = 0;
  std::string state;       // "starting" | "up" | "down"
  bool preferred = false;  // the packager takes its parts while it keeps up
  bool onAir = false;      // the newest published video part came from it
  bool steady = true;      // false: restarted cold, held out of the manifest until steady
  int64_t pid = 0;
  int64_t restarts = 0;
  std::string lastExit;  // why its worker last ended
  uint64_t partsReceived = 0;
  uint64_t partsPublished = 0;
  uint64_t framesDropped = 0;   // frames its worker could not take (down, or its queue full)
  double lastSegmentRatio = 0;  // newest complete segment: bytes / max(target, the steady peer's)
  uint64_t keyframeViolations = 0;
  double qualityScore = 100;  // 0-100, its newest segment as the packager sees it
};

// What a failover rehearsal did to the output (issue: operators rehearse
// before a big event). Measured on the packager, i.e. what viewers get.
struct RehearsalReport {
  std::string kind;    // "pipeline-kill" | "input-failover"
  std::string target;  // the pipeline killed, or "from -> to" inputs
  int64_t startedUtcUs = 0;
  double switchMs = -1;                   // from the fault to the switch (-1: none seen)
  double baselineManifestAgeSeconds = 0;  // worst over the second before the fault
  double worstManifestAgeSeconds = 0;     // worst while observed
  uint64_t partsLost = 0;                 // holes no pipeline could fill
  uint64_t partsRepeated = 0;             // parts the packager had to refuse (never published twice)
  int observedMs = 0;
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
  // Channels with contribution inputs: what is on air ("slate" when none is fit).
  std::string onAir;
  bool holdOnBackup = false;
  int64_t inputSwitches = 0;
  std::vector<InputStatus> inputs;
  // The monitor's view: the worst rendition's manifest age as measured on
  // the served playlists (-1: nothing measured yet), and the open alarms.
  double worstManifestAgeSeconds = -1;
  int openAlarms = 0;
  // Redundant pipelines: "standard" (two) or "single".
  std::string redundancy;
  std::vector<PipelineStatus> pipelines;
  uint64_t pipelineSwitches = 0;     // parts the packager took from another pipeline than before
  bool emergencySlateOnAir = false;  // no pipeline delivers: the in-engine slate is on air
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
  // The channel stays declared: the monitor counts it as down (alarms, outage) until it runs again.
  Status stopChannel(const std::string& id);

  std::vector<ChannelStatus> channels() const;
  std::optional<ChannelStatus> channel(const std::string& id) const;

  // Operator actions on a channel's input switch. selectInput puts an input
  // (or "slate") on air: at the next segment boundary when the input on air
  // is fit, else at once; force takes an input that is not fit.
  Status selectInput(const std::string& channelId, const std::string& inputId, bool force = false);
  // Latch: the channel stays on its backup (no automatic return to the primary).
  Status holdOnBackup(const std::string& channelId, bool hold);
  // Operator actions on a channel's pipelines (contract 6), each an event.
  // preferPipeline: the packager returns to it at the next segment boundary
  // once it is steady. restartPipeline: its worker is killed and respawned
  // (the other pipeline carries the channel meanwhile).
  Status preferPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator");
  Status restartPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator");
  // Failover rehearsal: performs the fault now ("pipeline-kill": SIGKILL of
  // the worker on air; "input-failover": a forced switch to the next fit
  // input), watches the output for observeMs and reports the impact; kept as
  // a "rehearsal" event. Blocks the caller for observeMs (never call it from
  // a GUI thread).
  Result<RehearsalReport> rehearse(const std::string& channelId, const std::string& kind, int observeMs = 8000,
                                   const std::string& actor = "operator");
  // The channel's events, newest first (switches, operator actions, starts and stops).
  std::vector<store::EventRecord> events(const std::string& channelId, int limit = 100) const;

  // ---- monitor (control/engine_monitor.cpp) ----
  // Alarms, newest first: the open ones, or the history (open and cleared).
  // channelId empty: every channel's and the engine's own (disk).
  std::vector<monitor::Alarm> alarms(const std::string& channelId = {}, bool openOnly = true, int limit = 100) const;
  // Records that an operator has seen an open alarm (an event); error for an
  // unknown or cleared alarm.
  Status acknowledgeAlarm(int64_t alarmId, const std::string& operatorName);
  // Manifest age of a rendition over [fromUtcUs, toUtcUs): every sample when
  // the range lies in the last ten minutes, else 10 s buckets (mean and max).
  std::vector<monitor::AgePoint> manifestAgeSeries(const std::string& channelId, const std::string& renditionId,
                                                   int64_t fromUtcUs, int64_t toUtcUs) const;
  // Today's and this month's output by state, the month's error budget and
  // the availability the channel's topology should reach.
  Result<monitor::AvailabilityReport> availability(const std::string& channelId) const;

  uint16_t httpPort() const;
  uint16_t srtPort() const;   // 0 without an SRT listener
  uint16_t rtmpPort() const;  // 0 without an RTMP listener
  // Base URL players use: http.public_base_url, else http://<address>:<port>.
  std::string publicBaseUrl() const;
  // The host part of the listen address as a URL host (wildcards as 127.0.0.1).
  std::string publicHost() const;

 private:
  Engine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<monitor::Monitor> monitor_;  // destroyed before impl_ (it holds the store)
};

}  // namespace vigil::control
