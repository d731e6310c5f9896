// The last resort of a channel's pipelines (DESIGN.md contracts 4 and 6): an
// in-engine ladder that encodes the slate ("We'll be right back" and
// silence) on the channel's frame grid, whose parts the packager's selector
// publishes only while no pipeline worker delivers (both crashed, hung or
// restarting). The heartbeat then never stops, even with every worker gone.
// It starts on the selector's first need, from the first part missing (it
// encodes the still picture faster than real time until it has caught up, so
// no hole opens), and stays hot afterwards. Its ladder costs about two thirds
// of a pipeline's (measured with the demo ladder), which is why it is not
// always running.
#pragma once

#include <memory>

#include "core/channel_spec.h"
#include "core/part_sink.h"
#include "core/status.h"
#include "core/timeline.h"

namespace vigil::control {

class EmergencySlate {
 public:
  // timeline and sink must outlive it; sink is told Up once the ladder runs.
  EmergencySlate(const ChannelSpec& spec, const Timeline& timeline, PartSink* sink);
  ~EmergencySlate();  // stop()
  EmergencySlate(const EmergencySlate&) = delete;
  EmergencySlate& operator=(const EmergencySlate&) = delete;

  // Renders the card; encodes nothing yet.
  Status prepare();
  // Starts the ladder (once), producing video from the frame at or after
  // videoFrom90k, and audio from audioFrom90k (-1: with the video) so that
  // its AAC frames fall on the programme's own sample grid; later calls do
  // nothing. Any thread.
  void ensureRunning(int64_t videoFrom90k, int64_t audioFrom90k);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::control
