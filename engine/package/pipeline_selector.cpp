#include "package/pipeline_selector.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/log.h"

namespace vigil::package {
namespace {

int64_t steadyUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Arrived {
  CmafPart part;
  int64_t atUs = 0;  // steady clock
};

}  // namespace

// A pipeline's output must score this much better to take the air from
// another (and the preferred one this much worse to stay off it).
constexpr double kQualityMargin = 25;

struct PipelineSelector::Impl {
  struct PerRendition {
    Rendition spec;
    Bytes init;                                 // the init forwarded downstream
    int64_t nextStart = -1;                     // timeline time of the next part to publish; -1: none yet
    int src = 0;                                // pipeline the rendition is published from
    std::vector<std::deque<Arrived>> buffered;  // per pipeline, in arrival (= timeline) order
    // Per pipeline: bytes of the segment being received, and whether it began at part 0.
    std::vector<int64_t> segmentBytes;
    std::vector<bool> segmentComplete;
    std::vector<bool> seenPart;
    std::map<int64_t, int64_t> firstArrivalUs;  // part start -> first copy's arrival (steady clock)
    std::vector<int64_t> lateUs;                // per pipeline, this segment: summed lateness
    std::vector<int> lateParts;                 // per pipeline, this segment: parts counted
    std::vector<bool> segmentViolation;  // per pipeline, this segment: contract 2 broken  // per pipeline: a part since
                                         // its (re)start (the first may begin anywhere)
    // Per pipeline: bytes of recent complete segments, by segment number.
    std::vector<std::map<int64_t, int64_t>> completed;
    std::vector<OutputCheck> lastCheck;  // per pipeline: its decode of the newest complete segment
  };
  struct PerPipeline {
    PipelineState state = PipelineState::Down;
    bool everUp = false;
    bool steady = true;              // the first start of a channel: every pipeline is as cold as the other
    std::vector<int> okSegments;     // per rendition: consecutive segments within bounds
    std::vector<bool> initMismatch;  // per rendition: its init differs: never published from
    uint64_t received = 0;
    uint64_t keyframeViolations = 0;
    std::vector<uint64_t> renditionViolations;  // per rendition: the share of keyframeViolations
    uint64_t published = 0;
    int64_t restarts = 0;
    double lastRatio = 0;
    std::vector<double> scores;      // per rendition: newest complete segment's quality score (-1: none yet)
    std::vector<std::string> notes;  // per rendition: what took points off that score
    double score = 100;              // the worst rendition's
    std::string note;                // and why
  };
  class Input final : public PartSink {
   public:
    Input(Impl& impl, int index) : impl_(impl), index_(index) {}
    void onInit(CmafInit init) override { impl_.onInit(index_, std::move(init)); }
    void onPart(CmafPart part) override { impl_.onPart(index_, std::move(part)); }
    void onPipelineState(PipelineState state, const std::string& why) override { impl_.onState(index_, state, why); }

   private:
    Impl& impl_;
    const int index_;
  };

  Impl(std::string ch, const Timeline& tl, PartSink* ds, std::vector<Rendition> rs, PipelineSelectorOptions o)
      : channelId(std::move(ch)), timeline(tl), downstream(ds), options(o) {
    options.pipelines = std::max(1, options.pipelines);
    options.preferred = std::clamp(options.preferred, 0, options.pipelines - 1);
    preferred = options.preferred;
    const size_t n = static_cast<size_t>(options.pipelines);
    for (auto& r : rs) {
      PerRendition pr;
      pr.spec = std::move(r);
      pr.src = preferred;
      pr.buffered.resize(n);
      pr.segmentBytes.assign(n, 0);
      pr.segmentComplete.assign(n, false);
      pr.seenPart.assign(n, false);
      pr.lateUs.assign(n, 0);
      pr.lateParts.assign(n, 0);
      pr.segmentViolation.assign(n, false);
      pr.completed.resize(n);
      pr.lastCheck.resize(n);
      renditions.push_back(std::move(pr));
    }
    pipelines.resize(n);
    for (auto& p : pipelines) {
      p.okSegments.assign(renditions.size(), 0);
      p.initMismatch.assign(renditions.size(), false);
      p.renditionViolations.assign(renditions.size(), 0);
      p.scores.assign(renditions.size(), -1);
      p.notes.assign(renditions.size(), "");
    }
    for (int i = 0; i < options.pipelines; ++i) inputs.push_back(std::make_unique<Input>(*this, i));
  }

