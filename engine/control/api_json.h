// The control API's JSON (snake_case keys), both directions, for every value
// that crosses EngineApi (control/engine_api.h): the HTTP control API writes
// them, the remote engine reads them back. Reading is tolerant of absent keys
// (they keep the struct's default) and strict about types: a wrong type is an
// error naming the key, never a crash.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "control/engine_api.h"

namespace vigil::control::api {

nlohmann::json toJson(const RenditionStatus& r);
nlohmann::json toJson(const InputStatus& in);
nlohmann::json toJson(const PipelineRenditionStatus& r);
nlohmann::json toJson(const PipelineStatus& p);
nlohmann::json toJson(const ChannelStatus& c);
nlohmann::json toJson(const RehearsalReport& r);
nlohmann::json toJson(const store::EventRecord& e);
nlohmann::json toJson(const monitor::Alarm& a);
nlohmann::json toJson(const monitor::AgePoint& p);
nlohmann::json toJson(const monitor::AvailabilityReport& r);
nlohmann::json toJson(const ChannelSpec& spec);  // control/config.h's channelToJson

template <typename T>
nlohmann::json toJsonList(const std::vector<T>& items);

// Specialised for each type above (ChannelSpec: parseChannel, validated).
template <typename T>
Result<T> fromJson(const nlohmann::json& j);
// A JSON array of T.
template <typename T>
Result<std::vector<T>> fromJsonList(const nlohmann::json& j);

// toString(ChannelStatus::State) read back.
std::optional<ChannelStatus::State> stateFromName(std::string_view name);

}  // namespace vigil::control::api
