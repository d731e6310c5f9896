#include "pipeline/worker_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
}

namespace vigil::pipeline::wire {
namespace {

constexpr uint32_t kMagic = 0x56475731;  // "VGW1"
constexpr uint16_t kVersion = 1;
constexpr size_t kHeaderSize = 4 + 2 + 2 + 4 + 8;
constexpr uint32_t kMaxMeta = 1 << 20;
constexpr uint64_t kMaxPayload = uint64_t{256} << 20;  // a 4K frame is 12 MB

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T get(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

// Rows of each plane of a video frame, for its pixel format.
int planeRows(const AVFrame* f, int plane) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f->format));
  if (!d) return 0;
  return plane == 0 || plane == 3 ? f->height : AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
}

}  // namespace

std::string encode(Type type, const nlohmann::json& meta, std::string_view payload) {
  const std::string m = meta.dump();
  std::string out;
  out.reserve(kHeaderSize + m.size() + payload.size());
  put(out, kMagic);
  put(out, static_cast<uint16_t>(type));
  put(out, kVersion);
  put(out, static_cast<uint32_t>(m.size()));
  put(out, static_cast<uint64_t>(payload.size()));
  out += m;
  out.append(payload.data(), payload.size());
  return out;
}

Status sendAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error(std::string("send: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status Reader::readExactly(char* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd_, out + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (onTimeout_ && onTimeout_()) continue;
        return Status::error("timeout");
      }
      return Status::error(std::string("read: ") + std::strerror(errno));
    }
    if (r == 0) return Status::error(done == 0 ? "eof" : "connection closed inside a message");
    done += static_cast<size_t>(r);
  }
  return Status::ok();
}

Result<Message> Reader::next() {
  char header[kHeaderSize];
  if (Status s = readExactly(header, kHeaderSize); !s) return s;
  const char* p = header;
  const auto magic = get<uint32_t>(p);
  const auto type = get<uint16_t>(p);
  const auto version = get<uint16_t>(p);
  const auto metaSize = get<uint32_t>(p);
  const auto payloadSize = get<uint64_t>(p);
  if (magic != kMagic || version != kVersion)
    return Status::error("not a pipeline worker message (bad magic or version)");
  if (metaSize > kMaxMeta || payloadSize > kMaxPayload)
    return Status::error("oversized message: meta " + std::to_string(metaSize) + " bytes, payload " +
                         std::to_string(payloadSize) + " bytes");
  Message m;
  m.type = static_cast<Type>(type);
  m.meta.resize(metaSize);
  m.payload.resize(payloadSize);
  if (Status s = readExactly(m.meta.data(), metaSize); !s) return isEof(s) ? Status::error("truncated message") : s;
  if (Status s = readExactly(m.payload.data(), payloadSize); !s)
    return isEof(s) ? Status::error("truncated message") : s;
  return m;
}

std::string encodeFrame(Type type, const AVFrame* f) {
  nlohmann::json meta{{"pts", f->pts}, {"format", f->format}};
  std::string planes;
  if (type == Type::Video) {
    meta["width"] = f->width;
    meta["height"] = f->height;
    nlohmann::json linesizes = nlohmann::json::array();
    for (int i = 0; i < AV_NUM_DATA_POINTERS && f->data[i]; ++i) {
      const size_t bytes = static_cast<size_t>(f->linesize[i]) * static_cast<size_t>(planeRows(f, i));
      planes.append(reinterpret_cast<const char*>(f->data[i]), bytes);
      linesizes.push_back(f->linesize[i]);
    }
    meta["linesize"] = std::move(linesizes);
  } else {
    meta["samples"] = f->nb_samples;
    meta["rate"] = f->sample_rate;
    meta["channels"] = f->ch_layout.nb_channels;
    const auto fmt = static_cast<AVSampleFormat>(f->format);
    const int planesCount = av_sample_fmt_is_planar(fmt) ? f->ch_layout.nb_channels : 1;
    const int perPlane = av_samples_get_buffer_size(
        nullptr, av_sample_fmt_is_planar(fmt) ? 1 : f->ch_layout.nb_channels, f->nb_samples, fmt, 1);
    for (int i = 0; i < planesCount && perPlane > 0; ++i)
      planes.append(reinterpret_cast<const char*>(f->extended_data[i]), static_cast<size_t>(perPlane));
  }
  return encode(type, meta, planes);
}