  PerRendition* find(const std::string& id, size_t* index) {
    for (size_t i = 0; i < renditions.size(); ++i)
      if (renditions[i].spec.id == id) {
        *index = i;
        return &renditions[i];
      }
    return nullptr;
  }

  void onInit(int p, CmafInit init) {
    std::lock_guard lock(mu);
    size_t ri = 0;
    PerRendition* r = find(init.rendition.id, &ri);
    if (!r || !init.bytes) return;
    if (!r->init) {
      r->init = init.bytes;
      downstream->onInit(std::move(init));
      return;
    }
    const bool mismatch = *r->init != *init.bytes;
    if (mismatch && !pipelines[p].initMismatch[ri])
      log::get("package")->error(
          "[ch={} r={}] pipeline {}'s init segment differs from the one published: its parts "
          "would not decode; it is not used for this rendition",
          channelId, r->spec.id, p);
    pipelines[p].initMismatch[ri] = mismatch;
  }

  void onPart(int p, CmafPart part) {
    std::vector<PipelineSwitchEvent> events;
    {
      std::lock_guard lock(mu);
      size_t ri = 0;
      PerRendition* r = find(part.renditionId, &ri);
      if (!r) return;
      ++pipelines[p].received;
      const int64_t arrived = steadyUs();
      account(p, ri, part, arrived);
      r->buffered[p].push_back({std::move(part), arrived});
      drain(ri, steadyUs(), events);
    }
    fire(events);
  }

  void onState(int p, PipelineState state, const std::string& why) {
    std::vector<PipelineSwitchEvent> events;
    {
      std::lock_guard lock(mu);
      PerPipeline& pp = pipelines[p];
      if (state == PipelineState::Starting && pp.everUp) {
        // A restart: cold encoders. Out of the manifest until steady (unless alone).
        ++pp.restarts;
        pp.steady = options.steadySegments <= 0;
        std::fill(pp.okSegments.begin(), pp.okSegments.end(), 0);
        std::fill(pp.scores.begin(), pp.scores.end(), -1);
        std::fill(pp.notes.begin(), pp.notes.end(), "");
        pp.score = 100;
        pp.note.clear();
        pp.lastRatio = 0;  // nothing of the new encoders judged yet
        for (auto& r : renditions) {
          r.buffered[p].clear();
          r.segmentBytes[p] = 0;
          r.segmentComplete[p] = false;
          r.seenPart[p] = false;
          r.completed[p].clear();
        }
      }
      if (state == PipelineState::Up) pp.everUp = true;
      pp.state = state;
      if (state == PipelineState::Down) {
        downReason[p] = why;
        for (auto& r : renditions) r.buffered[p].clear();
      }
      const int64_t now = steadyUs();
      for (size_t ri = 0; ri < renditions.size(); ++ri) drain(ri, now, events);
    }
    fire(events);
  }

