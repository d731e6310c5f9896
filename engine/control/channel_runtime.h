// One running channel: test source, or contribution inputs -> input switch,
// -> pipeline -> packager, registered with the origin. Owns the channel's timeline period: resumed from the store, so a
// restarted engine continues media sequence numbers after a tagged gap.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "core/status.h"

namespace vigil {
namespace ingest {
class RtmpListener;
class SrtListener;
}  // namespace ingest
namespace switching {
struct SwitchStatus;
}
namespace ingest {
struct ContributionInputStatus;
}
namespace origin {
class Origin;
}
namespace package {
class ChannelPackager;
struct PipelineSelectorStatus;
}  // namespace package
namespace pipeline {
struct PipelineProcessStatus;
}
namespace store {
class Store;
}
}  // namespace vigil

namespace vigil::control {

struct RehearsalReport;

class ChannelRuntime {
 public:
  // srt, rtmp: the engine's listeners, null when it has none (then the channel has no such input).
  ChannelRuntime(ChannelSpec spec, store::Store& store, origin::Origin& origin, ingest::SrtListener* srt,
                 ingest::RtmpListener* rtmp);
  ~ChannelRuntime();  // stops
  ChannelRuntime(const ChannelRuntime&) = delete;
  ChannelRuntime& operator=(const ChannelRuntime&) = delete;

  // How the pipeline workers write their logs ("text" | "json", as the engine's). Before start().
  void setWorkerLogFormat(std::string format) { workerLogFormat_ = std::move(format); }
  // actor: who asked ("engine", "config", an operator); kept in the event.
  Status start(const std::string& actor = "engine");
  void stop(const std::string& actor = "engine");

  const ChannelSpec& spec() const { return spec_; }
  bool running() const;
  // The packager, for status readers (null before start).
  std::shared_ptr<const package::ChannelPackager> packager() const;

  // The input switch of a channel with contribution inputs (false: none).
  bool inputSwitchStatus(switching::SwitchStatus& out) const;
  // Each input's demux/decode status, in the channel's input order (empty before start).
  std::vector<ingest::ContributionInputStatus> inputStatuses() const;
  // Operator actions on the input switch (errors: no such input, not fit, no inputs).
  Status selectInput(const std::string& inputId, bool force, const std::string& actor);
  Status holdOnBackup(bool hold, const std::string& actor);

  // The redundant pipelines: the selector's view and each worker's (false before start).
  bool pipelineStatus(package::PipelineSelectorStatus& selector,
                      std::vector<pipeline::PipelineProcessStatus>& workers) const;
  // Operator actions (errors: no such pipeline, channel stopped), each an event.
  Status preferPipeline(int index, const std::string& actor);
  Status restartPipeline(int index, const std::string& actor);
  // Engine::rehearse, for this channel.
  Result<RehearsalReport> rehearse(const std::string& kind, int observeMs, const std::string& actor);

 private:
  Status startPipelines();
  Status startInput(size_t i);
  struct Impl;
  ChannelSpec spec_;
  std::string workerLogFormat_ = "text";
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::control
