// The engine facade's interface (DESIGN.md, STYLE.md point 2): what the
// console, the HTTP control API and vigild may ask of an engine. Implemented
// in-process by control::Engine and, over the HTTP control API, by a remote
// client, so one console window works against either. Plain structs in,
// Status out; every call is thread-safe, and none blocks on media work except
// rehearse (which observes for seconds: never call it from a GUI thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "core/status.h"
#include "monitor/alarm_book.h"
#include "monitor/availability.h"
#include "monitor/heartbeat.h"
#include "store/store.h"

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

// One video rendition of a pipeline against the keyframe contract (contract 2).
struct PipelineRenditionStatus {
  std::string id;
  uint64_t keyframeViolations = 0;  // its segments from this pipeline that did not start with an IDR at the boundary
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
  std::vector<PipelineRenditionStatus> renditions;  // keyframeViolations per video rendition, ladder order
  double qualityScore = 100;                        // 0-100, its newest segment as the packager sees it
  std::string qualityNote;                          // what took points off the score ("v0: black 100%"); empty at 100
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
  bool slateByOperator = false;  // an operator put the slate on air: it stays until one selects an input
  bool holdOnBackup = false;
  int64_t inputSwitches = 0;
  std::vector<InputStatus> inputs;
  // The monitor's view: the worst rendition's manifest age as measured on
  // the served playlists (-1: nothing measured yet), and the open alarms.
  double worstManifestAgeSeconds = -1;
  int openAlarms = 0;
  // Redundant pipelines: "standard" (two) or "single".
  std::string redundancy;
  bool standbyRegion = false;  // a region failover hook is configured (regionFailover() may be called)
  std::vector<PipelineStatus> pipelines;
  uint64_t pipelineSwitches = 0;     // parts the packager took from another pipeline than before
  bool emergencySlateOnAir = false;  // no pipeline delivers: the in-engine slate is on air
};

const char* toString(ChannelStatus::State state);

class EngineApi {
 public:
  virtual ~EngineApi() = default;

  // Every declared channel (running or not), in id order.
  virtual std::vector<ChannelStatus> channels() const = 0;
  virtual std::optional<ChannelStatus> channel(const std::string& id) const = 0;
  // The declared channels' specifications (what the channel editor edits).
  virtual std::vector<ChannelSpec> channelSpecs() const = 0;

  // Validates, persists and starts a channel (replacing a stopped one of the same id).
  virtual Status addChannel(const ChannelSpec& spec, const std::string& actor = "operator") = 0;
  // Starts a declared, stopped channel again from its saved specification.
  virtual Status startChannel(const std::string& id, const std::string& actor = "operator") = 0;
  // The channel stays declared: the monitor counts it as down (alarms, outage) until it runs again.
  virtual Status stopChannel(const std::string& id, const std::string& actor = "operator") = 0;

  // Operator actions on a channel's input switch. selectInput puts an input
  // (or "slate") on air: at the next segment boundary when the input on air
  // is fit, else at once; force takes an input that is not fit.
  virtual Status selectInput(const std::string& channelId, const std::string& inputId, bool force = false,
                             const std::string& actor = "operator") = 0;
  // Latch: the channel stays on its backup (no automatic return to the primary).
  virtual Status holdOnBackup(const std::string& channelId, bool hold, const std::string& actor = "operator") = 0;
  // Operator actions on a channel's pipelines (contract 6), each an event.
  // preferPipeline: the packager returns to it at the next segment boundary
  // once it is steady. restartPipeline: its worker is killed and respawned
  // (the other pipeline carries the channel meanwhile).
  virtual Status preferPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator") = 0;
  virtual Status restartPipeline(const std::string& channelId, int pipeline, const std::string& actor = "operator") = 0;
  // Failover rehearsal: performs the fault now ("pipeline-kill": SIGKILL of
  // the worker on air; "input-failover": a forced switch to the next fit
  // input), watches the output for observeMs and reports the impact; kept as
  // a "rehearsal" event. Blocks the caller for observeMs.
  virtual Result<RehearsalReport> rehearse(const std::string& channelId, const std::string& kind, int observeMs = 8000,
                                           const std::string& actor = "operator") = 0;
  // Region failover: calls the channel's hook now (control/region_failover.h),
  // which hands its viewers to the standby region; a "region.failover"
  // event either way. Blocks up to 5 s. Refused without a hook.
  virtual Status regionFailover(const std::string& channelId, const std::string& actor = "operator") = 0;
  // The channel's events, newest first (switches, operator actions, starts
  // and stops); channelId empty: the engine's own; "*": every channel's and the engine's.
  virtual std::vector<store::EventRecord> events(const std::string& channelId, int limit = 100) const = 0;

  // Alarms, newest first: the open ones, or the history (open and cleared).
  // channelId empty: every channel's and the engine's own (disk).
  virtual std::vector<monitor::Alarm> alarms(const std::string& channelId = {}, bool openOnly = true,
                                             int limit = 100) const = 0;
  // Records that an operator has seen an open alarm (an event); error for an
  // unknown or cleared alarm.
  virtual Status acknowledgeAlarm(int64_t alarmId, const std::string& operatorName) = 0;
  // Manifest age of a rendition over [fromUtcUs, toUtcUs): every sample when
  // the range lies in the last ten minutes, else 10 s buckets (mean and max).
  virtual std::vector<monitor::AgePoint> manifestAgeSeries(const std::string& channelId, const std::string& renditionId,
                                                           int64_t fromUtcUs, int64_t toUtcUs) const = 0;
  // Today's and this month's output by state, the month's error budget and
  // the availability the channel's topology should reach.
  virtual Result<monitor::AvailabilityReport> availability(const std::string& channelId) const = 0;

  // Base URL players use (the origin): http.public_base_url, else http://<address>:<port>.
  virtual std::string publicBaseUrl() const = 0;

  // Why the most recent call could not reach the engine ("" : it answered).
  // Always "" in-process; a remote engine's network or protocol error.
  virtual std::string unreachableReason() const { return {}; }
};

}  // namespace vigil::control
