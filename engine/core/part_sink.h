// The seam between a pipeline and the packager: CMAF objects flow downstream.
#pragma once

#include <string>

#include "core/media_types.h"

namespace vigil {

// A pipeline's life as its supervisor sees it (a worker process: spawned,
// producing, or dead / hung / killed and waiting to be restarted).
enum class PipelineState { Starting, Up, Down };
const char* stateName(PipelineState state);

class PartSink {
 public:
  virtual ~PartSink() = default;
  // Called from pipeline threads. The init segment of a rendition arrives
  // before its first part. Implementations must not block for long.
  virtual void onInit(CmafInit init) = 0;
  virtual void onPart(CmafPart part) = 0;
  // The pipeline feeding this sink changed state (from its supervisor's thread).
  virtual void onPipelineState(PipelineState /*state*/, const std::string& /*why*/) {}
};

}  // namespace vigil
