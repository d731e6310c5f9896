#include "control/channel_runtime.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "control/config.h"
#include "control/emergency_slate.h"
#include "control/engine.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timeline.h"
#include "ingest/contribution_input.h"
#include "ingest/rtmp_listener.h"
#include "ingest/srt_listener.h"
#include "ingest/test_source.h"
#include "origin/origin.h"
#include "package/channel_packager.h"
#include "package/part_pacer.h"
#include "package/pipeline_selector.h"
#include "pipeline/pipeline_process.h"
#include "pipeline/worker_protocol.h"
#include "store/store.h"
#include "switch/input_switch.h"

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

// Contract 7: an operator's action (or a channel's start and stop) is on
// disk before the call returns, so a kill -9 right after loses nothing; the
// engine's own events on media threads are queued.
void recordAction(store::Store& store, const store::EventRecord& event) {
  if (auto s = store.appendEventDurable(event); !s)
    log::get("control")->warn("[ch={}] event {} not recorded: {}", event.channelId, event.kind, s.message());
}

}  // namespace

struct ChannelRuntime::Impl {
  Impl(store::Store& s, origin::Origin& o, ingest::SrtListener* l, ingest::RtmpListener* r)
      : store(s), origin(o), srt(l), rtmp(r) {}
  store::Store& store;
  origin::Origin& origin;
  ingest::SrtListener* const srt;
  ingest::RtmpListener* const rtmp;
  std::optional<Timeline> timeline;  // the pipeline keeps a reference: lives as long as it
  std::shared_ptr<package::ChannelPackager> packager;
  std::unique_ptr<ProgressRecorder> progress;
  // Contract 6: the pipelines in their worker processes, the fan-out of the
  // source's frames to them, and the packager's choice between their parts.
  // Between the selector and the packager: bursts of parts go out spaced
  // (package/part_pacer.h). Declared before the selector, which feeds it.
  std::unique_ptr<package::PartPacer> pacer;
  std::unique_ptr<package::PipelineSelector> selector;
  std::vector<std::unique_ptr<pipeline::PipelineProcess>> pipelines;
  std::unique_ptr<pipeline::PipelineFanout> fanout;
  std::unique_ptr<EmergencySlate> slate;          // the selector's last resort (null when disabled)
  std::unique_ptr<ingest::FrameSource> source;    // the test source, or the input switch
  switching::InputSwitch* inputSwitch = nullptr;  // source, when the channel has inputs
  std::vector<std::unique_ptr<ingest::ContributionInput>> inputs;
  std::vector<std::string> srtInputs;   // registered with the SRT listener
  std::vector<std::string> rtmpInputs;  // registered with the RTMP listener
  std::atomic<bool> running{false};
};

ChannelRuntime::ChannelRuntime(ChannelSpec spec, store::Store& store, origin::Origin& origin, ingest::SrtListener* srt,
                               ingest::RtmpListener* rtmp)
    : spec_(std::move(spec)), impl_(std::make_unique<Impl>(store, origin, srt, rtmp)) {}

ChannelRuntime::~ChannelRuntime() { stop(); }

Status ChannelRuntime::start(const std::string& actor) {
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

  if (auto s = startPipelines(); !s) {
    stop();
    return Status::error("channel " + spec_.id + ": " + s.message());
  }
  if (spec_.inputs.empty()) {
    impl_->source = std::make_unique<ingest::TestSource>(spec_.id, spec_.source, timeline);
  } else {
    std::vector<std::string> ids;
    for (const auto& in : spec_.inputs) ids.push_back(in.id);
    auto sw = std::make_unique<switching::InputSwitch>(spec_.id, spec_.name, spec_.source, spec_.audio, spec_.failover,
                                                       timeline, std::move(ids));
    // Contract 7: every switch is an event.
    sw->onSwitch([store = &impl_->store, id = spec_.id](const switching::SwitchEvent& e) {
      store->appendEvent({0, e.utcUs, id, "input.switch", e.automatic ? "engine" : "operator",
                          e.from + " -> " + e.to + ": " + e.reason});
    });
    impl_->inputSwitch = sw.get();
    impl_->source = std::move(sw);
  }
  // The switch first (it plays the slate until an input is fit), then the inputs into its ports.
  if (auto s = impl_->source->start(impl_->fanout.get()); !s) {
    stop();
    return Status::error("channel " + spec_.id + ": source: " + s.message());
  }
  for (size_t i = 0; i < spec_.inputs.size(); ++i) {
    if (auto s = startInput(i); !s) {
      stop();
      return Status::error("channel " + spec_.id + ": input " + spec_.inputs[i].id + ": " + s.message());
    }
  }
  impl_->running = true;
  const auto& period = timeline.current();
  logger->info("[ch={}] started: period {} from segment {} ({} renditions + audio)", spec_.id,
               period.discontinuitySequence, period.firstSegment, spec_.video.size());
  recordAction(impl_->store, {0, 0, spec_.id, "channel.start", actor,
                              "period " + std::to_string(period.discontinuitySequence) + " from segment " +
                                  std::to_string(period.firstSegment)});
  return Status::ok();
}