  // Segment sizes per pipeline, for the steadiness judgement.
  void account(int p, size_t ri, const CmafPart& part, int64_t arrivedUs) {
    PerRendition& r = renditions[ri];
    // How late this pipeline's part is behind the first copy of it.
    auto [firstCopy, isFirst] = r.firstArrivalUs.try_emplace(part.startTime90k, arrivedUs);
    while (r.firstArrivalUs.size() > 64) r.firstArrivalUs.erase(r.firstArrivalUs.begin());
    if (part.partIndex == 0) {
      r.lateUs[p] = 0;
      r.lateParts[p] = 0;
      r.segmentViolation[p] = false;
    }
    r.lateUs[p] += isFirst ? 0 : arrivedUs - firstCopy->second;
    ++r.lateParts[p];
    // Contract 2, checked on every pipeline's output: a video segment starts
    // with an IDR exactly at its boundary.
    const bool first = !r.seenPart[p];
    r.seenPart[p] = true;
    if (r.spec.video && part.partIndex == 0 && !first &&
        (!part.independent || part.startTime90k != timeline.segmentStart90k(part.segmentNumber))) {
      r.segmentViolation[p] = true;
      ++pipelines[p].renditionViolations[ri];
      if (pipelines[p].keyframeViolations++ == 0)
        log::get("package")->error("[ch={} r={}] pipeline {}: segment {} does not start with an IDR at its boundary",
                                   channelId, r.spec.id, p, part.segmentNumber);
    }
    if (part.partIndex == 0) {
      r.segmentBytes[p] = 0;
      r.segmentComplete[p] = true;
    }
    r.segmentBytes[p] += part.bytes ? static_cast<int64_t>(part.bytes->size()) : 0;
    if (!part.lastInSegment) return;
    if (r.segmentComplete[p]) {
      r.completed[p][part.segmentNumber] = r.segmentBytes[p];
      while (r.completed[p].size() > 8) r.completed[p].erase(r.completed[p].begin());
      r.lastCheck[p] = part.check;
      if (r.spec.video)
        judgeSegment(p, ri, part.segmentNumber, r.segmentBytes[p]);
      else if (real(p))
        scoreSegment(p, ri, -1);
    }
    r.segmentComplete[p] = false;
  }

  void judgeSegment(int p, size_t ri, int64_t segment, int64_t bytes) {
    PerRendition& r = renditions[ri];
    PerPipeline& pp = pipelines[p];
    const double seconds = double(timeline.segmentDuration90k()) / kTimelineHz;
    double reference = double(r.spec.targetBps) * seconds / 8;
    if (!real(p)) return;
    for (int q = 0; q < options.pipelines; ++q) {
      if (q == p || !real(q) || !pipelines[q].steady) continue;
      if (auto it = r.completed[q].find(segment); it != r.completed[q].end())
        reference = std::max(reference, double(it->second));
    }
    if (reference <= 0) return;
    pp.lastRatio = double(bytes) / reference;
    scoreSegment(p, ri, pp.lastRatio);
    if (pp.steady) return;
    pp.okSegments[ri] = pp.lastRatio <= options.spikeBound ? pp.okSegments[ri] + 1 : 0;
    bool all = true;
    for (size_t i = 0; i < renditions.size(); ++i)
      if (renditions[i].spec.video && pp.okSegments[i] < options.steadySegments) all = false;
    if (all) {
      pp.steady = true;
      log::get("package")->info(
          "[ch={}] pipeline {} steady again (segment {} at {:.2f}x its reference): back in "
          "the manifest's choice",
          channelId, p, segment, pp.lastRatio);
    }
  }

