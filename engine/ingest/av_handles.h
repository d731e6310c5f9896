// Move-only owners for FFmpeg handles and the AVERROR -> Status translation.
// Internal to the engine's media stages (ingest, pipeline): it includes the
// FFmpeg headers, so public headers forward-declare instead of including it.
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
}

#include "core/status.h"

namespace vigil::av {

struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct ParametersDeleter {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};
struct FilterGraphDeleter {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};
struct FormatContextDeleter {
  // Custom-IO output contexts: the AVIOContext is owned separately (IoContextPtr).
  void operator()(AVFormatContext* c) const { avformat_free_context(c); }
};
struct InputFormatContextDeleter {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct IoContextDeleter {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);  // the buffer may have been reallocated by avio; free the current one
    avio_context_free(&io);
  }
};

using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using ParametersPtr = std::unique_ptr<AVCodecParameters, ParametersDeleter>;
using FilterGraphPtr = std::unique_ptr<AVFilterGraph, FilterGraphDeleter>;
using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using InputFormatContextPtr = std::unique_ptr<AVFormatContext, InputFormatContextDeleter>;
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextDeleter>;

inline FramePtr allocFrame() { return FramePtr(av_frame_alloc()); }
inline PacketPtr allocPacket() { return PacketPtr(av_packet_alloc()); }

// A new reference to the same buffers (no pixel copy).
inline FramePtr cloneFrame(const AVFrame* f) { return FramePtr(av_frame_clone(f)); }

inline std::string errorString(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

// "what: message (code)" for a negative AVERROR.
inline Status error(const std::string& what, int err) {
  return Status::error(what + ": " + errorString(err) + " (" + std::to_string(err) + ")");
}

}  // namespace vigil::av
