// The Engine's side of the monitor (monitor/monitor.h): what the monitor
// thread probes on the running channels, and the monitor's part of a
// channel's status. The facade's monitor calls live in engine_monitor.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "monitor/monitor.h"

namespace vigil::control {

class ChannelRuntime;
struct ChannelStatus;

// Each running channel's rendered media playlists (what the origin serves)
// and its inputs as the switch judges them. Called under the engine's
// channel lock: pointer copies and status snapshots only.
std::vector<monitor::ChannelProbe> probeChannels(
    const std::map<std::string, std::unique_ptr<ChannelRuntime>>& channels);

// Worst manifest age and open alarm count.
void addMonitorStatus(ChannelStatus& status, const monitor::Monitor& monitor);

}  // namespace vigil::control
