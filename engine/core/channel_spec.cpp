#include "core/channel_spec.h"

#include <cstdio>

namespace vigil {
namespace {
VideoRenditionSpec rung(std::string id, int w, int h, int fps, int64_t kbps, std::string profile) {
  VideoRenditionSpec r;
  r.id = std::move(id);
  r.width = w;
  r.height = h;
  r.frameRateNum = fps;
  r.bitrateBps = kbps * 1000;
  r.maxrateBps = r.bitrateBps;  // bufsize: videoRateControl's eighth of a segment
  r.profile = std::move(profile);
  return r;
}
}  // namespace

std::vector<VideoRenditionSpec> defaultLadder(int sourceWidth, int sourceHeight, int sourceFps) {
  const int highFps = sourceFps >= 50 ? 60 : sourceFps;
  const int lowFps = sourceFps >= 50 ? 30 : sourceFps;
  const std::vector<VideoRenditionSpec> full = {
      rung("v0", 1920, 1080, highFps, 6000, "high"), rung("v1", 1280, 720, highFps, 3000, "high"),
      rung("v2", 854, 480, lowFps, 1200, "main"), rung("v3", 640, 360, lowFps, 600, "main"),
      rung("v4", 284, 160, lowFps, 300, "baseline")};
  std::vector<VideoRenditionSpec> out;
  for (const auto& r : full) {
    if (r.height > sourceHeight || r.width > sourceWidth) continue;  // never upscale
    out.push_back(r);
    // snprintf, not "v" + std::to_string(): GCC 12 reports a false -Wrestrict on that.
    char id[24];
    std::snprintf(id, sizeof id, "v%zu", out.size() - 1);
    out.back().id = id;
  }
  if (out.empty()) {  // source smaller than every rung: one rung at source size
    out.push_back(rung("v0", sourceWidth & ~1, sourceHeight & ~1, lowFps, 300, "baseline"));
  }
  return out;
}

VideoRateControl videoRateControl(const VideoRenditionSpec& spec, int64_t segmentDuration90k) {
  VideoRateControl rc;
  rc.maxrateBps = spec.maxrateBps > 0 ? spec.maxrateBps : spec.bitrateBps;
  // maxrate [bit/s] * D [90 kHz ticks] / 90000 / 8
  rc.bufsizeBits = spec.bufsizeBits > 0 ? spec.bufsizeBits : rc.maxrateBps * segmentDuration90k / (90000 * 8);
  rc.segmentPeakBps =
      segmentDuration90k > 0 ? rc.maxrateBps + rc.bufsizeBits * 90000 / segmentDuration90k : rc.maxrateBps;
  return rc;
}

std::vector<std::string> renditionIds(const ChannelSpec& spec) {
  std::vector<std::string> ids;
  for (const auto& r : spec.video) ids.push_back(r.id);
  ids.push_back(spec.audio.id);
  return ids;
}

std::vector<VideoRenditionSpec> demoLadder() {
  return {rung("v0", 640, 360, 30, 800, "main"), rung("v1", 480, 270, 30, 450, "main"),
          rung("v2", 320, 180, 30, 200, "baseline")};
}

}  // namespace vigil

#include "core/part_sink.h"

namespace vigil {

const char* stateName(PipelineState state) {
  switch (state) {
    case PipelineState::Starting:
      return "starting";
    case PipelineState::Up:
      return "up";
    case PipelineState::Down:
      return "down";
  }
  return "unknown";
}

}  // namespace vigil
