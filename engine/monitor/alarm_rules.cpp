#include "monitor/alarm_rules.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace vigil::monitor {

AgeThresholds ageThresholds(const PackagingSpec& packaging, const AlarmSpec& alarms) {
  AgeThresholds t;
  // Classic HLS only (a part is a whole segment): a player sees a new
  // segment every segment duration, so the LL-HLS defaults scale with it.
  const bool classic = packaging.partDurationMs >= packaging.segmentDurationMs;
  const double scale = classic ? packaging.segmentDurationMs / 2000.0 : 1.0;
  t.warningUs = alarms.manifestAgeWarningMs > 0 ? int64_t{alarms.manifestAgeWarningMs} * 1000
                                                : static_cast<int64_t>(3'000'000 * scale);
  t.criticalUs = alarms.manifestAgeCriticalMs > 0 ? int64_t{alarms.manifestAgeCriticalMs} * 1000
                                                  : static_cast<int64_t>(6'000'000 * scale);
  t.clearAfterUs = int64_t{alarms.clearAfterMs} * 1000;
  return t;
}

OutputState classify(int64_t ageUs, const AgeThresholds& t) {
  if (ageUs >= t.criticalUs) return OutputState::Outage;
  if (ageUs >= t.warningUs) return OutputState::Degraded;
  return OutputState::Healthy;
}

namespace {

int levelOf(int64_t ageUs, const AgeThresholds& t) { return ageUs >= t.criticalUs ? 2 : ageUs >= t.warningUs ? 1 : 0; }

// Up at once; down only after the target has held for clearAfterUs.
template <typename Level>
void step(Level& l, int target, int64_t now, int64_t clearAfterUs) {
  if (target >= l.level) {
    l.level = target;
    l.belowSinceUs = -1;
    return;
  }
  if (l.belowSinceUs < 0) l.belowSinceUs = now;
  if (now - l.belowSinceUs >= clearAfterUs) {
    l.level = target;
    l.belowSinceUs = -1;
  }
}

Severity severityOf(int level) { return level >= 2 ? Severity::Critical : Severity::Warning; }
double seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

std::string mib(int64_t bytes) {
  return bytes >= (int64_t{10} << 30) ? fmt::format("{} GiB", bytes >> 30) : fmt::format("{} MiB", bytes >> 20);
}

}  // namespace

AlarmRules::AlarmRules(DiskRule disk) : disk_(disk) {}

bool AlarmRules::owns(std::string_view kind) {
  return kind == alarm_kind::kManifestAge || kind == alarm_kind::kInputLoss || kind == alarm_kind::kInputBadFeed ||
         kind == alarm_kind::kPipelineDown || kind == alarm_kind::kRestartSpike ||
         kind == alarm_kind::kKeyframeViolation || kind == alarm_kind::kDisk;
}

std::vector<DesiredAlarm> AlarmRules::evaluate(int64_t now, const std::vector<ChannelSample>& channels,
                                               const DiskSample& disk) {
  std::vector<DesiredAlarm> out;
  std::set<std::string> seen;
  for (const auto& c : channels) {
    seen.insert(c.channelId);
    ChannelState& st = channels_[c.channelId];
    evaluateAge(now, c, st, out);
    evaluateInputs(now, c, st, out);
    evaluatePipelines(now, c, st, out);
  }
  for (auto it = channels_.begin(); it != channels_.end();)  // channels no longer declared
    it = seen.count(it->first) ? std::next(it) : channels_.erase(it);
  evaluateDisk(now, disk, out);
  return out;
}

