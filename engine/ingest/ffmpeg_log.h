// Routes FFmpeg's log (av_log, including libx264's messages) into the engine's
// "ffmpeg" spdlog logger, so vigild's log stays one format (text or JSON lines).
// FFmpeg's informational chatter (x264 banners) goes to debug; warnings and
// errors stay visible, with identical repeated lines rate-limited.
#pragma once

namespace vigil::ingest {

// Idempotent; call once before opening codecs.
void installFfmpegLogBridge();

}  // namespace vigil::ingest
