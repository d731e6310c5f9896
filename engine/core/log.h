// Named spdlog loggers for the engine; the host (vigild, vigil, tests) installs
// the sinks. Every line names its component, and its channel where it has one:
//   VIGIL_LOG(log::get("pipeline"), info, "[ch={}] encoder open", id);
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace vigil::log {

// The logger for a component ("ingest", "pipeline", "package", "origin", "store", "control").
// Created on first use with the default sinks when the host has not registered it.
std::shared_ptr<spdlog::logger> get(const std::string& component);

}  // namespace vigil::log
