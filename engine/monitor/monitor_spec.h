// The monitor's engine-wide settings, as the config file's "monitor" block
// spells them (control/config.cpp declares the schema). Per-channel alarm
// thresholds are the channel's AlarmSpec (core/channel_spec.h).
#pragma once

#include <cstdint>

namespace vigil::monitor {

// Availability of one instance of each component of a channel, for the
// topology model (monitor/availability.h). The defaults are 99.9 % per
// component, the monthly SLA a managed transport or encoding service gives
// one instance of itself (where the Prime Video live-channels article starts
// its arithmetic), and 99.99 % for the origin, which sits behind a CDN.
struct ComponentAvailability {
  double input = 0.999;     // one contribution feed: encoder + network path + its ingest
  double pipeline = 0.999;  // one pipeline (decode, ladder, encoders, packaging)
  double origin = 0.9999;   // the origin serving the channel
};

struct MonitorSpec {
  int sampleMs = 250;          // heartbeat sampling period
  int historyDays = 7;         // retention of the 10 s manifest-age history
  int diskMinFreeMb = 1024;    // data directory: warning below this much free space...
  int diskMinFreePercent = 5;  // ...or below this share of the file system
  double sloPercent = 99.99;   // availability objective per channel and month
  ComponentAvailability components;
};

}  // namespace vigil::monitor