  // Quality score of pipeline p's newest complete segment of rendition ri,
  // 0-100, from what the packager sees of its output and what the pipeline's
  // own decode of it showed (pipeline/output_check.h):
  //   - video: the bitrate against max(target, the steady peer's same
  //     segment) (a spike, or an encoder starving): up to -40;
  //   - how late its parts came after the first copy: up to -30;
  //   - decode errors: -20 each, up to -60; frames the encoder never saw
  //     (dropped): up to -40;
  //   - black or frozen pictures, silent audio: up to -30, -30, -20 by share
  //     (a black programme costs both pipelines alike: no switch, but the
  //     score tells it);
  //   - contract 2 broken: 0.
  // ratio < 0: not judged on bitrate (audio). The pipeline's score is its worst rendition's.
  void scoreSegment(int p, size_t ri, double ratio) {
    PerRendition& r = renditions[ri];
    PerPipeline& pp = pipelines[p];
    double score = 100;
    std::string note;
    auto take = [&](double points, const std::string& why) {
      if (points < 0.5) return;
      score -= points;
      note += (note.empty() ? "" : ", ") + why;
    };
    if (ratio > options.spikeBound)
      take(std::min(40.0, (ratio - options.spikeBound) * 100), fmt::format("bitrate {:.2f}x", ratio));
    if (ratio >= 0 && ratio < 0.3) take(std::min(40.0, (0.3 - ratio) * 200), fmt::format("bitrate {:.2f}x", ratio));
    const double lateMs = r.lateParts[p] ? double(r.lateUs[p]) / r.lateParts[p] / 1000 : 0;
    take(std::min(30.0, lateMs / 10), fmt::format("parts {:.0f} ms late", lateMs));
    const OutputCheck& c = r.lastCheck[p];
    if (c.decodeErrors > 0)
      take(std::min(60.0, 20.0 * c.decodeErrors), fmt::format("{} decode errors", c.decodeErrors));
    if (c.dropped > 0)
      take(std::min(40.0, 100.0 * c.dropped / std::max(1, c.frames + c.dropped)),
           fmt::format("{} frames dropped", c.dropped));
    if (c.checked && c.frames > 0) {
      auto share = [&](int n) { return double(n) / c.frames; };
      if (c.black > 0) take(30 * share(c.black), fmt::format("black {:.0f}%", 100 * share(c.black)));
      if (c.frozen > 0) take(30 * share(c.frozen), fmt::format("frozen {:.0f}%", 100 * share(c.frozen)));
      if (c.silent > 0) take(20 * share(c.silent), fmt::format("silent {:.0f}%", 100 * share(c.silent)));
    } else if (c.checked && c.decodeErrors == 0) {
      take(60, "nothing decoded");
    }
    if (r.segmentViolation[p]) {
      score = 0;
      note += (note.empty() ? "" : ", ") + std::string("no IDR at the segment boundary");
    }
    pp.scores[ri] = std::clamp(score, 0.0, 100.0);
    pp.notes[ri] = note.empty() ? "" : r.spec.id + ": " + note;
    double worst = 100;
    std::string why;
    for (size_t i = 0; i < renditions.size(); ++i)
      if (pp.scores[i] >= 0 && pp.scores[i] < worst) {
        worst = pp.scores[i];
        why = pp.notes[i];
      }
    pp.score = worst;
    pp.note = why;
  }

  bool alive(int p) const { return pipelines[p].state != PipelineState::Down; }
  bool real(int p) const { return p != options.lastResort; }
  bool anySteadyAlive() const {
    for (int q = 0; q < options.pipelines; ++q)
      if (real(q) && alive(q) && pipelines[q].steady) return true;
    return false;
  }
  bool anyRealAliveBut(int p) const {
    for (int q = 0; q < options.pipelines; ++q)
      if (q != p && real(q) && alive(q)) return true;
    return false;
  }
  // Parts from p may be published: alive (or already delivered), init matches, steady unless none is.
  bool usable(int p, size_t ri) const {
    const PerPipeline& pp = pipelines[p];
    if (pp.initMismatch[ri]) return false;
    return !real(p) || pp.steady || !anySteadyAlive();
  }
  std::string name(int p) const { return real(p) ? std::to_string(p) : std::string("slate"); }
  // How far a part's start may be from the next expected one and still follow it.
  int64_t tolerance(const PerRendition& r) const { return r.spec.video ? 0 : timeline.partDuration90k() / 4; }

  void publish(size_t ri, int p, std::vector<PipelineSwitchEvent>& events, const std::string& reason) {
    PerRendition& r = renditions[ri];
    Arrived a = std::move(r.buffered[p].front());
    r.buffered[p].pop_front();
    if (p != r.src) {
      const int from = r.src;
      r.src = p;
      ++switches;
      if (announced.first != from || announced.second != p) {
        announced = {from, p};
        events.push_back({nowUtcUs(), from, p, reason, r.spec.id, a.part.segmentNumber, a.part.partIndex});
      }
    }
    if (r.nextStart >= 0 && a.part.startTime90k > r.nextStart + tolerance(r)) ++gapParts;
    if (r.nextStart >= 0 && std::abs(a.part.startTime90k - r.nextStart) > tolerance(r))
      log::get("package")->warn("[ch={} r={}] part {}.{} from pipeline {} starts {:.1f} ms {} the last one published",
                                channelId, r.spec.id, a.part.segmentNumber, a.part.partIndex, name(p),
                                std::abs(a.part.startTime90k - r.nextStart) / 90.0,
                                a.part.startTime90k > r.nextStart ? "after the end of" : "before the end of");
    r.nextStart = a.part.startTime90k + a.part.duration90k;
    ++pipelines[p].published;
    if (ri == firstVideo()) onAir = p;
    downstream->onPart(std::move(a.part));
  }

