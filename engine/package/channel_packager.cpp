#include "package/channel_packager.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>

#include "core/clock.h"
#include "core/log.h"
#include "package/dash_mpd.h"
#include "package/hls_playlist.h"
#include "package/segment_store.h"

namespace vigil::package {
namespace {

constexpr int kAacFrameSamples = 1024;

}  // namespace

// One rendition: its init, its segments and the playlists rendered from them.
struct RenditionState {
  RenditionState(std::string rid, int dvr, int partRetention, int partsPerSegment)
      : id(std::move(rid)), store(dvr, partRetention, partsPerSegment) {}

  const std::string id;
  // Guarded by Impl::mu.
  std::optional<RenditionInfo> info;
  Bytes initBytes;
  SegmentStore store;
  uint64_t publishSeq = 0;  // accepted parts
  // What readers see: the newest rendered playlists and the position they show.
  uint64_t renderedSeq = 0;
  Bytes playlist;
  Bytes deltaPlaylist;
  PlaylistPosition visiblePos;
  int64_t visibleEndUtcUs = 0;
};

struct ChannelPackager::Impl {
  Impl(std::string ch, PackagingSpec sp, Timeline tl, const std::vector<std::string>& expected)
      : channelId(std::move(ch)), spec(sp), timeline(std::move(tl)) {
    const int64_t d90k = timeline.segmentDuration90k();
    const int64_t td90k = int64_t{hls::targetDurationSeconds(d90k)} * kTimelineHz;
    auto segmentsFor = [d90k](int64_t t90k) { return static_cast<int>((t90k + d90k - 1) / d90k); };
    // A live playlist never lists less than three target durations (RFC 8216 6.2.2).
    liveWindow = std::max(spec.liveWindowSegments, segmentsFor(3 * td90k));
    dvrWindow = std::max(spec.dvrWindowSegments, liveWindow);
    // Parts stay addressable while listed (three target durations) and for
    // three target durations after (rfc8216bis 6.2.2), plus a segment of slack.
    const int partRetention = std::max(liveWindow, segmentsFor(6 * td90k) + 1) + 1;
    for (const std::string& id : expected)
      renditions.push_back(std::make_unique<RenditionState>(id, dvrWindow, partRetention, timeline.partsPerSegment()));
  }

  // ---- immutable after construction ----
  const std::string channelId;
  const PackagingSpec spec;
  const Timeline timeline;
  std::vector<std::unique_ptr<RenditionState>> renditions;  // the vector itself never changes
  int liveWindow = 0;                                       // complete segments listed in a media playlist
  int dvrWindow = 0;  // complete segments kept (and in the MPD's timeShiftBufferDepth)

  // ---- guarded by mu ----
  mutable std::mutex mu;
  std::string utcTimingUrl = "/time";
  std::string audioName = "Main";
  uint64_t infoVersion = 1;  // bumps when a RenditionInfo or a manifest setting changes
  uint64_t masterRequested = 0, masterInstalled = 0, masterInfoVersion = 0;
  uint64_t mpdRequested = 0, mpdInstalled = 0, mpdInfoVersion = 0;
  std::vector<int64_t> mpdPeriodKey;
  Bytes master;
  Bytes mpd;
  Counters counters;
  std::set<std::string> warnedUnknown;

  // ---- observers: own mutex, held while notifying (see removeObserver) ----
  std::mutex observersMu;
  std::vector<PublishObserver*> observers;

  RenditionState* find(const std::string& id) const {
    for (const auto& r : renditions)
      if (r->id == id) return r.get();
    return nullptr;
  }

  // Wall clock of timeline time t90k within segment msn's period. Not
  // Timeline::utcUsAt(t90k): an audio part may start a fraction of a frame
  // before its segment's boundary, and at a period's first segment that
  // instant belongs to the previous period's mapping (off by the whole gap).
  int64_t utcAt(int64_t msn, int64_t t90k) const {
    if (timeline.empty()) return ticksToUs(t90k);
    const TimelinePeriod& p = timeline.periodOfSegment(msn);
    return p.startUtcUs + ticksToUs(t90k - timeline.segmentStart90k(p.firstSegment));
  }
  int64_t dsnOf(int64_t msn) const {
    return timeline.empty() ? 0 : timeline.periodOfSegment(msn).discontinuitySequence;
  }

