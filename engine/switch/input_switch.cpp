#include "switch/input_switch.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>

extern "C" {
#include <libavutil/mathematics.h>
}

#include "core/clock.h"
#include "core/log.h"
#include "core/media_types.h"
#include "ingest/frame_analysis.h"
#include "ingest/pacer.h"
#include "switch/audio_splicer.h"
#include "switch/slate.h"

namespace vigil::switching {

using ingest::align;
using ingest::Alignment;
using ingest::audioPeak;
using ingest::isBlack;
using ingest::isRepeat;
using ingest::kSilencePeak;
using ingest::PictureSignature;
using ingest::signatureOf;
using ingest::StampedSignature;

const char* toString(Fault f) {
  switch (f) {
    case Fault::None:
      return "fit";
    case Fault::NoSignal:
      return "loss of signal";
    case Fault::Undecodable:
      return "undecodable";
    case Fault::Black:
      return "black";
    case Fault::Silence:
      return "silence";
    case Fault::Freeze:
      return "frozen picture";
  }
  return "?";
}

namespace {

constexpr int64_t kSignatureHistoryUs = 3'000'000;
constexpr int64_t kAlignEveryUs = 500'000;
constexpr int64_t kFlowingUs = 200'000;      // a picture (a byte) within this: the feed's video (bytes) flow
constexpr int64_t kBridgeAfterUs = 120'000;  // the input on air late by this: bridge with the same programme
constexpr size_t kOnSlate = SIZE_MAX;

int64_t msSince(int64_t nowUs, int64_t thenUs) { return thenUs < 0 ? -1 : (nowUs - thenUs) / 1000; }

// Runs of a condition (black, frozen, silent): since when it has held.
struct Run {
  int64_t sinceUs = -1;
  void update(bool holds, int64_t nowUs) {
    if (!holds)
      sinceUs = -1;
    else if (sinceUs < 0)
      sinceUs = nowUs;
  }
  bool lasted(int64_t nowUs, int thresholdMs) const {
    return thresholdMs > 0 && sinceUs >= 0 && nowUs - sinceUs >= int64_t{thresholdMs} * 1000;
  }
};

}  // namespace

struct InputSwitch::Impl {
  struct Port final : ingest::FrameSink {
    Impl* owner = nullptr;
    size_t index = 0;
    void onVideoFrame(const AVFrame* f) override { owner->video(index, f); }
    void onAudioFrame(const AVFrame* f) override { owner->audio(index, f); }
    void onEndOfStream() override {}  // a live input ends only when stopped; loss of signal says the rest
  };

  // One input, as the switch sees it. Guarded by stateMutex.
  struct Input {
    std::string id;
    InputProbe probe;
    int64_t firstVideoUs = -1;  // start of the current unbroken run of frames
    int64_t lastVideoUs = -1;
    int64_t lastAudioUs = -1;
    Run black, frozen, silent;
    PictureSignature lastSignature;
    std::deque<StampedSignature> signatures;  // the last few seconds
    std::deque<int64_t> recentFramesUs;       // arrival times over the last second
    std::deque<av::FramePtr> videoRing;       // for replay at a switch (input's own pts)
    std::deque<av::FramePtr> audioRing;
    int64_t videoFrames = 0;
    int64_t audioFrames = 0;
    int width = 0;
    int height = 0;
    std::optional<Alignment> alignment;  // against the reference input
    int64_t fitSinceUs = -1;
  };

  Impl(std::string ch, std::string name, const TestSourceSpec& pic, const AudioRenditionSpec& aud,
       const FailoverSpec& pol, const Timeline& tl, std::vector<std::string> ids, SwitchOptions opt)
      : channelId(std::move(ch)),
        channelName(std::move(name)),
        picture(pic),
        audioSpec(aud),
        policy(pol),
        timeline(tl),
        options(opt),
        splicer(aud.sampleRate, aud.channels) {
    ports.resize(ids.size());
    inputs.resize(ids.size());
    offsets.assign(ids.size(), 0);
    for (size_t i = 0; i < ids.size(); ++i) {
      ports[i].owner = this;
      ports[i].index = i;
      inputs[i].id = std::move(ids[i]);
    }
  }

