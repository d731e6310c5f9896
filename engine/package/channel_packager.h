// The packager of one channel: takes CMAF parts from the pipeline, keeps the
// segment store (live + DVR window in memory), and renders HLS, LL-HLS and DASH
// manifests over the same parts. The origin reads everything through this
// class; every reader is thread-safe and never waits on media work.
//
// Rendering is cached: a manifest is rendered at most once per published part
// (per variant), and the same Bytes answer every request until the next part.
// A rendition's playlists are rendered on the publishing thread, outside the
// state lock, before observers are told: readers only ever copy a pointer.
// Its EXT-X-RENDITION-REPORTs show the other renditions as they stood when
// its own newest part was published (at most one part interval old).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/channel_spec.h"
#include "core/media_types.h"
#include "core/part_sink.h"
#include "core/timeline.h"

namespace vigil::package {

// Position of the newest published part of a rendition: msn is its segment's
// media sequence number, part its index within the segment. msn == -1: none yet.
struct PlaylistPosition {
  int64_t msn = -1;
  int part = -1;
  bool operator==(const PlaylistPosition&) const = default;
};

enum class Availability {
  Ready,    // bytes are here
  Pending,  // not published yet, but due within the next few parts: a request may be held
  Gone,     // evicted from the DVR window (or before the first period)
  Unknown,  // no such rendition, or too far in the future
};

struct ObjectLookup {
  Availability availability = Availability::Unknown;
  Bytes bytes;  // set when Ready
};

class PublishObserver {
 public:
  virtual ~PublishObserver() = default;
  // Called on the publishing (pipeline) thread after the part is visible to
  // readers. Must return at once (post work elsewhere).
  virtual void onPublished(const std::string& channelId, const std::string& renditionId, PlaylistPosition pos) = 0;
};

class ChannelPackager final : public PartSink {
 public:
  // expectedRenditions: ids of every rendition the pipeline will produce (the
  // multivariant playlist and the MPD are served once all have their init).
  ChannelPackager(std::string channelId, PackagingSpec spec, Timeline timeline,
                  std::vector<std::string> expectedRenditions);
  ~ChannelPackager() override;
  ChannelPackager(const ChannelPackager&) = delete;
  ChannelPackager& operator=(const ChannelPackager&) = delete;

  // PartSink: pipeline threads.
  void onInit(CmafInit init) override;
  void onPart(CmafPart part) override;

  // Observers are notified of every part published; thread-safe. Once
  // removeObserver() returns, the observer is not called again (a call in
  // progress on another thread has finished), so it may be destroyed. An
  // observer must not add or remove observers from its callback.
  void addObserver(PublishObserver* observer);
  void removeObserver(PublishObserver* observer);

  // Settings of the manifests (any thread; the next render uses them).
  // DASH UTCTiming (urn:mpeg:dash:utc:http-iso:2014) URL; the origin serves the
  // time at "/time", the default.
  void setUtcTimingUrl(std::string url);
  // HLS EXT-X-MEDIA NAME of the audio rendition (default "Main").
  void setAudioName(std::string name);

  // ---- readers: any thread ----
  const std::string& channelId() const;
  const PackagingSpec& spec() const;
  const Timeline& timeline() const;
  bool hasRendition(const std::string& renditionId) const;
  std::vector<RenditionInfo> renditions() const;  // those whose init has arrived
  // True once every expected rendition has an init and a first part, and the
  // multivariant playlist and the MPD are rendered.
  bool ready() const;

  // HLS multivariant playlist; nullptr until ready().
  Bytes multivariantPlaylist() const;
  // LL-HLS media playlist (classic clients read the same bytes). deltaUpdate:
  // the _HLS_skip=YES variant with EXT-X-SKIP. nullptr for an unknown rendition
  // or before its first part.
  Bytes mediaPlaylist(const std::string& renditionId, bool deltaUpdate) const;
  // The newest part the current mediaPlaylist() shows (so a blocking reload
  // that sees its part here can answer with mediaPlaylist() at once).
  PlaylistPosition lastPosition(const std::string& renditionId) const;
  // Dynamic DASH MPD; nullptr until ready().
  Bytes dashManifest() const;

  ObjectLookup init(const std::string& renditionId) const;
  ObjectLookup segment(const std::string& renditionId, int64_t msn) const;
  ObjectLookup part(const std::string& renditionId, int64_t msn, int partIndex) const;

  // Heartbeat: wall-clock end of the newest published part (PDT + duration),
  // in microseconds since the Unix epoch; 0 before the first part.
  int64_t newestPartEndUtcUs(const std::string& renditionId) const;

  struct Counters {
    uint64_t partsPublished = 0;
    uint64_t segmentsPublished = 0;
    uint64_t partsRefused = 0;  // duplicates or late: never published twice
  };
  Counters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::package
