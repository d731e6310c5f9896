// The log sinks of Vigil's executables: stderr, as text or as JSON lines.
// vigild and its pipeline workers share it, so a worker's lines read like the
// engine's in either format.
#pragma once

#include <string>

namespace vigil::app {

// format: "text" | "json"; level: an spdlog level name. tag, when set, follows
// the component in text ("pipeline[p0]") and is a "worker" field in JSON.
void setupLogging(const std::string& format, const std::string& level, const std::string& tag = {});

}  // namespace vigil::app