  // --- the frame path (inputs' threads) ---

  int64_t replayWindow90k() const { return int64_t{policy.lossMs + options.replayMarginMs} * 90; }

  void video(size_t i, const AVFrame* f) {
    if (f->pts == AV_NOPTS_VALUE) return;
    const PictureSignature sig = signatureOf(f);
    const int64_t now = nowUtcUs();
    {
      std::lock_guard lock(stateMutex);
      Input& in = inputs[i];
      if (in.lastVideoUs < 0 || now - in.lastVideoUs > int64_t{policy.lossMs} * 1000) in.firstVideoUs = now;
      in.lastVideoUs = now;
      ++in.videoFrames;
      in.width = f->width;
      in.height = f->height;
      in.black.update(isBlack(sig), now);
      in.frozen.update(isRepeat(in.lastSignature, sig), now);
      in.lastSignature = sig;
      in.signatures.push_back({f->pts, sig});
      while (!in.signatures.empty() && in.signatures.front().pts90k < f->pts - usToTicks(kSignatureHistoryUs))
        in.signatures.pop_front();
      in.recentFramesUs.push_back(now);
      while (in.recentFramesUs.front() < now - 1'000'000) in.recentFramesUs.pop_front();
      if (auto copy = av::cloneFrame(f)) in.videoRing.push_back(std::move(copy));
      while (!in.videoRing.empty() && in.videoRing.front()->pts < f->pts - replayWindow90k()) in.videoRing.pop_front();
    }
    std::vector<SwitchEvent> fired;
    {
      std::lock_guard emit(emitMutex);
      if (active == i || bridge == i) emitVideo(i, f);  // may make a planned switch
      fired.swap(events);
    }
    fire(fired);
  }

  // Hands events to the callback, outside emitMutex.
  void fire(const std::vector<SwitchEvent>& fired) {
    if (fired.empty()) return;
    std::lock_guard lock(callbackMutex);
    for (const auto& e : fired)
      if (callback) callback(e);
  }

  void audio(size_t i, const AVFrame* f) {
    if (f->pts == AV_NOPTS_VALUE) return;
    const float peak = audioPeak(f);
    const int64_t now = nowUtcUs();
    {
      std::lock_guard lock(stateMutex);
      Input& in = inputs[i];
      in.lastAudioUs = now;
      ++in.audioFrames;
      in.silent.update(peak < kSilencePeak, now);
      if (auto copy = av::cloneFrame(f)) in.audioRing.push_back(std::move(copy));
      while (!in.audioRing.empty() && in.audioRing.front()->pts < f->pts - replayWindow90k()) in.audioRing.pop_front();
    }
    std::lock_guard emit(emitMutex);
    if (active == i || bridge == i) emitAudio(i, f);
  }

  // --- emission (emitMutex held) ---

  void deliverVideo(const AVFrame* f, int64_t pts) {
    if (!sink) return;
    av::FramePtr out = av::cloneFrame(f);
    if (!out) return;
    out->pts = pts;
    out->time_base = AVRational{1, static_cast<int>(kTimelineHz)};
    lastVideoOut = pts;
    if (firstVideoOut == INT64_MIN) firstVideoOut = pts;
    sink->onVideoFrame(out.get());
  }

  void emitVideo(size_t i, const AVFrame* f) {
    const int64_t out = f->pts - offsets[i];
    if (i == active && bridge != kOnSlate && out > lastVideoOut) {
      log::get("switch")->info("[ch={}] {} back: bridge with {} ended", channelId, inputs[i].id, inputs[bridge].id);
      bridge = kOnSlate;  // caught up: its own pictures again
    }
    if (pendingTo != kOnSlate && out >= pendingAt) {
      // A planned switch: the old input's frames end at the boundary.
      switchTo(pendingTo, std::string(pendingReason), pendingAutomatic, pendingAt);
      return;
    }
    if (out <= lastVideoOut) return;  // before what is on air already (a late frame, or a replayed one)
    deliverVideo(f, out);
  }

