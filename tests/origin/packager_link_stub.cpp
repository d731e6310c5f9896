// TEMPORARY: lets the origin's socket tests link before the packager's
// implementation lands on main. Behaves like a packager with no media.
// Delete when engine/package/channel_packager.cpp is merged.
#include "package/channel_packager.h"

namespace vigil::package {
struct ChannelPackager::Impl {
  std::string id;
  PackagingSpec spec;
  Timeline timeline;
};
ChannelPackager::ChannelPackager(std::string channelId, PackagingSpec spec, Timeline timeline, std::vector<std::string>)
    : impl_(new Impl{std::move(channelId), spec, timeline}) {}
ChannelPackager::~ChannelPackager() = default;
void ChannelPackager::onInit(CmafInit) {}
void ChannelPackager::onPart(CmafPart) {}
void ChannelPackager::addObserver(PublishObserver*) {}
void ChannelPackager::removeObserver(PublishObserver*) {}
const std::string& ChannelPackager::channelId() const { return impl_->id; }
const PackagingSpec& ChannelPackager::spec() const { return impl_->spec; }
const Timeline& ChannelPackager::timeline() const { return impl_->timeline; }
bool ChannelPackager::hasRendition(const std::string&) const { return false; }
std::vector<RenditionInfo> ChannelPackager::renditions() const { return {}; }
bool ChannelPackager::ready() const { return false; }
Bytes ChannelPackager::multivariantPlaylist() const { return nullptr; }
Bytes ChannelPackager::mediaPlaylist(const std::string&, bool) const { return nullptr; }
PlaylistPosition ChannelPackager::lastPosition(const std::string&) const { return {}; }
Bytes ChannelPackager::dashManifest() const { return nullptr; }
ObjectLookup ChannelPackager::init(const std::string&) const { return {}; }
ObjectLookup ChannelPackager::segment(const std::string&, int64_t) const { return {}; }
ObjectLookup ChannelPackager::part(const std::string&, int64_t, int) const { return {}; }
int64_t ChannelPackager::newestPartEndUtcUs(const std::string&) const { return 0; }
ChannelPackager::Counters ChannelPackager::counters() const { return {}; }
}  // namespace vigil::package
