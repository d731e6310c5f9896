#include "control/channel_runtime.h"

#include <atomic>
#include <chrono>
#include <optional>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeline.h"
#include "ingest/contribution_input.h"
#include "ingest/srt_listener.h"
#include "ingest/test_source.h"
#include "origin/origin.h"
#include "package/channel_packager.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

namespace vigil::control {
namespace {

// Keeps the store's "last published segment" current, one write per segment:
// a restarted engine continues numbering after it.
class ProgressRecorder final : public package::PublishObserver {
 public:
  ProgressRecorder(store::Store& store, std::string renditionId)
      : store_(store), renditionId_(std::move(renditionId)) {}
  void onPublished(const std::string& channelId, const std::string& renditionId,
                   package::PlaylistPosition pos) override {
    if (renditionId != renditionId_) return;
    if (pos.msn > recorded_.exchange(pos.msn)) store_.recordLastSegment(channelId, pos.msn);
  }

 private:
  store::Store& store_;
  const std::string renditionId_;
  std::atomic<int64_t> recorded_{-1};
};

}  // namespace

struct ChannelRuntime::Impl {
  Impl(store::Store& s, origin::Origin& o, ingest::SrtListener* l) : store(s), origin(o), srt(l) {}
  store::Store& store;
  origin::Origin& origin;
  ingest::SrtListener* const srt;
  std::optional<Timeline> timeline;  // the pipeline keeps a reference: lives as long as it
  std::shared_ptr<package::ChannelPackager> packager;
  std::unique_ptr<ProgressRecorder> progress;
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::unique_ptr<ingest::FrameSource> source;
  std::vector<std::string> srtInputs;  // registered with the listener
  std::atomic<bool> running{false};
};

ChannelRuntime::ChannelRuntime(ChannelSpec spec, store::Store& store, origin::Origin& origin, ingest::SrtListener* srt)
    : spec_(std::move(spec)), impl_(std::make_unique<Impl>(store, origin, srt)) {}

ChannelRuntime::~ChannelRuntime() { stop(); }

Status ChannelRuntime::start() {
  if (impl_->running) return Status::ok();
  auto logger = log::get("control");
  const auto& pk = spec_.packaging;
  Timeline& timeline = impl_->timeline.emplace(int64_t{pk.segmentDurationMs} * kTimelineHz / 1000,
                                               int64_t{pk.partDurationMs} * kTimelineHz / 1000);

  // Contract 1: continue after the last published segment, in a new period.
  // A short lead lets the pipeline open its encoders before the first frame is due.
  const int64_t startUtcUs = nowUtcUs() + 200'000;
  const auto history = impl_->store.periods(spec_.id);
  if (history.empty()) {
    timeline.begin(startUtcUs);
  } else {
    const int64_t last = impl_->store.lastSegment(spec_.id).value_or(history.back().firstSegment);
    timeline.resume(history, last, startUtcUs);
  }
  if (auto s = impl_->store.addPeriod(spec_.id, timeline.current()); !s)
    return Status::error("channel " + spec_.id + ": cannot record the timeline period: " + s.message());

  impl_->packager = std::make_shared<package::ChannelPackager>(spec_.id, pk, timeline, renditionIds(spec_));
  impl_->progress = std::make_unique<ProgressRecorder>(impl_->store, spec_.video.front().id);
  impl_->packager->addObserver(impl_->progress.get());
  impl_->origin.addChannel(impl_->packager);

  impl_->pipeline = std::make_unique<pipeline::Pipeline>(spec_.id, spec_, timeline, impl_->packager.get());
  if (auto s = impl_->pipeline->start(); !s) {
    stop();
    return Status::error("channel " + spec_.id + ": pipeline: " + s.message());
  }
  if (spec_.inputs.empty()) {
    impl_->source = std::make_unique<ingest::TestSource>(spec_.id, spec_.source, timeline);
  } else {
    // One input until input failover lands (config validation enforces it).
    const InputSpec& in = spec_.inputs.front();
    auto input = std::make_unique<ingest::ContributionInput>(spec_.id, in.id, timeline);
    ingest::SrtInputSpec reg{spec_.id,     in.id,         in.passphrase,         in.pbkeylen,
                             in.latencyMs, in.allowCidrs, input->publisherSink()};
    if (!impl_->srt) {
      stop();
      return Status::error("channel " + spec_.id + ": input " + in.id + " needs the SRT listener");
    }
    if (auto s = impl_->srt->addInput(std::move(reg)); !s) {
      stop();
      return Status::error("channel " + spec_.id + ": input " + in.id + ": " + s.message());
    }
    impl_->srtInputs.push_back(in.id);
    impl_->source = std::move(input);
  }
  if (auto s = impl_->source->start(impl_->pipeline.get()); !s) {
    stop();
    return Status::error("channel " + spec_.id + ": source: " + s.message());
  }
  impl_->running = true;
  const auto& period = timeline.current();
  logger->info("[ch={}] started: period {} from segment {} ({} renditions + audio)", spec_.id,
               period.discontinuitySequence, period.firstSegment, spec_.video.size());
  impl_->store.appendEvent({0, 0, spec_.id, "channel.start", "engine",
                            "period " + std::to_string(period.discontinuitySequence) + " from segment " +
                                std::to_string(period.firstSegment)});
  return Status::ok();
}

void ChannelRuntime::stop() {
  // Upstream first, so nothing is published into a packager the origin dropped.
  for (const auto& in : impl_->srtInputs) (void)impl_->srt->removeInput(spec_.id, in);
  impl_->srtInputs.clear();
  if (impl_->source) impl_->source->stop();
  if (impl_->pipeline) impl_->pipeline->stop();
  if (impl_->packager) {
    impl_->origin.removeChannel(spec_.id);
    if (impl_->progress) impl_->packager->removeObserver(impl_->progress.get());
  }
  impl_->source.reset();
  impl_->pipeline.reset();
  if (impl_->running.exchange(false)) {
    impl_->store.appendEvent({0, 0, spec_.id, "channel.stop", "engine", ""});
    log::get("control")->info("[ch={}] stopped", spec_.id);
  }
}

bool ChannelRuntime::running() const { return impl_->running; }

std::shared_ptr<const package::ChannelPackager> ChannelRuntime::packager() const { return impl_->packager; }

}  // namespace vigil::control
