// The monitor's alarm rules, evaluated on every heartbeat sample: from what
// was measured (manifest ages, the input switch's verdicts, the inputs' error
// counters, the data directory) to the set of alarms that should be open now.
// reconcile() then makes the AlarmBook agree. Pure apart from the rules' own
// memory (hysteresis, counters); the clock is an argument.
//
//   manifest.age  per channel: from the freshest rendition's age (every
//                 rendition stale = the channel is), warning/critical with
//                 hysteresis (clears after clearAfterMs below warning); per
//                 rendition: one staler than its channel for a second
//   input.loss    an input the switch finds unfit: warning while another
//                 input is on air, critical on the slate; clears when fit
//   input.bad-feed  failed sessions, codec changes or timestamp jumps grew:
//                 warning, clears once the input has been fit with still
//                 counters for badFeedClearMs
//   pipeline.down a pipeline not producing for 2 s (a worker starts in about
//                 half a second), or restarted within the last
//                 10 s (a worker that crashed and came back at once is still
//                 news): warning while another one carries the channel,
//                 critical when none does; subject "all", critical, while
//                 the emergency slate is on air (no pipeline delivers)
//   restart.spike a restarted pipeline still held out of the manifest (its
//                 cold encoders over the spike bound): warning, clears when steady
//   keyframe.violation  a segment of a pipeline whose video did not start with
//                 an IDR at the boundary: critical, clears after 10 s without one
//   disk          free space of the data directory low (warning), store
//                 writes failing (critical, clears a minute after the last)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/channel_spec.h"
#include "core/status.h"
#include "monitor/alarm_book.h"
#include "monitor/availability.h"

namespace vigil::monitor {

struct AgeThresholds {
  int64_t warningUs = 3'000'000;
  int64_t criticalUs = 6'000'000;
  int64_t clearAfterUs = 2'000'000;
};
// The channel's thresholds: its AlarmSpec, or the defaults for its packaging.
AgeThresholds ageThresholds(const PackagingSpec& packaging, const AlarmSpec& alarms);
OutputState classify(int64_t ageUs, const AgeThresholds& thresholds);

struct RenditionAge {
  std::string renditionId;
  int64_t ageUs = 0;
};

struct InputSample {
  std::string id;
  std::string fault = "fit";  // the switch's verdict: "fit", or why not
  bool onAir = false;
  int64_t failedSessions = 0;
  int64_t codecChanges = 0;
  int64_t timestampJumps = 0;
};

// One redundant pipeline as the packager's selector sees it.
struct PipelineSample {
  int index = 0;
  bool up = false;     // producing parts (not starting, not down)
  bool steady = true;  // false: restarted cold, kept out of the manifest
  double lastSegmentRatio = 0;
  int64_t keyframeViolations = 0;  // video parts 0 without an IDR at the segment boundary
  std::string lastExit;            // why its worker last ended
  int64_t restarts = 0;            // worker restarts so far
};

struct ChannelSample {
  std::string channelId;
  bool running = true;  // false: declared, but not running
  AgeThresholds thresholds;
  int64_t badFeedClearUs = 30'000'000;
  std::vector<RenditionAge> renditions;
  std::string onAir;  // channels with inputs: the input on air, or "slate"
  std::vector<InputSample> inputs;
  std::vector<PipelineSample> pipelines;
  bool emergencySlateOnAir = false;  // no pipeline delivers: pipeline.down "all", critical
};

struct DiskSample {
  bool known = false;  // free space could be read
  int64_t freeBytes = 0;
  int64_t totalBytes = 0;
  uint64_t storeWriteFailures = 0;  // since the store was opened
};

struct DiskRule {
  int64_t minFreeBytes = 1LL << 30;
  int minFreePercent = 5;
  int64_t storeFailureClearUs = 60'000'000;
};

struct DesiredAlarm {
  AlarmKey key;
  Severity severity = Severity::Warning;
  std::string detail;
};

class AlarmRules {
 public:
  // How long a rendition must be staler than its channel before it has its own alarm.
  static constexpr int64_t kRenditionHoldUs = 1'000'000;

  explicit AlarmRules(DiskRule disk = {});
  // The alarms that should be open after this sample of every declared channel.
  std::vector<DesiredAlarm> evaluate(int64_t nowUtcUs, const std::vector<ChannelSample>& channels,
                                     const DiskSample& disk);
  // The kinds these rules raise, and so clear (other kinds are left alone).
  static bool owns(std::string_view kind);

 private:
  struct Level {
    int level = 0;  // 0 none, 1 warning, 2 critical
    int64_t belowSinceUs = -1;
  };
  struct InputState {
    int64_t failedSessions = 0;
    int64_t codecChanges = 0;
    int64_t timestampJumps = 0;
    bool bad = false;
    int64_t troubleUs = 0;  // last growth of a counter, or last time unfit
    std::string why;
  };
  struct ChannelState {
    Level channel;
    std::map<std::string, Level> renditions;
    std::map<std::string, int64_t> staleSinceUs;  // rendition staler than its channel since
    std::map<std::string, InputState> inputs;
    std::map<int, int64_t> downSinceUs;    // per pipeline: not producing since
    std::map<int, int64_t> restarts;       // per pipeline: count at the last sample
    std::map<int, int64_t> restartedAtUs;  // per pipeline: last growth
    std::map<int, int64_t> violations;     // per pipeline: count at the last sample
    std::map<int, int64_t> violationAtUs;  // per pipeline: last growth
  };
  void evaluateAge(int64_t now, const ChannelSample& c, ChannelState& st, std::vector<DesiredAlarm>& out);
  void evaluateInputs(int64_t now, const ChannelSample& c, ChannelState& st, std::vector<DesiredAlarm>& out);
  void evaluatePipelines(int64_t now, const ChannelSample& c, ChannelState& st, std::vector<DesiredAlarm>& out);
  void evaluateDisk(int64_t now, const DiskSample& disk, std::vector<DesiredAlarm>& out);

  const DiskRule disk_;
  std::map<std::string, ChannelState> channels_;
  uint64_t storeFailures_ = 0;
  int64_t lastStoreFailureUs_ = -1;
};

// Raises every desired alarm (a no-op for one open at that severity) and
// clears the open alarms of the rules' kinds that are not desired. Returns
// the first error (the rest is still attempted).
Status reconcile(AlarmBook& book, const std::vector<DesiredAlarm>& desired);

}  // namespace vigil::monitor
