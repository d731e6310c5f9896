#include "origin/channel_registry.h"

namespace vigil::origin {

bool ChannelRegistry::add(std::shared_ptr<package::ChannelPackager> packager) {
  std::unique_lock lock(mutex_);
  const std::string id = packager->channelId();
  return channels_.emplace(id, std::move(packager)).second;
}

std::shared_ptr<package::ChannelPackager> ChannelRegistry::remove(const std::string& channelId) {
  std::shared_ptr<package::ChannelPackager> removed;
  {
    std::unique_lock lock(mutex_);
    auto it = channels_.find(channelId);
    if (it == channels_.end()) return nullptr;
    removed = std::move(it->second);
    channels_.erase(it);
  }
  std::lock_guard lock(kindsMutex_);
  const std::string prefix = channelId + "/";
  std::erase_if(kinds_, [&](const auto& kv) { return kv.first.compare(0, prefix.size(), prefix) == 0; });
  return removed;
}

std::shared_ptr<package::ChannelPackager> ChannelRegistry::find(const std::string& channelId) const {
  std::shared_lock lock(mutex_);
  auto it = channels_.find(channelId);
  return it == channels_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<package::ChannelPackager>> ChannelRegistry::all() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<package::ChannelPackager>> out;
  out.reserve(channels_.size());
  for (const auto& [id, p] : channels_) out.push_back(p);
  return out;
}

std::size_t ChannelRegistry::size() const {
  std::shared_lock lock(mutex_);
  return channels_.size();
}

std::optional<TrackKind> ChannelRegistry::trackKind(const package::ChannelPackager& packager,
                                                    const std::string& renditionId) const {
  std::string key = packager.channelId() + "/" + renditionId;
  {
    std::lock_guard lock(kindsMutex_);
    if (auto it = kinds_.find(key); it != kinds_.end()) return it->second;
  }
  for (const auto& r : packager.renditions()) {
    if (r.id != renditionId) continue;
    std::lock_guard lock(kindsMutex_);
    kinds_.emplace(std::move(key), r.kind);
    return r.kind;
  }
  return std::nullopt;
}

}  // namespace vigil::origin
