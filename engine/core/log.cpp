#include "core/log.h"

namespace vigil::log {

std::shared_ptr<spdlog::logger> get(const std::string& component) {
  if (auto existing = spdlog::get(component)) return existing;
  auto def = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(component, def->sinks().begin(), def->sinks().end());
  logger->set_level(def->level());
  // Two threads may race to create it; whichever registers first wins.
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(component);
  }
  return logger;
}

}  // namespace vigil::log