  size_t firstVideo() const {
    for (size_t i = 0; i < renditions.size(); ++i)
      if (renditions[i].spec.video) return i;
    return 0;
  }

  // Publishes every part of rendition ri that can go now.
  void drain(size_t ri, int64_t now, std::vector<PipelineSwitchEvent>& events) {
    PerRendition& r = renditions[ri];
    const int64_t lagUs = int64_t{options.lagMs} * 1000;
    for (;;) {
      // Stale: parts at or before what is published (the packager would refuse them anyway).
      const int64_t tol = tolerance(r);
      if (r.nextStart >= 0)
        for (auto& q : r.buffered)
          while (!q.empty() && q.front().part.startTime90k < r.nextStart - tol) q.pop_front();
      auto front = [&](int p) -> const Arrived* { return r.buffered[p].empty() ? nullptr : &r.buffered[p].front(); };
      auto exact = [&](int p) -> const Arrived* {
        const Arrived* a = front(p);
        return a && (r.nextStart < 0 || std::abs(a->part.startTime90k - r.nextStart) <= tol) && usable(p, ri) ? a
                                                                                                              : nullptr;
      };
      // The next part is the first of its segment. Not nextStart % D == 0: audio
      // parts start at the first AAC frame at or after the boundary.
      const bool boundary = r.nextStart >= 0 && timeline.partIndexAt(r.nextStart) == 0;
      // Back to the preferred pipeline, at a segment boundary only.
      if (boundary && r.src != preferred && pipelines[preferred].steady && alive(preferred) && usable(preferred, ri) &&
          (!real(r.src) || pipelines[preferred].score + kQualityMargin > pipelines[r.src].score)) {
        if (exact(preferred)) {
          publish(ri, preferred, events,
                  preferred == options.preferred ? "return to the preferred pipeline" : "operator preference");
          continue;
        }
        const Arrived* mine = exact(r.src);
        if (mine && now - mine->atUs < lagUs) break;  // give the preferred one its chance
      }
      // Away from a pipeline whose output scores clearly worse, at a segment
      // boundary (waiting up to the lag for the better one's part).
      if (boundary && real(r.src)) {
        int better = -1;
        for (int q = 0; q < options.pipelines; ++q)
          if (q != r.src && real(q) && alive(q) && pipelines[q].steady && usable(q, ri) &&
              pipelines[q].score >= pipelines[r.src].score + kQualityMargin &&
              (better < 0 || pipelines[q].score > pipelines[better].score))
            better = q;
        if (better >= 0) {
          if (exact(better)) {
            publish(ri, better, events,
                    fmt::format("quality: pipeline {} scores {:.0f}, pipeline {} {:.0f}", better,
                                pipelines[better].score, r.src, pipelines[r.src].score));
            continue;
          }
          const Arrived* mine = exact(r.src);
          if (mine && now - mine->atUs < lagUs) break;
        }
      }
      // Off the slate, back to the programme: at a segment boundary, from any live pipeline.
      if (boundary && !real(r.src)) {
        int back = -1;
        for (int q = 0; q < options.pipelines && back < 0; ++q)
          if (real(q) && alive(q) && exact(q)) back = q;
        if (back >= 0) {
          publish(ri, back, events, "pipeline " + std::to_string(back) + " delivers again");
          continue;
        }
        // A pipeline is producing again: give its part for this boundary the
        // last resort's lag before another segment of slate goes out.
        bool producing = false;
        for (int q = 0; q < options.pipelines; ++q)
          producing = producing || (real(q) && pipelines[q].state == PipelineState::Up);
        const int64_t dueUtcUs = timeline.utcUsAt(r.nextStart + timeline.partDuration90k());
        if (producing && nowUtcUs() - dueUtcUs < int64_t{options.lastResortLagMs} * 1000) break;
      }
      if (exact(r.src) && alive(r.src)) {
        publish(ri, r.src, events, "");
        continue;
      }
      // Another pipeline has the part: take it when the current one is down, unusable or late.
      int take = -1;
      std::string why;
      for (int q = 0; q < options.pipelines && take < 0; ++q) {
        if (q == r.src || !real(q)) continue;
        const Arrived* a = exact(q);
        if (!a) continue;
        if (!alive(r.src)) {
          take = q;
          why = "pipeline " + std::to_string(r.src) + " down: " + downReason[r.src];
        } else if (!usable(r.src, ri)) {
          take = q;
          why = "pipeline " + std::to_string(r.src) + " not steady";
        } else if (now - a->atUs >= lagUs) {
          take = q;
          why = "pipeline " + name(r.src) + " lags more than " + std::to_string(options.lagMs) + " ms";
        }
      }
      // The last resort: while no pipeline delivers (none is alive, or the
      // part is lastResortLagMs past its end). Started on demand, from the
      // first part missing, so no hole opens while it spins up.
      if (take < 0 && options.lastResort >= 0 && r.src != options.lastResort && r.nextStart >= 0) {
        const bool noneAlive = !alive(r.src) && !anyRealAliveBut(r.src);
        const int64_t dueUtcUs = timeline.utcUsAt(r.nextStart + timeline.partDuration90k());
        const bool late = nowUtcUs() - dueUtcUs >= int64_t{options.lastResortLagMs} * 1000;
        if (noneAlive || late) {
          if (exact(options.lastResort)) {
            take = options.lastResort;
            why = noneAlive ? "no pipeline alive"
                            : "no pipeline delivered within " + std::to_string(options.lastResortLagMs) + " ms";
          } else if (!alive(options.lastResort)) {
            int64_t& from = r.spec.video ? wakeVideo : wakeAudio;
            from = from < 0 ? r.nextStart : std::min(from, r.nextStart);
          }
        }
      }
      if (take >= 0) {
        publish(ri, take, events, why);
        continue;
      }
      // A hole no pipeline fills (every live one skipped it): after the lag,
      // publish the earliest later part, preferring the current pipeline.
      int later = -1;
      for (int q = 0; q < options.pipelines; ++q) {
        const Arrived* a = front(q);
        if (!real(q) || !a || !usable(q, ri) || now - a->atUs < lagUs) continue;
        if (later < 0 || a->part.startTime90k < front(later)->part.startTime90k ||
            (a->part.startTime90k == front(later)->part.startTime90k && q == r.src))
          later = q;
      }
      if (later >= 0 && r.nextStart >= 0) {
        log::get("package")->warn("[ch={} r={}] no pipeline has the part at {}: publishing the next one at {}",
                                  channelId, r.spec.id, r.nextStart, front(later)->part.startTime90k);
        publish(ri, later, events, "hole");
        continue;
      }
      break;
    }
  }

