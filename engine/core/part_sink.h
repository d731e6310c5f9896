// The seam between a pipeline and the packager: CMAF objects flow downstream.
#pragma once

#include "core/media_types.h"

namespace vigil {

class PartSink {
 public:
  virtual ~PartSink() = default;
  // Called from pipeline threads. The init segment of a rendition arrives
  // before its first part. Implementations must not block for long.
  virtual void onInit(CmafInit init) = 0;
  virtual void onPart(CmafPart part) = 0;
};

}  // namespace vigil