Status ChannelRuntime::startPipelines() {
  const auto& red = spec_.redundancy;
  std::vector<package::PipelineSelector::Rendition> renditions;
  for (const auto& v : spec_.video) renditions.push_back({v.id, true, v.bitrateBps});
  renditions.push_back({spec_.audio.id, false, spec_.audio.bitrateBps});
  package::PipelineSelectorOptions so;
  so.pipelines = red.pipelines() + (red.emergencySlate ? 1 : 0);
  so.lastResort = red.emergencySlate ? red.pipelines() : -1;
  // The slate is made below, before any part can reach the selector.
  if (red.emergencySlate)
    so.wakeLastResort = [impl = impl_.get()](int64_t video, int64_t audio) {
      if (impl->slate) impl->slate->ensureRunning(video, audio);
    };
  so.preferred = red.preferred;
  so.lagMs = red.lagMs;
  so.steadySegments = red.steadySegments;
  impl_->pacer = std::make_unique<package::PartPacer>(impl_->packager.get());
  impl_->selector = std::make_unique<package::PipelineSelector>(spec_.id, *impl_->timeline, impl_->pacer.get(),
                                                                std::move(renditions), so);
  // Contract 7: the packager's switches between pipelines are events.
  impl_->selector->onSwitch(
      [store = &impl_->store, id = spec_.id, slate = so.lastResort](const package::PipelineSwitchEvent& e) {
        auto name = [slate](int p) { return p == slate ? std::string("slate") : std::to_string(p); };
        store->appendEvent({0, e.utcUs, id, "pipeline.switch", "engine",
                            name(e.from) + " -> " + name(e.to) + " at " + e.rendition + " " +
                                std::to_string(e.atSegment) + "." + std::to_string(e.atPart) + ": " + e.reason});
      });
  if (so.lastResort >= 0) {
    impl_->slate = std::make_unique<EmergencySlate>(spec_, *impl_->timeline, impl_->selector->input(so.lastResort));
    if (auto s = impl_->slate->prepare(); !s) return s;
  }
  const std::string workerPath = pipeline::findWorkerExecutable();
  pipeline::PipelineProcessOptions po;
  po.workerPath = workerPath;
  po.hangMs = red.hangMs;
  po.onState = [store = &impl_->store, id = spec_.id](int index, PipelineState state, const std::string& why) {
    if (state == PipelineState::Starting) return;
    store->appendEvent({0, 0, id, state == PipelineState::Up ? "pipeline.up" : "pipeline.down", "engine",
                        "pipeline " + std::to_string(index) + (why.empty() ? "" : ": " + why)});
  };
  const auto level = spdlog::level::to_string_view(log::get("pipeline")->level());
  std::vector<pipeline::PipelineProcess*> targets;
  for (int i = 0; i < red.pipelines(); ++i) {
    const nlohmann::json hello{{"channel", channelToJson(spec_)},
                               {"timeline", pipeline::wire::timelineToJson(*impl_->timeline)},
                               {"index", i},
                               {"logLevel", std::string(level.data(), level.size())},
                               {"logFormat", workerLogFormat_}};
    auto p = std::make_unique<pipeline::PipelineProcess>(
        spec_.id, i, pipeline::wire::encode(pipeline::wire::Type::Hello, hello), impl_->selector->input(i), po);
    if (auto s = p->start(); !s) return Status::error("pipeline " + std::to_string(i) + ": " + s.message());
    targets.push_back(p.get());
    impl_->pipelines.push_back(std::move(p));
  }
  impl_->selector->start();
  impl_->fanout = std::make_unique<pipeline::PipelineFanout>(std::move(targets));
  return Status::ok();
}

