// Building libavfilter graphs filter by filter (the test source, the slate):
// one place that turns FFmpeg's errors into Status. Internal to the media
// stages: it includes the FFmpeg headers.
#pragma once

#include <string>

#include "ingest/av_handles.h"

namespace vigil::av {

// drawtext's font (Debian: fonts-dejavu-core).
inline constexpr const char* kFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// A filter of graph named name, initialised with args ("" for none).
Result<AVFilterContext*> addFilter(AVFilterGraph* graph, const char* filter, const char* name, const std::string& args);
// Links a's first output to b's first input.
Status link(AVFilterContext* a, AVFilterContext* b);

}  // namespace vigil::av
