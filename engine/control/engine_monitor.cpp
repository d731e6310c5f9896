#include "control/engine_monitor.h"

#include <algorithm>

#include "control/channel_runtime.h"
#include "control/engine.h"
#include "core/clock.h"
#include "ingest/contribution_input.h"
#include "package/channel_packager.h"
#include "package/pipeline_selector.h"
#include "pipeline/pipeline_process.h"
#include "switch/input_switch.h"

namespace vigil::control {

std::vector<monitor::ChannelProbe> probeChannels(
    const std::map<std::string, std::unique_ptr<ChannelRuntime>>& channels) {
  std::vector<monitor::ChannelProbe> out;
  for (const auto& [id, rt] : channels) {
    const auto pk = rt->packager();
    if (!rt->running() || !pk) continue;
    monitor::ChannelProbe p;
    p.channelId = id;
    for (const auto& r : renditionIds(rt->spec())) p.playlists.emplace_back(r, pk->mediaPlaylist(r, false));
    switching::SwitchStatus sw;
    if (rt->inputSwitchStatus(sw)) {
      p.onAir = sw.onAir;
      const auto feeds = rt->inputStatuses();
      for (size_t i = 0; i < sw.inputs.size(); ++i) {
        monitor::InputSample in;
        in.id = sw.inputs[i].id;
        in.fault = switching::toString(sw.inputs[i].fault);
        in.onAir = sw.inputs[i].onAir;
        if (i < feeds.size()) {
          in.failedSessions = feeds[i].failedSessions;
          in.codecChanges = feeds[i].codecChanges;
          in.timestampJumps = feeds[i].timestampJumps;
        }
        p.inputs.push_back(std::move(in));
      }
    }
    package::PipelineSelectorStatus sel;
    std::vector<pipeline::PipelineProcessStatus> workers;
    if (rt->pipelineStatus(sel, workers)) {
      for (size_t i = 0; i < sel.pipelines.size(); ++i) {
        if (sel.pipelines[i].lastResort) {
          p.emergencySlateOnAir = sel.pipelines[i].onAir;
          continue;
        }
        monitor::PipelineSample s;
        s.index = sel.pipelines[i].index;
        s.up = i < workers.size() && workers[i].state == PipelineState::Up;
        s.steady = sel.pipelines[i].steady;
        s.lastSegmentRatio = sel.pipelines[i].lastSegmentRatio;
        s.keyframeViolations = static_cast<int64_t>(sel.pipelines[i].keyframeViolations);
        if (i < workers.size()) {
          s.lastExit = workers[i].lastExit;
          s.restarts = workers[i].restarts;
        }
        p.pipelines.push_back(std::move(s));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

void addMonitorStatus(ChannelStatus& status, const monitor::Monitor& monitor) {
  status.worstManifestAgeSeconds = monitor.worstManifestAgeSeconds(status.id, nowUtcUs());
  const auto counts = monitor.alarms().counts();
  if (auto it = counts.find(status.id); it != counts.end())
    status.openAlarms = it->second.warning + it->second.critical;
}

std::vector<monitor::Alarm> Engine::alarms(const std::string& channelId, bool openOnly, int limit) const {
  limit = std::clamp(limit, 1, 10000);
  if (!openOnly) return monitor_->alarms().history(channelId, limit);
  auto open = monitor_->alarms().open(channelId);
  std::reverse(open.begin(), open.end());
  if (open.size() > static_cast<size_t>(limit)) open.resize(static_cast<size_t>(limit));
  return open;
}

Status Engine::acknowledgeAlarm(int64_t alarmId, const std::string& operatorName) {
  return monitor_->alarms().acknowledge(alarmId, operatorName);
}

std::vector<monitor::AgePoint> Engine::manifestAgeSeries(const std::string& channelId, const std::string& renditionId,
                                                         int64_t fromUtcUs, int64_t toUtcUs) const {
  return monitor_->heartbeat().series(channelId, renditionId, fromUtcUs, toUtcUs);
}

Result<monitor::AvailabilityReport> Engine::availability(const std::string& channelId) const {
  auto report = monitor_->availability(channelId, nowUtcUs());
  if (!report) return Status::error("no channel " + channelId);
  return *report;
}

}  // namespace vigil::control