void AlarmRules::evaluateAge(int64_t now, const ChannelSample& c, ChannelState& st, std::vector<DesiredAlarm>& out) {
  if (c.renditions.empty()) return;
  const AgeThresholds& t = c.thresholds;
  int64_t freshest = c.renditions.front().ageUs;
  for (const auto& r : c.renditions) freshest = std::min(freshest, r.ageUs);
  // A stopped channel's age runs on from its last media, so it crosses the
  // thresholds when a stalled one would.
  step(st.channel, levelOf(freshest, t), now, t.clearAfterUs);
  if (st.channel.level > 0) {
    const std::string limits =
        fmt::format("warning {:.1f} s, critical {:.1f} s", seconds(t.warningUs), seconds(t.criticalUs));
    out.push_back({{c.channelId, std::string(alarm_kind::kManifestAge), ""},
                   severityOf(st.channel.level),
                   c.running
                       ? fmt::format("every rendition stale: manifest age {:.1f} s ({})", seconds(freshest), limits)
                       : fmt::format("channel not running: nothing new for {:.1f} s ({})", seconds(freshest), limits)});
  }
  std::set<std::string> present;
  for (const auto& r : c.renditions) {
    present.insert(r.renditionId);
    Level& l = st.renditions[r.renditionId];
    step(l, levelOf(r.ageUs, t), now, t.clearAfterUs);
    // A rendition staler than its channel (one encoder stuck, the others
    // fine) has its own alarm, once that has lasted kRenditionHoldUs: the
    // renditions of a stalled channel cross a threshold a part apart.
    if (l.level <= st.channel.level) {
      st.staleSinceUs.erase(r.renditionId);
      continue;
    }
    const int64_t since = st.staleSinceUs.try_emplace(r.renditionId, now).first->second;
    if (now - since < kRenditionHoldUs) continue;
    out.push_back({{c.channelId, std::string(alarm_kind::kManifestAge), r.renditionId},
                   severityOf(l.level),
                   fmt::format("rendition {} stale: manifest age {:.1f} s (warning {:.1f} s, critical {:.1f} s)",
                               r.renditionId, seconds(r.ageUs), seconds(t.warningUs), seconds(t.criticalUs))});
  }
  for (auto it = st.renditions.begin(); it != st.renditions.end();)
    it = present.count(it->first) ? std::next(it) : st.renditions.erase(it);
}

void AlarmRules::evaluateInputs(int64_t now, const ChannelSample& c, ChannelState& st, std::vector<DesiredAlarm>& out) {
  if (!c.running) {  // its inputs are gone with it; the channel's own alarm says so
    st.inputs.clear();
    return;
  }
  for (const auto& in : c.inputs) {
    const bool fit = in.fault == "fit";
    if (!fit) {
      const bool slate = c.onAir == "slate";
      out.push_back({{c.channelId, std::string(alarm_kind::kInputLoss), in.id},
                     slate ? Severity::Critical : Severity::Warning,
                     fmt::format("input {}: {}; {} on air", in.id, in.fault,
                                 slate ? std::string("the slate is") : c.onAir + " is")});
    }
    auto [it, first] = st.inputs.try_emplace(in.id);
    InputState& s = it->second;
    if (first || in.failedSessions < s.failedSessions || in.codecChanges < s.codecChanges ||
        in.timestampJumps < s.timestampJumps) {
      // A baseline: what happened before the monitor looked (or before the
      // input restarted) is history, not news.
      s.failedSessions = in.failedSessions;
      s.codecChanges = in.codecChanges;
      s.timestampJumps = in.timestampJumps;
      continue;
    }
    std::string grew;
    auto note = [&](const char* what, int64_t before, int64_t after) {
      if (after > before) grew += fmt::format("{}{} {} (+{})", grew.empty() ? "" : ", ", what, after, after - before);
    };
    note("failed sessions", s.failedSessions, in.failedSessions);
    note("codec changes", s.codecChanges, in.codecChanges);
    note("timestamp jumps", s.timestampJumps, in.timestampJumps);
    s.failedSessions = in.failedSessions;
    s.codecChanges = in.codecChanges;
    s.timestampJumps = in.timestampJumps;
    if (!grew.empty()) {
      if (!s.bad) s.why = "input " + in.id + ": " + grew;
      s.bad = true;
      s.troubleUs = now;
    } else if (!fit) {
      s.troubleUs = now;
    } else if (s.bad && now - s.troubleUs >= c.badFeedClearUs) {
      s.bad = false;
    }
    if (s.bad) out.push_back({{c.channelId, std::string(alarm_kind::kInputBadFeed), in.id}, Severity::Warning, s.why});
  }
}