  bool readyLocked() const {
    for (const auto& r : renditions)
      if (!r->info || r->store.empty()) return false;
    return !renditions.empty();
  }

  // PART-TARGET of a rendition: the part duration when samples tile it
  // exactly, else one sample longer (audio is cut at the AAC frame nearest
  // each boundary, so parts vary by up to a frame), and never below the
  // longest part actually stored (DURATION <= PART-TARGET is a MUST, 4.4.4.9).
  int64_t partTargetUsLocked(const RenditionState& r) const {
    const int64_t p90k = timeline.partDuration90k();
    int64_t bound90k = p90k;
    if (r.info && r.info->kind == TrackKind::Audio) {
      const int64_t rate = r.info->sampleRate > 0 ? r.info->sampleRate : r.info->timescale;
      if (rate > 0 && (p90k * rate) % (int64_t{kAacFrameSamples} * kTimelineHz) != 0)
        bound90k = p90k + (int64_t{kAacFrameSamples} * kTimelineHz + rate - 1) / rate;
    } else if (r.info && r.info->frameRate > 0) {
      const double frames = static_cast<double>(p90k) * r.info->frameRate / kTimelineHz;
      if (std::abs(frames - std::round(frames)) > 1e-6)
        bound90k = p90k + static_cast<int64_t>(std::ceil(kTimelineHz / r.info->frameRate));
    }
    return ticksToUs(std::max(bound90k, r.store.maxPartDuration90k()));
  }

  // Channel-wide values, so every rendition advertises the same hold-backs.
  int targetDurationLocked() const {
    int64_t longest = timeline.segmentDuration90k();
    for (const auto& r : renditions) longest = std::max(longest, r->store.maxSegmentDuration90k());
    return hls::targetDurationSeconds(longest);
  }
  int64_t maxPartTargetUsLocked() const {
    int64_t m = 0;
    for (const auto& r : renditions) m = std::max(m, partTargetUsLocked(*r));
    return m;
  }

  struct PlaylistJob {
    RenditionState* rendition = nullptr;
    uint64_t seq = 0;
    hls::MediaPlaylistInput input;
    PlaylistPosition pos;
    int64_t endUtcUs = 0;
  };

  PlaylistJob snapshotPlaylistLocked(RenditionState& r) const {
    PlaylistJob job;
    job.rendition = &r;
    job.seq = r.publishSeq;
    hls::MediaPlaylistInput& in = job.input;
    in.targetDurationS = targetDurationLocked();
    in.partTargetUs = partTargetUsLocked(r);
    in.partHoldBackUs = hls::partHoldBackUs(int64_t{spec.partHoldBackMs} * 1000, maxPartTargetUsLocked());

    // The live window: the last liveWindow complete segments plus the growing one.
    const auto& segs = r.store.segments();
    size_t first = segs.size();
    int complete = 0;
    while (first > 0 && (!segs[first - 1].complete || complete < liveWindow)) {
      --first;
      if (segs[first].complete) ++complete;
    }
    in.segments.reserve(segs.size() - first);
    for (size_t i = first; i < segs.size(); ++i) {
      const StoredSegment& s = segs[i];
      hls::SegmentEntry e;
      e.msn = s.number;
      e.discontinuitySequence = dsnOf(s.number);
      e.startUtcUs = utcAt(s.number, s.start90k());
      e.duration90k = s.duration90k;
      e.complete = s.complete;
      e.parts.reserve(s.parts.size());
      for (const StoredPart& p : s.parts) e.parts.push_back(hls::PartEntry{p.index, p.duration90k, p.independent});
      in.segments.push_back(std::move(e));
    }
    r.store.nextPart(in.preloadMsn, in.preloadPart);
    for (const auto& other : renditions) {
      if (other.get() == &r) continue;
      in.reports.push_back(hls::RenditionReport{other->id, other->store.lastMsn(), other->store.lastPart()});
    }
    job.pos = PlaylistPosition{r.store.lastMsn(), r.store.lastPart()};
    if (const StoredPart* p = r.store.lastStoredPart())
      job.endUtcUs = utcAt(r.store.lastMsn(), p->start90k) + ticksToUs(p->duration90k);
    return job;
  }

