#include "confidence/thumbnail_feed.h"

#include <algorithm>

namespace vigil::ui {

ThumbnailFeed::ThumbnailFeed(EngineClient* client, QObject* parent) : QObject(parent), client_(client) {
  connect(client_, &EngineClient::snapshotUpdated, this, &ThumbnailFeed::reconcile);
}

ThumbnailFeed::~ThumbnailFeed() {
  for (auto& [id, feed] : feeds_) feed.probe->stop();
}

void ThumbnailFeed::setChannels(const std::vector<std::string>& ids) {
  ids_ = ids;
  const bool missing = std::any_of(ids_.begin(), ids_.end(), [&](const std::string& id) { return !lowest_.count(id); });
  if (missing) requestSpecs();
  reconcile();
}

void ThumbnailFeed::requestSpecs() {
  client_->call(
      this,
      [](control::EngineApi& api) {
        std::map<std::string, std::string> lowest;
        for (const ChannelSpec& spec : api.channelSpecs()) {
          const VideoRenditionSpec* best = nullptr;
          for (const VideoRenditionSpec& v : spec.video)
            if (!best || int64_t{v.width} * v.height < int64_t{best->width} * best->height) best = &v;
          if (best) lowest[spec.id] = best->id;
        }
        return lowest;
      },
      [this](const std::map<std::string, std::string>& lowest) {
        for (const auto& [id, rendition] : lowest) lowest_[id] = rendition;
        reconcile();
      });
}

void ThumbnailFeed::reconcile() {
  // Stop what is no longer wanted, or whose playlist moved.
  for (auto it = feeds_.begin(); it != feeds_.end();) {
    const control::ChannelStatus* ch = client_->channel(it->first);
    const bool wanted = std::find(ids_.begin(), ids_.end(), it->first) != ids_.end();
    if (!wanted || !ch || ch->hlsUrl != it->second.url || ch->state != control::ChannelStatus::State::Running) {
      it->second.probe->stop();
      it = feeds_.erase(it);
    } else {
      ++it;
    }
  }
  for (const std::string& id : ids_) {
    if (feeds_.count(id)) continue;
    const control::ChannelStatus* ch = client_->channel(id);
    const auto lowest = lowest_.find(id);
    if (!ch || ch->hlsUrl.empty() || ch->state != control::ChannelStatus::State::Running || lowest == lowest_.end())
      continue;
    confidence::ProbeConfig config;
    config.masterUrl = ch->hlsUrl;
    config.renditionId = lowest->second;
    config.mode = confidence::ProbeConfig::Mode::Thumbnail;
    config.maxPictureWidth = kMaxWidth;
    config.maxPictureHeight = kMaxHeight;
    Feed feed;
    feed.url = ch->hlsUrl;
    feed.rendition = lowest->second;
    feed.probe = std::make_unique<confidence::RenditionProbe>(
        std::move(config), [this, id](std::shared_ptr<const confidence::Picture> picture) {
          bool queue;
          {
            std::lock_guard lock(pendingMutex_);
            queue = !pending_.count(id);
            pending_[id] = std::move(picture);
          }
          if (queue)
            QMetaObject::invokeMethod(
                this, [this, id] { deliver(id); }, Qt::QueuedConnection);
        });
    feed.probe->start();
    feeds_.emplace(id, std::move(feed));
  }
}

void ThumbnailFeed::deliver(const std::string& channelId) {
  std::shared_ptr<const confidence::Picture> picture;
  {
    std::lock_guard lock(pendingMutex_);
    auto it = pending_.find(channelId);
    if (it == pending_.end()) return;
    picture = std::move(it->second);
    pending_.erase(it);
  }
  if (!picture || !picture->pixels || !feeds_.count(channelId)) return;
  // A deep copy: the image outlives the probe's buffer.
  const QImage image =
      QImage(picture->pixels.get(), picture->width, picture->height, picture->strideBytes, QImage::Format_RGBX8888)
          .copy();
  emit thumbnailReady(QString::fromStdString(channelId), image);
}

std::string ThumbnailFeed::renditionOf(const std::string& channelId) const {
  const auto it = feeds_.find(channelId);
  return it == feeds_.end() ? std::string() : it->second.rendition;
}

confidence::ProbeStats ThumbnailFeed::stats(const std::string& channelId) const {
  const auto it = feeds_.find(channelId);
  return it == feeds_.end() ? confidence::ProbeStats{} : it->second.probe->stats();
}

}  // namespace vigil::ui