Status ChannelRuntime::startInput(size_t i) {
  const InputSpec& in = spec_.inputs[i];
  const bool rtmp = in.type == "rtmp";
  ingest::ContributionInputOptions options;
  options.frameRateNum = spec_.source.frameRateNum;
  options.frameRateDen = spec_.source.frameRateDen;
  options.container =
      rtmp ? ingest::ContributionInputOptions::Container::Flv : ingest::ContributionInputOptions::Container::MpegTs;
  auto input = std::make_unique<ingest::ContributionInput>(spec_.id, in.id, *impl_->timeline, options);
  if (rtmp) {
    if (!impl_->rtmp) return Status::error("needs the RTMP listener (rtmp.listen)");
    ingest::RtmpInputSpec reg{spec_.id, in.id,         in.app.empty() ? spec_.id : in.app,
                              in.key,   in.allowCidrs, input->publisherSink()};
    if (auto s = impl_->rtmp->addInput(std::move(reg)); !s) return s;
    impl_->rtmpInputs.push_back(in.id);
  } else {
    if (!impl_->srt) return Status::error("needs the SRT listener (srt.listen)");
    ingest::SrtInputSpec reg{spec_.id,     in.id,         in.passphrase,         in.pbkeylen,
                             in.latencyMs, in.allowCidrs, input->publisherSink()};
    if (auto s = impl_->srt->addInput(std::move(reg)); !s) return s;
    impl_->srtInputs.push_back(in.id);
  }
  // A bad feed is an event (contract 7): the operator sees why an input is off.
  input->onFeedError([store = &impl_->store, ch = spec_.id, id = in.id](const std::string& why) {
    store->appendEvent({0, 0, ch, "input.error", "engine", id + ": " + why});
  });
  ingest::ContributionInput* raw = input.get();
  impl_->inputSwitch->setProbe(i, {[raw] {
                                 const int64_t t = raw->lastPayloadUtcUs();
                                 return t > 0 ? t : int64_t{-1};
                               }});
  if (auto s = input->start(impl_->inputSwitch->port(i)); !s) return s;
  impl_->inputs.push_back(std::move(input));
  return Status::ok();
}

void ChannelRuntime::stop(const std::string& actor) {
  // Not running from here on: the monitor does not take a deliberate stop
  // for failing pipelines and inputs.
  const bool wasRunning = impl_->running.exchange(false);
  // Upstream first, so nothing is published into a packager the origin dropped.
  for (const auto& in : impl_->srtInputs) (void)impl_->srt->removeInput(spec_.id, in);
  impl_->srtInputs.clear();
  for (const auto& in : impl_->rtmpInputs) (void)impl_->rtmp->removeInput(spec_.id, in);
  impl_->rtmpInputs.clear();
  for (auto& in : impl_->inputs) in->stop();
  impl_->inputs.clear();
  if (impl_->source) impl_->source->stop();
  // The workers flush their last parts into the selector, which publishes them.
  for (auto& p : impl_->pipelines) p->requestStop();
  for (auto& p : impl_->pipelines) p->stop();
  if (impl_->slate) impl_->slate->stop();
  if (impl_->selector) impl_->selector->stop();
  if (impl_->packager) {
    impl_->origin.removeChannel(spec_.id);
    if (impl_->progress) impl_->packager->removeObserver(impl_->progress.get());
  }
  impl_->inputSwitch = nullptr;
  impl_->source.reset();
  impl_->fanout.reset();
  impl_->pipelines.clear();
  impl_->slate.reset();
  impl_->selector.reset();
  impl_->pacer.reset();  // what it still holds is published
  if (wasRunning) {
    recordAction(impl_->store, {0, 0, spec_.id, "channel.stop", actor, ""});
    log::get("control")->info("[ch={}] stopped", spec_.id);
  }
}

bool ChannelRuntime::running() const { return impl_->running; }

std::shared_ptr<const package::ChannelPackager> ChannelRuntime::packager() const { return impl_->packager; }

}  // namespace vigil::control

namespace vigil::control {

bool ChannelRuntime::inputSwitchStatus(switching::SwitchStatus& out) const {
  if (!impl_->inputSwitch) return false;
  out = impl_->inputSwitch->status();
  return true;
}

std::vector<ingest::ContributionInputStatus> ChannelRuntime::inputStatuses() const {
  std::vector<ingest::ContributionInputStatus> out;
  for (const auto& in : impl_->inputs) out.push_back(in->status());
  return out;
}

Status ChannelRuntime::selectInput(const std::string& inputId, bool force, const std::string& actor) {
  if (!impl_->inputSwitch) return Status::error("channel " + spec_.id + " has no contribution inputs");
  if (auto s = impl_->inputSwitch->select(inputId, force); !s) return s;
  recordAction(impl_->store, {0, 0, spec_.id, "input.select", actor, inputId + (force ? " (forced)" : "")});
  return Status::ok();
}

bool ChannelRuntime::pipelineStatus(package::PipelineSelectorStatus& selector,
                                    std::vector<pipeline::PipelineProcessStatus>& workers) const {
  if (!impl_->selector) return false;
  selector = impl_->selector->status();
  workers.clear();
  for (const auto& p : impl_->pipelines) workers.push_back(p->status());
  return true;
}

Status ChannelRuntime::preferPipeline(int index, const std::string& actor) {
  if (!impl_->selector) return Status::error("channel " + spec_.id + " is not running");
  if (auto s = impl_->selector->prefer(index); !s) return s;
  recordAction(impl_->store, {0, 0, spec_.id, "pipeline.prefer", actor, "pipeline " + std::to_string(index)});
  return Status::ok();
}

Status ChannelRuntime::restartPipeline(int index, const std::string& actor) {
  if (index < 0 || index >= static_cast<int>(impl_->pipelines.size()))
    return Status::error("channel " + spec_.id + " has no pipeline " + std::to_string(index));
  if (auto s = impl_->pipelines[index]->restart("by " + actor); !s) return s;
  recordAction(impl_->store, {0, 0, spec_.id, "pipeline.restart", actor, "pipeline " + std::to_string(index)});
  return Status::ok();
}

Status ChannelRuntime::holdOnBackup(bool hold, const std::string& actor) {
  if (!impl_->inputSwitch) return Status::error("channel " + spec_.id + " has no contribution inputs");
  impl_->inputSwitch->holdOnBackup(hold);
  recordAction(impl_->store, {0, 0, spec_.id, hold ? "input.hold" : "input.release", actor, ""});
  return Status::ok();
}

}  // namespace vigil::control