  struct ChannelJob {
    std::optional<hls::MultivariantInput> master;
    uint64_t masterSeq = 0;
    std::optional<dash::MpdInput> mpd;
    uint64_t mpdSeq = 0;
  };

  std::vector<TimelinePeriod> periodsInWindowLocked() const {
    int64_t oldest = -1;
    int64_t newest = -1;
    for (const auto& r : renditions) {
      if (r->store.empty()) continue;
      oldest = oldest < 0 ? r->store.oldestMsn() : std::min(oldest, r->store.oldestMsn());
      newest = std::max(newest, r->store.lastMsn());
    }
    std::vector<TimelinePeriod> out;
    if (oldest < 0 || timeline.empty()) return out;
    const auto& ps = timeline.periods();
    for (size_t i = 0; i < ps.size(); ++i) {
      const int64_t end = i + 1 < ps.size() ? ps[i + 1].firstSegment : INT64_MAX;  // exclusive
      if (ps[i].firstSegment <= newest && end > oldest) out.push_back(ps[i]);
    }
    return out;
  }

  // Master and MPD change only with renditions, settings and (MPD) periods.
  ChannelJob snapshotChannelLocked() {
    ChannelJob job;
    if (!readyLocked()) return job;
    std::vector<RenditionInfo> video;
    std::vector<RenditionInfo> audio;
    for (const auto& r : renditions) (r->info->kind == TrackKind::Video ? video : audio).push_back(*r->info);
    if (masterInfoVersion != infoVersion) {
      masterInfoVersion = infoVersion;
      job.masterSeq = ++masterRequested;
      job.master = hls::MultivariantInput{video, audio, audioName};
    }
    std::vector<TimelinePeriod> periods = periodsInWindowLocked();
    std::vector<int64_t> key;
    for (const TimelinePeriod& p : periods) key.push_back(p.discontinuitySequence);
    if (mpdInfoVersion != infoVersion || key != mpdPeriodKey) {
      mpdInfoVersion = infoVersion;
      mpdPeriodKey = key;
      job.mpdSeq = ++mpdRequested;
      dash::MpdInput in;
      const int64_t dUs = ticksToUs(timeline.segmentDuration90k());
      in.availabilityStartUtcUs = timeline.empty() ? 0 : timeline.periods().front().startUtcUs;
      in.publishUtcUs = nowUtcUs();
      in.segmentDuration90k = timeline.segmentDuration90k();
      in.timeShiftBufferUs = int64_t{dvrWindow} * dUs;
      in.suggestedPresentationDelayUs = 3 * dUs;  // as HLS HOLD-BACK: three segments behind the edge
      in.minBufferUs = dUs;
      in.minimumUpdatePeriodUs = dUs;
      in.periods = std::move(periods);
      in.video = std::move(video);
      in.audio = std::move(audio);
      in.utcTimingUrl = utcTimingUrl;
      job.mpd = std::move(in);
    }
    return job;
  }

  // Renders outside the lock, then installs unless a newer render won the race.
  void renderAndInstall(std::optional<PlaylistJob> pj, ChannelJob cj) {
    Bytes full;
    Bytes delta;
    if (pj) {
      full = makeBytes(hls::renderMediaPlaylist(pj->input, false));
      delta = hls::skippableSegments(pj->input) > 0 ? makeBytes(hls::renderMediaPlaylist(pj->input, true)) : full;
    }
    Bytes masterBytes = cj.master ? makeBytes(hls::renderMultivariantPlaylist(*cj.master)) : nullptr;
    Bytes mpdBytes = cj.mpd ? makeBytes(dash::renderMpd(*cj.mpd)) : nullptr;

    std::lock_guard lock(mu);
    if (pj && pj->rendition->renderedSeq < pj->seq) {
      RenditionState& r = *pj->rendition;
      r.renderedSeq = pj->seq;
      r.playlist = std::move(full);
      r.deltaPlaylist = std::move(delta);
      r.visiblePos = pj->pos;
      r.visibleEndUtcUs = pj->endUtcUs;
    }
    if (masterBytes && masterInstalled < cj.masterSeq) {
      masterInstalled = cj.masterSeq;
      master = std::move(masterBytes);
    }
    if (mpdBytes && mpdInstalled < cj.mpdSeq) {
      mpdInstalled = cj.mpdSeq;
      mpd = std::move(mpdBytes);
    }
  }