  void emitAudio(size_t i, const AVFrame* f) {
    if (!sink) return;
    splicer.push(f, f->pts - offsets[i], [this](const AVFrame* a) { sink->onAudioFrame(a); });
  }

  // The input's frames that come after what is on air, at once: with a
  // same-programme offset, exactly the pictures the old input did not deliver.
  int64_t replay(size_t i) {
    std::vector<av::FramePtr> videoFrames, audioFrames;
    {
      std::lock_guard lock(stateMutex);
      for (const auto& f : inputs[i].videoRing)
        if (f->pts - offsets[i] > lastVideoOut) videoFrames.push_back(av::cloneFrame(f.get()));
      const int64_t audioEnd = splicer.started() ? splicer.end90k() : INT64_MIN;
      for (const auto& f : inputs[i].audioRing) {
        const int64_t end = f->pts + av_rescale(f->nb_samples, kTimelineHz, std::max(1, f->sample_rate));
        if (end - offsets[i] > audioEnd) audioFrames.push_back(av::cloneFrame(f.get()));
      }
    }
    for (const auto& f : videoFrames)
      if (f) deliverVideo(f.get(), f->pts - offsets[i]);
    for (const auto& f : audioFrames)
      if (f) emitAudio(i, f.get());
    return static_cast<int64_t>(videoFrames.size());
  }

  std::string nameOf(size_t i) const { return i == kOnSlate ? "slate" : inputs[i].id; }

  // emitMutex held.
  // at90k: where a planned switch lands (a segment boundary); else after what is on air.
  void switchTo(size_t to, const std::string& reason, bool automatic, int64_t at90k = INT64_MIN) {
    const size_t from = active;
    if (to == from) return;
    pendingTo = kOnSlate;
    if (at90k == INT64_MIN) at90k = lastVideoOut == INT64_MIN ? 0 : lastVideoOut + 1;
    if (bridge == to) at90k = std::min(at90k, bridgedFrom90k);  // on air since the bridge began
    bridge = kOnSlate;
    if (to != kOnSlate) {
      // Same programme as what is on air: keep its pictures where they were.
      std::optional<Alignment> a;
      {
        std::lock_guard lock(stateMutex);
        a = inputs[to].alignment;
      }
      const bool aligned = from != kOnSlate && a && a->sameProgramme && alignedTo == from;
      offsets[to] = aligned ? offsets[from] + a->delta90k : 0;
    }
    active = to;
    ++switches;
    const int64_t replayed = to == kOnSlate ? 0 : replay(to);
    framesReplayed += replayed;
    SwitchEvent e{nowUtcUs(), nameOf(from), nameOf(to), reason, automatic, at90k};
    log::get("switch")->warn("[ch={}] {} -> {}: {}{}", channelId, e.from, e.to, reason,
                             replayed ? " (" + std::to_string(replayed) + " frames replayed)" : std::string());
    events.push_back(std::move(e));
  }

  // --- the switch's thread ---

  Fault faultOf(const Input& in, int64_t now) const {
    if (in.lastVideoUs < 0 || now - in.lastVideoUs > int64_t{policy.lossMs} * 1000) {
      // Undecodable: bytes still flow now. A feed cut mid-picture leaves a
      // tail of bytes after its last whole picture; that is still a loss.
      const int64_t packet = in.probe.lastPacketUtcUs ? in.probe.lastPacketUtcUs() : -1;
      return packet >= 0 && now - packet <= kFlowingUs ? Fault::Undecodable : Fault::NoSignal;
    }
    if (in.black.lasted(now, policy.blackMs)) return Fault::Black;
    // No audio while the picture flows is silence; both stopping is a loss, told by its own threshold.
    const bool videoFlowing = now - in.lastVideoUs < kFlowingUs;
    const bool noAudio =
        videoFlowing && (in.lastAudioUs < 0 ? now - in.firstVideoUs >= int64_t{policy.silenceMs} * 1000
                                            : now - in.lastAudioUs >= int64_t{policy.silenceMs} * 1000);
    if (policy.silenceMs > 0 && (noAudio || in.silent.lasted(now, policy.silenceMs))) return Fault::Silence;
    if (in.frozen.lasted(now, policy.freezeMs)) return Fault::Freeze;
    return Fault::None;
  }

