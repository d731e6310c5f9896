// Low-cost pictures for the channel grid: per channel, the lowest video
// rendition followed in thumbnail mode (only the independent first part of
// each segment is fetched, and only its keyframe decoded: about one picture
// per segment, at most one a second), as viewers get it from the origin.
#pragma once

#include <QImage>
#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "confidence/rendition_probe.h"
#include "engine_client.h"

namespace vigil::ui {

class ThumbnailFeed : public QObject {
  Q_OBJECT

 public:
  explicit ThumbnailFeed(EngineClient* client, QObject* parent = nullptr);
  ~ThumbnailFeed() override;  // stops every probe

  // The channels to picture (others are stopped). Channels not running yet
  // start once the engine reports their playlist.
  void setChannels(const std::vector<std::string>& ids);
  const std::vector<std::string>& channels() const { return ids_; }
  // The rendition pictured for a channel ("" : not started).
  std::string renditionOf(const std::string& channelId) const;
  // The probe's status for a channel (an error string while it cannot follow).
  confidence::ProbeStats stats(const std::string& channelId) const;
  // Thumbnails are at most this size (aspect kept).
  static constexpr int kMaxWidth = 320;
  static constexpr int kMaxHeight = 180;

 signals:
  void thumbnailReady(const QString& channelId, const QImage& image);

 private:
  struct Feed {
    std::string url;
    std::string rendition;
    std::unique_ptr<confidence::RenditionProbe> probe;
  };
  void requestSpecs();
  void reconcile();  // starts and stops probes to match ids_ and the snapshot
  void deliver(const std::string& channelId);

  EngineClient* client_;
  std::vector<std::string> ids_;
  std::map<std::string, std::string> lowest_;  // channel -> its lowest video rendition (from the specs)
  std::map<std::string, Feed> feeds_;

  std::mutex pendingMutex_;  // guards pending_ (probe threads hand pictures over)
  std::map<std::string, std::shared_ptr<const confidence::Picture>> pending_;
};

}  // namespace vigil::ui