  void settingsChanged() {
    ChannelJob cj;
    {
      std::lock_guard lock(mu);
      ++infoVersion;
      cj = snapshotChannelLocked();
    }
    renderAndInstall(std::nullopt, std::move(cj));
  }
};

ChannelPackager::ChannelPackager(std::string channelId, PackagingSpec spec, Timeline timeline,
                                 std::vector<std::string> expectedRenditions)
    : impl_(std::make_unique<Impl>(std::move(channelId), spec, std::move(timeline), expectedRenditions)) {}

ChannelPackager::~ChannelPackager() = default;

void ChannelPackager::onInit(CmafInit init) {
  Impl::ChannelJob cj;
  {
    std::lock_guard lock(impl_->mu);
    RenditionState* r = impl_->find(init.rendition.id);
    if (!r || !init.bytes) {
      log::get("package")->warn("[ch={}] init for unexpected rendition '{}' dropped", impl_->channelId,
                                init.rendition.id);
      return;
    }
    r->initBytes = init.bytes;
    r->info = std::move(init.rendition);
    ++impl_->infoVersion;
    cj = impl_->snapshotChannelLocked();
  }
  impl_->renderAndInstall(std::nullopt, std::move(cj));
}

void ChannelPackager::onPart(CmafPart part) {
  std::optional<Impl::PlaylistJob> pj;
  Impl::ChannelJob cj;
  PlaylistPosition pos;
  RenditionState* r = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    r = impl_->find(part.renditionId);
    if (!r) {
      // Once per rendition id: a misconfigured pipeline would otherwise log every part.
      if (impl_->warnedUnknown.insert(part.renditionId).second)
        log::get("package")->warn("[ch={}] parts for unexpected rendition '{}' dropped", impl_->channelId,
                                  part.renditionId);
      return;
    }
    const SegmentStore::AddOutcome outcome = r->store.add(part);
    if (!outcome.accepted) {
      ++impl_->counters.partsRefused;
      // Duplicates are expected around pipeline switches; not worth a warning each.
      log::get("package")->debug("[ch={} r={}] part {}.{} not after {}.{}: dropped", impl_->channelId, r->id,
                                 part.segmentNumber, part.partIndex, r->store.lastMsn(), r->store.lastPart());
      return;
    }
    ++r->publishSeq;
    ++impl_->counters.partsPublished;
    impl_->counters.segmentsPublished += static_cast<uint64_t>(outcome.segmentsCompleted);
    pj = impl_->snapshotPlaylistLocked(*r);
    pos = pj->pos;
    cj = impl_->snapshotChannelLocked();
  }
  impl_->renderAndInstall(std::move(pj), std::move(cj));

  std::lock_guard lock(impl_->observersMu);
  for (PublishObserver* o : impl_->observers) o->onPublished(impl_->channelId, r->id, pos);
}

void ChannelPackager::addObserver(PublishObserver* observer) {
  std::lock_guard lock(impl_->observersMu);
  if (std::find(impl_->observers.begin(), impl_->observers.end(), observer) == impl_->observers.end())
    impl_->observers.push_back(observer);
}

void ChannelPackager::removeObserver(PublishObserver* observer) {
  std::lock_guard lock(impl_->observersMu);
  std::erase(impl_->observers, observer);
}

void ChannelPackager::setUtcTimingUrl(std::string url) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->utcTimingUrl = std::move(url);
  }
  impl_->settingsChanged();
}

void ChannelPackager::setAudioName(std::string name) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->audioName = std::move(name);
  }
  impl_->settingsChanged();
}