  std::string describe(const Input& in, Fault f, int64_t now) const {
    switch (f) {
      case Fault::NoSignal:
      case Fault::Undecodable:
        return std::string(toString(f)) + " (no video for " +
               (in.lastVideoUs < 0 ? std::string("ever") : std::to_string(msSince(now, in.lastVideoUs)) + " ms") + ")";
      case Fault::Black:
        return "black for " + std::to_string(msSince(now, in.black.sinceUs)) + " ms";
      case Fault::Silence:
        return "silence for " +
               std::to_string(in.silent.sinceUs >= 0 ? msSince(now, in.silent.sinceUs) : policy.silenceMs) + " ms";
      case Fault::Freeze:
        return "frozen for " + std::to_string(msSince(now, in.frozen.sinceUs)) + " ms";
      case Fault::None:
        break;
    }
    return toString(f);
  }

  void tick() {
    const int64_t now = nowUtcUs();
    std::vector<SwitchEvent> fired;
    {
      std::lock_guard emit(emitMutex);
      std::vector<Fault> faults(inputs.size());
      std::vector<bool> fit(inputs.size());
      std::vector<std::string> why(inputs.size());
      {
        std::lock_guard lock(stateMutex);
        const bool alignNow = now - lastAlignUs >= kAlignEveryUs;
        const size_t reference = active != kOnSlate ? active : 0;
        if (alignNow) {
          lastAlignUs = now;
          alignedTo = reference;
        }
        for (size_t i = 0; i < inputs.size(); ++i) {
          Input& in = inputs[i];
          faults[i] = faultOf(in, now);
          // Leaving the slate, the primary's first picture is better at once;
          // a backup settles first, so that when both arrive together (a
          // channel's start) the primary goes on air, not a switch later.
          const int64_t settleUs = active == kOnSlate && i == 0 ? 0 : int64_t{options.settleMs} * 1000;
          fit[i] = faults[i] == Fault::None && now - in.firstVideoUs >= settleUs;
          if (!fit[i])
            in.fitSinceUs = -1;
          else if (in.fitSinceUs < 0)
            in.fitSinceUs = now;
          if (faults[i] != Fault::None) why[i] = describe(in, faults[i], now);
          if (alignNow) {
            in.alignment = i == reference ? std::nullopt : align(inputs[reference].signatures, in.signatures);
          }
        }
      }
      auto firstFit = [&](size_t except) -> size_t {
        for (size_t i = 0; i < inputs.size(); ++i)
          if (i != except && fit[i]) return i;
        return kOnSlate;
      };
      if (active == kOnSlate) {
        if (const size_t to = firstFit(kOnSlate); to != kOnSlate && !slateByOperator)
          switchTo(to, inputs[to].id + " fit", true);
      } else if (faults[active] == Fault::None && bridge == kOnSlate && pendingTo == kOnSlate) {
        maybeBridge(now);
      }
      if (active == kOnSlate) {
        // (the slate is played below)
      } else if (faults[active] != Fault::None) {
        const size_t to = firstFit(active);
        const bool noPicture = faults[active] == Fault::NoSignal || faults[active] == Fault::Undecodable;
        if (to != kOnSlate || noPicture) switchTo(to, why[active], true);
      } else if (active != 0 && autoReturn && !hold && fit[0] && pendingTo == kOnSlate) {
        std::lock_guard lock(stateMutex);
        if (now - inputs[0].fitSinceUs >= int64_t{policy.returnHoldoffMs} * 1000) {
          schedule(0, inputs[0].id + " fit for " + std::to_string(msSince(now, inputs[0].fitSinceUs)) + " ms", true);
        }
      }
      if (pendingTo != kOnSlate && faults[pendingTo] != Fault::None) {  // settling may go on until the boundary
        log::get("switch")->info("[ch={}] planned switch to {} cancelled: {}", channelId, inputs[pendingTo].id,
                                 why[pendingTo].empty() ? "not settled" : why[pendingTo]);
        pendingTo = kOnSlate;
      }
      if (active == kOnSlate) {
        playSlate(now);
      } else if (sink) {
        // A feed without audio (or whose audio died) must not stall the audio
        // rendition: silence once it lags the picture by the loss threshold.
        const int64_t lagBound = lastVideoOut - int64_t{policy.lossMs} * 90;
        if (!splicer.started() && firstVideoOut != INT64_MIN && lagBound > firstVideoOut)
          splicer.startAt(firstVideoOut);
        if (splicer.started() && splicer.end90k() < lagBound)
          splicer.fillSilenceUntil(lagBound, [this](const AVFrame* a) { sink->onAudioFrame(a); });
      }
      fired.swap(events);
    }
    fire(fired);
  }