namespace vigil::control {
namespace {

// The worst manifest age over the channel's renditions now (seconds).
double worstAgeSeconds(const package::ChannelPackager& pk, const ChannelSpec& spec) {
  const int64_t now = nowUtcUs();
  double worst = 0;
  for (const auto& id : renditionIds(spec)) {
    const int64_t end = pk.newestPartEndUtcUs(id);
    if (end > 0) worst = std::max(worst, static_cast<double>(now - end) / 1e6);
  }
  return worst;
}

}  // namespace

Result<RehearsalReport> ChannelRuntime::rehearse(const std::string& kind, int observeMs, const std::string& actor) {
  if (!impl_->running || !impl_->packager || !impl_->selector)
    return Status::error("channel " + spec_.id + " is not running");
  if (observeMs < 1000 || observeMs > 120000) return Status::error("observe_ms must be 1000..120000");
  const auto& pk = *impl_->packager;
  RehearsalReport report;
  report.kind = kind;
  report.observedMs = observeMs;
  // The fault and how to tell it has been handled.
  std::function<bool()> switched;
  std::function<Status()> fault;
  if (kind == "pipeline-kill") {
    const int onAir = impl_->selector->status().onAir;
    if (onAir < 0 || onAir >= static_cast<int>(impl_->pipelines.size()))
      return Status::error("no pipeline is on air to kill");
    report.target = "pipeline " + std::to_string(onAir);
    fault = [this, onAir] { return impl_->pipelines[onAir]->signal(SIGKILL); };
    switched = [this, onAir] { return impl_->selector->status().onAir != onAir; };
  } else if (kind == "input-failover") {
    switching::SwitchStatus sw;
    if (!impl_->inputSwitch) return Status::error("channel " + spec_.id + " has no contribution inputs");
    sw = impl_->inputSwitch->status();
    std::string to;
    for (const auto& in : sw.inputs)
      if (in.id != sw.onAir && in.fault == switching::Fault::None && to.empty()) to = in.id;
    if (to.empty()) return Status::error("no other fit input to fail over to");
    report.target = sw.onAir + " -> " + to;
    fault = [this, to] { return impl_->inputSwitch->select(to, true); };
    switched = [this, to] { return impl_->inputSwitch->status().onAir == to; };
  } else {
    return Status::error("unknown rehearsal '" + kind + "' (known: pipeline-kill, input-failover)");
  }
  auto sample = [&](int ms, double& worst, const std::function<void()>& each) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      worst = std::max(worst, worstAgeSeconds(pk, spec_));
      if (each) each();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  sample(1000, report.baselineManifestAgeSeconds, nullptr);
  const auto before = impl_->selector->status();
  const auto refusedBefore = pk.counters().partsRefused;
  report.startedUtcUs = nowUtcUs();
  const auto t0 = std::chrono::steady_clock::now();
  if (auto s = fault(); !s) return s;
  sample(observeMs, report.worstManifestAgeSeconds, [&] {
    if (report.switchMs < 0 && switched())
      report.switchMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  });
  report.partsLost = impl_->selector->status().gapParts - before.gapParts;
  report.partsRepeated = pk.counters().partsRefused - refusedBefore;
  nlohmann::json detail{{"kind", report.kind},
                        {"target", report.target},
                        {"switch_ms", std::lround(report.switchMs)},
                        {"baseline_manifest_age_s", report.baselineManifestAgeSeconds},
                        {"worst_manifest_age_s", report.worstManifestAgeSeconds},
                        {"parts_lost", report.partsLost},
                        {"parts_repeated", report.partsRepeated},
                        {"observed_ms", report.observedMs}};
  recordAction(impl_->store, {0, report.startedUtcUs, spec_.id, "rehearsal", actor, detail.dump()});
  log::get("control")->info("[ch={}] rehearsal {}: {}", spec_.id, kind, detail.dump());
  return report;
}

}  // namespace vigil::control