const std::string& ChannelPackager::channelId() const { return impl_->channelId; }
const PackagingSpec& ChannelPackager::spec() const { return impl_->spec; }
const Timeline& ChannelPackager::timeline() const { return impl_->timeline; }

bool ChannelPackager::hasRendition(const std::string& renditionId) const { return impl_->find(renditionId) != nullptr; }

std::vector<RenditionInfo> ChannelPackager::renditions() const {
  std::lock_guard lock(impl_->mu);
  std::vector<RenditionInfo> out;
  for (const auto& r : impl_->renditions)
    if (r->info) out.push_back(*r->info);
  return out;
}

bool ChannelPackager::ready() const {
  std::lock_guard lock(impl_->mu);
  // Rendering happens outside the lock: ready only once the manifests a
  // caller would fetch next are installed.
  return impl_->readyLocked() && impl_->master && impl_->mpd;
}

Bytes ChannelPackager::multivariantPlaylist() const {
  std::lock_guard lock(impl_->mu);
  return impl_->master;
}

Bytes ChannelPackager::mediaPlaylist(const std::string& renditionId, bool deltaUpdate) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return nullptr;
  std::lock_guard lock(impl_->mu);
  return deltaUpdate ? r->deltaPlaylist : r->playlist;
}

PlaylistPosition ChannelPackager::lastPosition(const std::string& renditionId) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return {};
  std::lock_guard lock(impl_->mu);
  return r->visiblePos;  // the position the current playlist shows, not just the store
}

Bytes ChannelPackager::dashManifest() const {
  std::lock_guard lock(impl_->mu);
  return impl_->mpd;
}

ObjectLookup ChannelPackager::init(const std::string& renditionId) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return {};
  std::lock_guard lock(impl_->mu);
  if (r->initBytes) return {Availability::Ready, r->initBytes};
  return {Availability::Pending, nullptr};
}

ObjectLookup ChannelPackager::segment(const std::string& renditionId, int64_t msn) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return {};
  std::lock_guard lock(impl_->mu);
  const SegmentStore& store = r->store;
  if (store.empty()) return {};
  if (msn < store.oldestMsn()) return {Availability::Gone, nullptr};
  if (const StoredSegment* s = store.find(msn)) {
    if (s->complete) return {Availability::Ready, s->bytes};
    return {Availability::Pending, nullptr};  // growing: done within a segment duration
  }
  // The next segment may be requested a little early (DASH clients whose clock
  // runs ahead of the encoder's output).
  if (msn == store.lastMsn() + 1) return {Availability::Pending, nullptr};
  return {};
}

ObjectLookup ChannelPackager::part(const std::string& renditionId, int64_t msn, int partIndex) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return {};
  std::lock_guard lock(impl_->mu);
  const SegmentStore& store = r->store;
  const int perSegment = store.partsPerSegment();
  if (store.empty() || partIndex < 0 || partIndex >= perSegment) return {};
  if (msn < store.oldestMsn()) return {Availability::Gone, nullptr};
  if (const StoredSegment* s = store.find(msn)) {
    for (const StoredPart& p : s->parts) {
      if (p.index != partIndex) continue;
      if (p.bytes) return {Availability::Ready, p.bytes};
      return {Availability::Gone, nullptr};  // released: its segment is still served
    }
  }
  // Not published: Pending if it is ahead of the newest part by at most a
  // segment's worth of parts (the preload hint and blocking requests).
  int64_t nextMsn = 0;
  int nextPart = 0;
  store.nextPart(nextMsn, nextPart);
  const int64_t ahead = (msn - nextMsn) * perSegment + (partIndex - nextPart);
  if (ahead >= 0 && ahead < perSegment) return {Availability::Pending, nullptr};
  return {};
}

int64_t ChannelPackager::newestPartEndUtcUs(const std::string& renditionId) const {
  const RenditionState* r = impl_->find(renditionId);
  if (!r) return 0;
  std::lock_guard lock(impl_->mu);
  return r->visibleEndUtcUs;
}

ChannelPackager::Counters ChannelPackager::counters() const {
  std::lock_guard lock(impl_->mu);
  return impl_->counters;
}

}  // namespace vigil::package