  // emitMutex held. The input on air has delivered nothing for a few frame
  // times: if another input carries the same programme, its pictures after
  // the last one on air go on air now, mapped by the alignment, while the
  // loss threshold runs. Whichever delivers a slot first fills it (the
  // pictures are the same), so a failover between identical feeds shows no
  // pause at all, not even at the origin.
  void maybeBridge(int64_t now) {
    {
      std::lock_guard lock(stateMutex);
      const Input& on = inputs[active];
      if (on.lastVideoUs < 0 || now - on.lastVideoUs < kBridgeAfterUs || alignedTo != active) return;
      for (size_t i = 0; i < inputs.size() && bridge == kOnSlate; ++i) {
        const Input& in = inputs[i];
        if (i == active || !in.alignment || !in.alignment->sameProgramme || in.lastVideoUs < 0 ||
            now - in.lastVideoUs >= kFlowingUs)
          continue;
        bridge = i;
        bridgedFrom90k = lastVideoOut + 1;
        offsets[i] = offsets[active] + in.alignment->delta90k;
        log::get("switch")->info("[ch={}] {} silent for {} ms: bridging with {} (same programme)", channelId, on.id,
                                 (now - on.lastVideoUs) / 1000, in.id);
      }
    }
    if (bridge != kOnSlate) framesReplayed += replay(bridge);
  }

  // emitMutex held: a planned switch at the next segment boundary.
  void schedule(size_t to, std::string reason, bool automatic) {
    pendingTo = to;
    pendingAt = timeline.segmentStart90k(timeline.segmentNumberAt(std::max<int64_t>(lastVideoOut, 0)) + 1);
    pendingReason = std::move(reason);
    pendingAutomatic = automatic;
    log::get("switch")->info("[ch={}] switch to {} planned at the segment boundary {} ms ahead: {}", channelId,
                             inputs[to].id, (pendingAt - lastVideoOut) / 90, pendingReason);
  }

  // emitMutex held: slate pictures and silence up to now, on the frame grid.
  void playSlate(int64_t now) {
    if (!sink || !slate) return;
    const int64_t periodStart = timeline.segmentStart90k(timeline.current().firstSegment);
    const int64_t upTo = timeline.timeAtUtcUs(now);
    if (upTo < periodStart) return;  // the period has not begun
    const int64_t num = picture.frameRateNum, den = picture.frameRateDen;
    auto slotTime = [&](int64_t k) { return periodStart + av_rescale(k, kTimelineHz * den, num); };
    int64_t k = lastVideoOut < periodStart
                    ? 0
                    : av_rescale_rnd(lastVideoOut - periodStart, num, kTimelineHz * den, AV_ROUND_DOWN) + 1;
    for (; slotTime(k) <= upTo; ++k) {
      deliverVideo(slate.get(), slotTime(k));
      ++slateFrames;
    }
    if (!splicer.started() && firstVideoOut != INT64_MIN) splicer.startAt(firstVideoOut);
    splicer.fillSilenceUntil(upTo, [this](const AVFrame* a) { sink->onAudioFrame(a); });
  }

  void run() {
    while (pacer.waitUntilUtc(nowUtcUs() + int64_t{options.tickMs} * 1000)) tick();
  }

