// The channels an origin serves: id -> packager. Reads (every request) take a
// shared lock; add/remove are rare. Also remembers each rendition's track
// kind, for the Content-Type of its media objects, without copying the
// packager's rendition list on every request.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/media_types.h"
#include "package/channel_packager.h"

namespace vigil::origin {

class ChannelRegistry {
 public:
  // False if a channel with that id is already registered.
  bool add(std::shared_ptr<package::ChannelPackager> packager);
  // The removed packager, or nullptr.
  std::shared_ptr<package::ChannelPackager> remove(const std::string& channelId);
  std::shared_ptr<package::ChannelPackager> find(const std::string& channelId) const;
  std::vector<std::shared_ptr<package::ChannelPackager>> all() const;
  std::size_t size() const;

  // The kind of a rendition whose init has arrived; nullopt otherwise.
  std::optional<TrackKind> trackKind(const package::ChannelPackager& packager, const std::string& renditionId) const;

 private:
  mutable std::shared_mutex mutex_;  // guards channels_
  std::unordered_map<std::string, std::shared_ptr<package::ChannelPackager>> channels_;
  mutable std::mutex kindsMutex_;                             // guards kinds_
  mutable std::unordered_map<std::string, TrackKind> kinds_;  // "<channel>/<rendition>"
};

}  // namespace vigil::origin