  void fire(const std::vector<PipelineSwitchEvent>& events) {
    int64_t video = -1, audio = -1;
    {
      std::lock_guard lock(mu);
      std::swap(video, wakeVideo);
      std::swap(audio, wakeAudio);
      // Only the video is missing: the last resort's audio must still start
      // on the programme's AAC grid, where its last audio part ended (on the
      // video's part grid it would be up to a frame off, and so would every
      // audio part it has to carry later).
      if (video >= 0 && audio < 0)
        for (const auto& r : renditions)
          if (!r.spec.video && r.nextStart >= 0) {
            audio = r.nextStart;
            break;
          }
    }
    if ((video >= 0 || audio >= 0) && options.wakeLastResort) options.wakeLastResort(video >= 0 ? video : audio, audio);
    if (events.empty()) return;
    std::function<void(const PipelineSwitchEvent&)> h;
    {
      std::lock_guard lock(handlerMu);
      h = handler;
    }
    for (const auto& e : events) {
      log::get("package")->warn("[ch={}] pipeline {} -> {} at {} {}.{}: {}", channelId, name(e.from), name(e.to),
                                e.rendition, e.atSegment, e.atPart, e.reason);
      if (h) h(e);
    }
  }

  const std::string channelId;
  const Timeline& timeline;
  PartSink* const downstream;
  PipelineSelectorOptions options;