Result<av::FramePtr> decodeFrame(const Message& m) {
  const auto meta = nlohmann::json::parse(m.meta, nullptr, false);
  if (meta.is_discarded() || !meta.is_object()) return Status::error("frame: bad meta");
  av::FramePtr f = av::allocFrame();
  if (!f) return Status::error("out of memory");
  try {
    f->pts = meta.at("pts").get<int64_t>();
    f->format = meta.at("format").get<int>();
    if (m.type == Type::Video) {
      f->width = meta.at("width").get<int>();
      f->height = meta.at("height").get<int>();
      const auto linesizes = meta.at("linesize").get<std::vector<int>>();
      if (f->width <= 0 || f->height <= 0 || f->width > 16384 || f->height > 16384 ||
          !av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f->format)) || linesizes.size() > AV_NUM_DATA_POINTERS)
        return Status::error("frame: bad geometry");
      if (av_frame_get_buffer(f.get(), 0) < 0) return Status::error("frame: cannot allocate");
      const char* p = m.payload.data();
      const char* end = p + m.payload.size();
      for (size_t i = 0; i < linesizes.size() && f->data[i]; ++i) {
        const int rows = planeRows(f.get(), static_cast<int>(i));
        const int rowBytes = std::min(linesizes[i], f->linesize[i]);
        if (linesizes[i] < 0 || end - p < static_cast<ptrdiff_t>(linesizes[i]) * rows)
          return Status::error("frame: payload shorter than its planes");
        for (int y = 0; y < rows; ++y) std::memcpy(f->data[i] + y * f->linesize[i], p + y * linesizes[i], rowBytes);
        p += static_cast<ptrdiff_t>(linesizes[i]) * rows;
      }
    } else {
      f->nb_samples = meta.at("samples").get<int>();
      f->sample_rate = meta.at("rate").get<int>();
      const int channels = meta.at("channels").get<int>();
      if (f->nb_samples <= 0 || f->nb_samples > 1 << 16 || channels <= 0 || channels > 64 || f->sample_rate <= 0 ||
          !av_get_sample_fmt_name(static_cast<AVSampleFormat>(f->format)))
        return Status::error("frame: bad audio layout");
      av_channel_layout_default(&f->ch_layout, channels);
      if (av_frame_get_buffer(f.get(), 0) < 0) return Status::error("frame: cannot allocate");
      const auto fmt = static_cast<AVSampleFormat>(f->format);
      const int planes = av_sample_fmt_is_planar(fmt) ? channels : 1;
      const int perPlane =
          av_samples_get_buffer_size(nullptr, av_sample_fmt_is_planar(fmt) ? 1 : channels, f->nb_samples, fmt, 1);
      if (perPlane <= 0 || m.payload.size() != static_cast<size_t>(perPlane) * static_cast<size_t>(planes))
        return Status::error("frame: payload does not match its samples");
      for (int i = 0; i < planes; ++i)
        std::memcpy(f->extended_data[i], m.payload.data() + static_cast<size_t>(i) * perPlane, perPlane);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::error(std::string("frame: ") + e.what());
  }
  return f;
}

namespace {

nlohmann::json renditionToJson(const RenditionInfo& r) {
  return {{"id", r.id},
          {"kind", r.kind == TrackKind::Video ? "video" : "audio"},
          {"codecs", r.codecs},
          {"bitrate", r.bitrateBps},
          {"peak", r.peakBitrateBps},
          {"timescale", r.timescale},
          {"width", r.width},
          {"height", r.height},
          {"fps", r.frameRate},
          {"rate", r.sampleRate},
          {"channels", r.channels},
          {"language", r.language}};
}

RenditionInfo renditionFromJson(const nlohmann::json& j) {
  RenditionInfo r;
  r.id = j.at("id").get<std::string>();
  r.kind = j.at("kind").get<std::string>() == "video" ? TrackKind::Video : TrackKind::Audio;
  r.codecs = j.at("codecs").get<std::string>();
  r.bitrateBps = j.at("bitrate").get<int64_t>();
  r.peakBitrateBps = j.at("peak").get<int64_t>();
  r.timescale = j.at("timescale").get<int>();
  r.width = j.at("width").get<int>();
  r.height = j.at("height").get<int>();
  r.frameRate = j.at("fps").get<double>();
  r.sampleRate = j.at("rate").get<int>();
  r.channels = j.at("channels").get<int>();
  r.language = j.at("language").get<std::string>();
  return r;
}

}  // namespace