  const std::string channelId;
  const std::string channelName;
  const TestSourceSpec picture;
  const AudioRenditionSpec audioSpec;
  const FailoverSpec policy;
  const Timeline& timeline;
  const SwitchOptions options;
  std::vector<Port> ports;

  // Lock order: emitMutex, then stateMutex.
  mutable std::mutex emitMutex;  // guards everything below up to stateMutex
  ingest::FrameSink* sink = nullptr;
  size_t active = kOnSlate;
  std::vector<int64_t> offsets;  // per input: on-air pts = input pts - offset
  int64_t lastVideoOut = INT64_MIN;
  int64_t firstVideoOut = INT64_MIN;
  AudioSplicer splicer;
  av::FramePtr slate;
  size_t pendingTo = kOnSlate;  // a planned switch (kOnSlate: none)
  size_t bridge = kOnSlate;     // an input of the same programme filling a gap of the one on air
  int64_t bridgedFrom90k = 0;
  int64_t pendingAt = 0;
  std::string pendingReason;
  bool pendingAutomatic = true;
  bool hold = false;
  bool autoReturn = true;
  bool slateByOperator = false;  // an operator's slate: no input leaves it automatically
  size_t alignedTo = kOnSlate;   // the reference of the inputs' alignments
  int64_t switches = 0;
  int64_t slateFrames = 0;
  int64_t framesReplayed = 0;
  std::vector<SwitchEvent> events;  // to hand to the callback outside the lock

  mutable std::mutex stateMutex;  // guards inputs, lastAlignUs
  std::deque<Input> inputs;       // a deque: Input is not copyable
  int64_t lastAlignUs = 0;

  std::mutex callbackMutex;
  std::function<void(const SwitchEvent&)> callback;