void AlarmRules::evaluatePipelines(int64_t now, const ChannelSample& c, ChannelState& st,
                                   std::vector<DesiredAlarm>& out) {
  if (!c.running) {
    st.downSinceUs.clear();
    st.restarts.clear();
    st.restartedAtUs.clear();
    st.violations.clear();
    st.violationAtUs.clear();
    return;
  }
  // No pipeline delivers at all (dead, or hung before the watchdog sees it):
  // the emergency slate carries the channel.
  if (c.emergencySlateOnAir)
    out.push_back({{c.channelId, std::string(alarm_kind::kPipelineDown), "all"},
                   Severity::Critical,
                   "no pipeline delivers: the emergency slate is on air"});
  int up = 0;
  for (const auto& p : c.pipelines) up += p.up ? 1 : 0;
  for (const auto& p : c.pipelines) {
    const std::string subject = std::to_string(p.index);
    auto [count, firstSample] = st.restarts.try_emplace(p.index, p.restarts);
    if (!firstSample && p.restarts > count->second) st.restartedAtUs[p.index] = now;
    count->second = p.restarts;
    const auto restarted = st.restartedAtUs.find(p.index);
    const bool recent = restarted != st.restartedAtUs.end() && now - restarted->second < 10'000'000;
    if (restarted != st.restartedAtUs.end() && !recent) st.restartedAtUs.erase(restarted);
    if (p.up) st.downSinceUs.erase(p.index);
    const bool down = !p.up && now - st.downSinceUs.try_emplace(p.index, now).first->second >= 2'000'000;
    const int others = up - (p.up ? 1 : 0);  // other pipelines producing
    if (down || recent) {
      const std::string exit = p.lastExit.empty() ? "" : ": " + p.lastExit;
      if (p.up)  // it crashed and is producing again
        out.push_back({{c.channelId, std::string(alarm_kind::kPipelineDown), subject},
                       Severity::Warning,
                       fmt::format("pipeline {} restarted{}; producing again", p.index, exit)});
      else
        out.push_back(
            {{c.channelId, std::string(alarm_kind::kPipelineDown), subject},
             others > 0 ? Severity::Warning : Severity::Critical,
             fmt::format("pipeline {} down{}; {}", p.index, exit,
                         others > 0 ? "the other pipeline carries the channel" : "no pipeline is producing")});
    }
    if (p.up && !p.steady) {
      // Held out only while a steady pipeline carries the channel; alone, it is on air cold.
      bool steadyOther = false;
      for (const auto& q : c.pipelines) steadyOther = steadyOther || (q.index != p.index && q.up && q.steady);
      const std::string ratio =
          p.lastSegmentRatio > 0 ? fmt::format(" (last segment {:.2f}x its reference)", p.lastSegmentRatio) : "";
      out.push_back({{c.channelId, std::string(alarm_kind::kRestartSpike), subject},
                     Severity::Warning,
                     steadyOther ? fmt::format("pipeline {} restarted cold: held out of the manifest until its "
                                               "segments are steady{}",
                                               p.index, ratio)
                                 : fmt::format("pipeline {} restarted cold and on air (no other pipeline): viewers may "
                                               "get its cold-start bitrate{}",
                                               p.index, ratio)});
    }
    auto [seen, first] = st.violations.try_emplace(p.index, p.keyframeViolations);
    if (!first && p.keyframeViolations > seen->second) st.violationAtUs[p.index] = now;
    seen->second = p.keyframeViolations;
    if (auto at = st.violationAtUs.find(p.index); at != st.violationAtUs.end()) {
      if (now - at->second < 10'000'000)
        out.push_back({{c.channelId, std::string(alarm_kind::kKeyframeViolation), subject},
                       Severity::Critical,
                       fmt::format("pipeline {}: a segment's video did not start with an IDR at its boundary "
                                   "({} in all)",
                                   p.index, p.keyframeViolations)});
      else
        st.violationAtUs.erase(at);
    }
  }
}

void AlarmRules::evaluateDisk(int64_t now, const DiskSample& disk, std::vector<DesiredAlarm>& out) {
  if (disk.known && disk.totalBytes > 0) {
    const double percent = 100.0 * static_cast<double>(disk.freeBytes) / static_cast<double>(disk.totalBytes);
    if (disk.freeBytes < disk_.minFreeBytes || percent < disk_.minFreePercent)
      out.push_back(
          {{"", std::string(alarm_kind::kDisk), "space"},
           Severity::Warning,
           fmt::format("data directory: {} free of {} ({:.1f} %; warning below {} or {} %)", mib(disk.freeBytes),
                       mib(disk.totalBytes), percent, mib(disk_.minFreeBytes), disk_.minFreePercent)});
  }
  if (disk.storeWriteFailures > storeFailures_) {
    storeFailures_ = disk.storeWriteFailures;
    lastStoreFailureUs_ = now;
  }
  if (lastStoreFailureUs_ >= 0 && now - lastStoreFailureUs_ < disk_.storeFailureClearUs)
    out.push_back({{"", std::string(alarm_kind::kDisk), "store"},
                   Severity::Critical,
                   fmt::format("store writes failing ({} since start); see the store's log", storeFailures_)});
}

Status reconcile(AlarmBook& book, const std::vector<DesiredAlarm>& desired) {
  Status first;
  std::set<AlarmKey> wanted;
  for (const auto& d : desired) {
    wanted.insert(d.key);
    if (auto r = book.raise(d.key, d.severity, d.detail); !r && first) first = r.status();
  }
  for (const auto& a : book.open()) {
    if (!AlarmRules::owns(a.key.kind) || wanted.count(a.key)) continue;
    if (auto s = book.clear(a.key, "the condition no longer holds"); !s && first) first = s;
  }
  return first;
}

}  // namespace vigil::monitor