std::string encodeInit(const CmafInit& init) {
  return encode(Type::Init, renditionToJson(init.rendition), init.bytes ? std::string_view(*init.bytes) : "");
}

Result<CmafInit> decodeInit(const Message& m) {
  const auto meta = nlohmann::json::parse(m.meta, nullptr, false);
  try {
    return CmafInit{renditionFromJson(meta), makeBytes(m.payload)};
  } catch (const nlohmann::json::exception& e) {
    return Status::error(std::string("init: ") + e.what());
  }
}

std::string encodePart(const CmafPart& p) {
  nlohmann::json meta{{"r", p.renditionId},      {"seg", p.segmentNumber}, {"part", p.partIndex},
                      {"start", p.startTime90k}, {"dur", p.duration90k},   {"ind", p.independent},
                      {"last", p.lastInSegment}};
  const OutputCheck& c = p.check;
  if (p.lastInSegment)
    meta["check"] = {{"checked", c.checked}, {"frames", c.frames}, {"errors", c.decodeErrors}, {"black", c.black},
                     {"frozen", c.frozen},   {"silent", c.silent}, {"dropped", c.dropped}};
  return encode(Type::Part, std::move(meta), p.bytes ? std::string_view(*p.bytes) : "");
}

Result<CmafPart> decodePart(const Message& m) {
  const auto meta = nlohmann::json::parse(m.meta, nullptr, false);
  try {
    CmafPart p;
    p.renditionId = meta.at("r").get<std::string>();
    p.segmentNumber = meta.at("seg").get<int64_t>();
    p.partIndex = meta.at("part").get<int>();
    p.startTime90k = meta.at("start").get<int64_t>();
    p.duration90k = meta.at("dur").get<int64_t>();
    p.independent = meta.at("ind").get<bool>();
    p.lastInSegment = meta.at("last").get<bool>();
    if (const auto c = meta.find("check"); c != meta.end()) {
      p.check.checked = c->at("checked").get<bool>();
      p.check.frames = c->at("frames").get<int>();
      p.check.decodeErrors = c->at("errors").get<int>();
      p.check.black = c->at("black").get<int>();
      p.check.frozen = c->at("frozen").get<int>();
      p.check.silent = c->at("silent").get<int>();
      p.check.dropped = c->at("dropped").get<int>();
    }
    p.bytes = makeBytes(m.payload);
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Status::error(std::string("part: ") + e.what());
  }
}

nlohmann::json timelineToJson(const Timeline& t) {
  nlohmann::json periods = nlohmann::json::array();
  for (const auto& p : t.periods())
    periods.push_back({{"seq", p.discontinuitySequence}, {"first", p.firstSegment}, {"utc", p.startUtcUs}});
  return {{"segment", t.segmentDuration90k()}, {"part", t.partDuration90k()}, {"periods", periods}};
}

Result<Timeline> timelineFromJson(const nlohmann::json& j) {
  try {
    const auto segment = j.at("segment").get<int64_t>();
    const auto part = j.at("part").get<int64_t>();
    if (part <= 0 || segment <= 0 || segment % part != 0) return Status::error("timeline: bad durations");
    Timeline t(segment, part);
    std::vector<TimelinePeriod> periods;
    for (const auto& p : j.at("periods"))
      periods.push_back({p.at("seq").get<int64_t>(), p.at("first").get<int64_t>(), p.at("utc").get<int64_t>()});
    if (periods.empty()) return Status::error("timeline: no period");
    t.restore(std::move(periods));
    return t;
  } catch (const nlohmann::json::exception& e) {
    return Status::error(std::string("timeline: ") + e.what());
  }
}

}  // namespace vigil::pipeline::wire