  ingest::Pacer pacer;
};

InputSwitch::InputSwitch(std::string channelId, std::string channelName, const TestSourceSpec& picture,
                         const AudioRenditionSpec& audio, const FailoverSpec& policy, const Timeline& timeline,
                         std::vector<std::string> inputIds, SwitchOptions options)
    : impl_(std::make_unique<Impl>(std::move(channelId), std::move(channelName), picture, audio, policy, timeline,
                                   std::move(inputIds), options)) {}

InputSwitch::~InputSwitch() { stop(); }

ingest::FrameSink* InputSwitch::port(size_t i) { return i < impl_->ports.size() ? &impl_->ports[i] : nullptr; }

void InputSwitch::setProbe(size_t i, InputProbe probe) {
  std::lock_guard lock(impl_->stateMutex);
  if (i < impl_->inputs.size()) impl_->inputs[i].probe = std::move(probe);
}

void InputSwitch::onSwitch(std::function<void(const SwitchEvent&)> callback) {
  std::lock_guard lock(impl_->callbackMutex);
  impl_->callback = std::move(callback);
}

Status InputSwitch::start(ingest::FrameSink* sink) {
  if (impl_->pacer.running()) return Status::error("input switch already started");
  if (impl_->timeline.empty()) return Status::error("input switch: the timeline has no period");
  if (impl_->picture.frameRateNum <= 0 || impl_->picture.frameRateDen <= 0)
    return Status::error("input switch: invalid frame rate");
  auto slate = renderSlate(impl_->picture.width, impl_->picture.height, impl_->channelName);
  if (!slate) return Status::error("input switch: slate: " + slate.message());
  {
    std::lock_guard emit(impl_->emitMutex);
    impl_->slate = std::move(*slate);
    impl_->sink = sink;
    impl_->active = kOnSlate;
  }
  impl_->pacer.start([this] { impl_->run(); });
  return Status::ok();
}

void InputSwitch::stop() {
  impl_->pacer.stop();
  std::lock_guard emit(impl_->emitMutex);
  impl_->sink = nullptr;  // ports may still be called until their inputs stop: they go nowhere
}

Status InputSwitch::select(const std::string& inputId, bool force) {
  std::vector<SwitchEvent> fired;
  {
    std::lock_guard emit(impl_->emitMutex);
    size_t to = kOnSlate;
    if (inputId != "slate") {
      const auto it = std::find_if(impl_->inputs.begin(), impl_->inputs.end(),
                                   [&](const Impl::Input& in) { return in.id == inputId; });
      if (it == impl_->inputs.end()) return Status::error("no input " + inputId);
      to = static_cast<size_t>(it - impl_->inputs.begin());
    }
    if (to == impl_->active) {
      impl_->slateByOperator = to == kOnSlate;  // an operator's choice, even of what is on air already
      return Status::ok();
    }
    const int64_t now = nowUtcUs();
    Fault fault = Fault::None, current = Fault::NoSignal;
    {
      std::lock_guard lock(impl_->stateMutex);
      if (to != kOnSlate) fault = impl_->faultOf(impl_->inputs[to], now);
      if (impl_->active != kOnSlate) current = impl_->faultOf(impl_->inputs[impl_->active], now);
    }
    if (fault != Fault::None && !force)
      return Status::error("input " + inputId + " is not fit for air (" + toString(fault) + ")");
    impl_->slateByOperator = to == kOnSlate;
    // A planned change waits for the segment boundary; leaving a faulty input or the slate does not.
    if (to != kOnSlate && current == Fault::None && !force)
      impl_->schedule(to, "operator", false);
    else
      impl_->switchTo(to, "operator", false);
    fired.swap(impl_->events);
  }
  impl_->fire(fired);
  return Status::ok();
}

void InputSwitch::holdOnBackup(bool hold) {
  std::lock_guard emit(impl_->emitMutex);
  impl_->hold = hold;
  if (hold && impl_->pendingTo == 0 && impl_->pendingAutomatic) impl_->pendingTo = kOnSlate;
  log::get("switch")->info("[ch={}] hold on backup {}", impl_->channelId, hold ? "latched" : "released");
}

void InputSwitch::setAutoReturn(bool on) {
  std::lock_guard emit(impl_->emitMutex);
  impl_->autoReturn = on;
}

SwitchStatus InputSwitch::status() const {
  SwitchStatus s;
  const int64_t now = nowUtcUs();
  std::lock_guard emit(impl_->emitMutex);
  s.onAir = impl_->nameOf(impl_->active);
  s.holdOnBackup = impl_->hold;
  s.autoReturn = impl_->autoReturn;
  s.slateByOperator = impl_->slateByOperator;
  s.switches = impl_->switches;
  s.slateFrames = impl_->slateFrames;
  s.framesReplayed = impl_->framesReplayed;
  s.audioSamplesTrimmed = impl_->splicer.samplesTrimmed();
  s.audioSilenceInserted = impl_->splicer.silenceInserted();
  std::lock_guard lock(impl_->stateMutex);
  for (size_t i = 0; i < impl_->inputs.size(); ++i) {
    const auto& in = impl_->inputs[i];
    InputHealth h;
    h.id = in.id;
    h.onAir = impl_->active == i;
    h.fault = impl_->faultOf(in, now);
    h.msSinceVideo = msSince(now, in.lastVideoUs);
    h.msSinceAudio = msSince(now, in.lastAudioUs);
    if (in.probe.lastPacketUtcUs) h.msSincePacket = msSince(now, in.probe.lastPacketUtcUs());
    h.black = in.black.lasted(now, 1);
    h.silent = in.silent.lasted(now, 1);
    h.frozen = in.frozen.lasted(now, 1);
    h.width = in.width;
    h.height = in.height;
    if (in.recentFramesUs.size() >= 2 && h.msSinceVideo >= 0 && h.msSinceVideo < 1000) {
      const double span = static_cast<double>(in.recentFramesUs.back() - in.recentFramesUs.front()) / 1e6;
      if (span > 0) h.frameRate = static_cast<double>(in.recentFramesUs.size() - 1) / span;
    }
    h.videoFrames = in.videoFrames;
    h.audioFrames = in.audioFrames;
    if (in.alignment) {
      h.hasAlignment = true;
      h.sameProgramme = in.alignment->sameProgramme;
      h.driftMs = static_cast<double>(in.alignment->delta90k) / 90.0;
    }
    s.inputs.push_back(std::move(h));
  }
  return s;
}

}  // namespace vigil::switching
