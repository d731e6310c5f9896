// What goes on air when no input can: a still card ("We'll be right back")
// and silence, so the heartbeat (DESIGN.md contract 4) never stops.
#pragma once

#include <string>

#include "ingest/av_handles.h"

namespace vigil::switching {

// One yuv420p picture of width x height with the card's text and the channel's name.
Result<av::FramePtr> renderSlate(int width, int height, const std::string& channelName);

// 1024 samples of fltp silence (one AAC frame).
av::FramePtr silenceFrame(int sampleRate, int channels, int samples);

}  // namespace vigil::switching