  mutable std::mutex mu;  // guards everything below
  std::vector<PerRendition> renditions;
  std::vector<PerPipeline> pipelines;
  std::map<int, std::string> downReason;
  int preferred = 0;
  int onAir = -1;
  uint64_t switches = 0;
  uint64_t gapParts = 0;
  std::pair<int, int> announced{-1, -1};
  int64_t wakeVideo = -1;  // the last resort is needed from here (-1: not)
  int64_t wakeAudio = -1;

  std::vector<std::unique_ptr<Input>> inputs;
  std::mutex handlerMu;
  std::function<void(const PipelineSwitchEvent&)> handler;

  std::mutex tickMu;
  std::condition_variable tickCv;
  bool ticking = false;
  std::thread ticker;
};

PipelineSelector::PipelineSelector(std::string channelId, const Timeline& timeline, PartSink* downstream,
                                   std::vector<Rendition> renditions, PipelineSelectorOptions options)
    : impl_(std::make_unique<Impl>(std::move(channelId), timeline, downstream, std::move(renditions), options)) {}

PipelineSelector::~PipelineSelector() { stop(); }

PartSink* PipelineSelector::input(int pipeline) {
  return pipeline >= 0 && pipeline < static_cast<int>(impl_->inputs.size()) ? impl_->inputs[pipeline].get() : nullptr;
}

void PipelineSelector::start() {
  std::lock_guard lock(impl_->tickMu);
  if (impl_->ticking) return;
  impl_->ticking = true;
  impl_->ticker = std::thread([this] {
    std::unique_lock l(impl_->tickMu);
    while (impl_->ticking) {
      impl_->tickCv.wait_for(l, std::chrono::milliseconds(20));
      if (!impl_->ticking) break;
      l.unlock();
      tick();
      l.lock();
    }
  });
}

void PipelineSelector::stop() {
  {
    std::lock_guard lock(impl_->tickMu);
    impl_->ticking = false;
  }
  impl_->tickCv.notify_all();
  if (impl_->ticker.joinable()) impl_->ticker.join();
}

void PipelineSelector::tick() {
  std::vector<PipelineSwitchEvent> events;
  {
    std::lock_guard lock(impl_->mu);
    const int64_t now = steadyUs();
    for (size_t ri = 0; ri < impl_->renditions.size(); ++ri) impl_->drain(ri, now, events);
  }
  impl_->fire(events);
}

Status PipelineSelector::prefer(int pipeline) {
  std::lock_guard lock(impl_->mu);
  if (pipeline < 0 || pipeline >= impl_->options.pipelines || pipeline == impl_->options.lastResort)
    return Status::error("no pipeline " + std::to_string(pipeline) + " (the channel has " +
                         std::to_string(impl_->options.pipelines - (impl_->options.lastResort >= 0 ? 1 : 0)) + ")");
  impl_->preferred = pipeline;
  return Status::ok();
}

void PipelineSelector::onSwitch(std::function<void(const PipelineSwitchEvent&)> handler) {
  std::lock_guard lock(impl_->handlerMu);
  impl_->handler = std::move(handler);
}

PipelineSelectorStatus PipelineSelector::status() const {
  std::lock_guard lock(impl_->mu);
  PipelineSelectorStatus s;
  s.preferred = impl_->preferred;
  s.onAir = impl_->onAir;
  s.switches = impl_->switches;
  s.gapParts = impl_->gapParts;
  for (int i = 0; i < impl_->options.pipelines; ++i) {
    const auto& p = impl_->pipelines[i];
    SelectorPipelineStatus ps;
    ps.index = i;
    ps.state = p.state;
    ps.steady = p.steady;
    ps.onAir = impl_->onAir == i;
    ps.partsReceived = p.received;
    ps.partsPublished = p.published;
    ps.restarts = p.restarts;
    ps.lastSegmentRatio = p.lastRatio;
    ps.keyframeViolations = p.keyframeViolations;
    for (size_t ri = 0; ri < impl_->renditions.size(); ++ri)
      if (impl_->renditions[ri].spec.video)
        ps.renditions.push_back({impl_->renditions[ri].spec.id, p.renditionViolations[ri]});
    ps.lastResort = i == impl_->options.lastResort;
    ps.qualityScore = p.score;
    ps.qualityNote = p.note;
    s.pipelines.push_back(std::move(ps));
  }
  return s;
}

}  // namespace vigil::package
