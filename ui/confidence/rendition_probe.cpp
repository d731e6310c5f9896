#include "confidence/rendition_probe.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>

#include <pthread.h>

extern "C" {
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

#include "confidence/audio_levels.h"
#include "confidence/media_playlist.h"
#include "control/http_client.h"
#include "ingest/av_handles.h"
#include "package/uri_layout.h"

namespace vigil::ui::confidence {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr AVRational k90k{1, 90000};
constexpr int kIoBufferBytes = 32 * 1024;
constexpr int kBitrateWindowSegments = 3;
constexpr int kBackoffStartMs = 250;
constexpr int kBackoffMaxMs = 4000;
constexpr int kMaxConsecutiveDecodeErrors = 10;

struct SwsDeleter {
  void operator()(SwsContext* c) const { sws_freeContext(c); }
};

// Does this H.264 access unit (length-prefixed NAL units, avcC) hold an IDR slice?
std::optional<bool> holdsIdr(const AVCodecParameters* par, const AVPacket* pkt) {
  if (par->codec_id != AV_CODEC_ID_H264 || par->extradata_size < 5 || par->extradata[0] != 1) return std::nullopt;
  const int lengthSize = (par->extradata[4] & 3) + 1;
  const uint8_t* p = pkt->data;
  const uint8_t* end = pkt->data + pkt->size;
  while (end - p > lengthSize) {
    uint32_t len = 0;
    for (int i = 0; i < lengthSize; ++i) len = (len << 8) | p[i];
    p += lengthSize;
    if (len == 0 || len > static_cast<uint32_t>(end - p)) return false;
    if ((p[0] & 0x1f) == 5) return true;
    p += len;
  }
  return false;
}

}  // namespace

const char* toString(ProbeStats::State state) {
  switch (state) {
    case ProbeStats::State::Idle:
      return "idle";
    case ProbeStats::State::Connecting:
      return "connecting";
    case ProbeStats::State::Playing:
      return "playing";
    case ProbeStats::State::Retrying:
      return "retrying";
    case ProbeStats::State::Failed:
      return "failed";
    case ProbeStats::State::Stopped:
      return "stopped";
  }
  return "unknown";
}

struct RenditionProbe::Shared {
  mutable std::mutex mutex;  // guards stats
  ProbeStats stats;
  std::unique_ptr<control::HttpClient> http;  // set before the thread starts; interrupt() from any thread
  std::string setupError;                     // the master URL could not be used

  template <typename F>
  void update(F&& f) {
    std::lock_guard lock(mutex);
    f(stats);
  }
};

// Measurements that outlive a session (a resync keeps the history).
struct Meters {
  std::deque<std::pair<int64_t, int64_t>> segmentBytes;  // (msn, bytes), newest last
  std::deque<Clock::time_point> shown;                   // pictures delivered, last two seconds
  Clock::time_point lastPicture{};
};

// One pass from the playlist: init + parts in order through the demuxer and
// decoder, until stopped, a part is missing (resync) or something fails.
struct RenditionProbe::Session {
  enum class End { Stopped, Resync, Error };
  struct Outcome {
    End end;
    std::string message;
    bool delivered;  // decoded anything: the backoff starts again from the beginning
  };

  RenditionProbe& probe;
  Shared& shared;
  control::HttpClient& http;
  Meters& meters;
  const bool thumbnail;
  std::string renditionDir;  // target of the rendition's directory, with the trailing '/'

  // From the playlist.
  int partsPerSegment = 0;
  double segmentS = 0;
  int64_t segment90k = 0;
  int64_t part90k = 0;
  int64_t nextMsn = 0;
  int nextPart = 0;
  int64_t catchUpUntil90k = 0;  // frames before it are decoded, not shown (start near the live edge)
  int holdTimeoutMs = 8000;

  // The stream fed to the demuxer.
  struct PartSpan {
    int64_t begin, end;  // byte offsets in the stream
    int64_t msn;
    int index;
    bool checked = false;
  };
  std::string buffer;
  size_t bufferPos = 0;
  int64_t streamBytes = 0;
  std::deque<PartSpan> spans;
  int64_t accumulatingMsn = -1;
  int64_t accumulatedBytes = 0;
  std::string readFailure;
  bool resync = false;
  bool delivered = false;

  // Decoding. io is declared before format, so format is closed first.
  av::IoContextPtr io;
  av::InputFormatContextPtr format;
  av::CodecContextPtr decoder;
  AVStream* stream = nullptr;
  std::unique_ptr<SwsContext, SwsDeleter> sws;
  AudioLevelMeter audioLevels;
  int consecutiveDecodeErrors = 0;
  bool anchored = false;
  Clock::time_point anchorWall;
  int64_t anchorPts90k = 0;

  Session(RenditionProbe& p, Meters& m)
      : probe(p),
        shared(*p.shared_),
        http(*p.shared_->http),
        meters(m),
        thumbnail(p.config_.mode == ProbeConfig::Mode::Thumbnail) {}

  bool stopping() const { return probe.stopping_.load(); }

  Result<control::HttpResponse> get(const std::string& target, int timeoutMs) {
    control::HttpRequest req;
    req.target = target;
    req.timeout = milliseconds(timeoutMs);
    return http.exchange(req);
  }

  Outcome fail(std::string message) { return {End::Error, std::move(message), delivered}; }

  Outcome run(const control::HttpLocation& playlist) {
    if (Status s = sync(playlist); !s) return fail(s.message());
    if (Status s = openDemuxer(); !s) {
      if (resync && !stopping()) return {End::Resync, readFailure, delivered};
      return fail(readFailure.empty() ? s.message() : readFailure);
    }
    if (Status s = openDecoder(); !s) return fail(s.message());
    auto pkt = av::allocPacket();
    auto frame = av::allocFrame();
    while (!stopping()) {
      const int err = av_read_frame(format.get(), pkt.get());
      if (err < 0) {
        if (stopping()) break;
        if (resync) return {End::Resync, readFailure, delivered};
        return fail(readFailure.empty() ? av::error("demux", err).message() : readFailure);
      }
      if (pkt->stream_index == stream->index) {
        if (Status s = decode(pkt.get(), frame.get()); !s) return fail(s.message());
      }
      av_packet_unref(pkt.get());
    }
    return {End::Stopped, {}, delivered};
  }

  // The playlist tells where the live edge is and how parts are numbered.
  Status sync(const control::HttpLocation& playlist) {
    const std::string& id = probe.config_.renditionId;
    auto res = get(playlist.target, 5000);
    if (!res) return res.status();
    if (res->status == 404)
      return Status::error("rendition '" + id + "' is not served (HTTP 404 for " + playlist.target +
                           "): no such rendition, or the channel is not running");
    if (res->status != 200)
      return Status::error("playlist of '" + id + "': HTTP " + std::to_string(res->status) + " from " + http.peer());
    auto pl = parseMediaPlaylist(res->body);
    if (!pl) return Status::error("the answer for " + playlist.target + " is not a media playlist");
    partsPerSegment = pl->partsPerSegment();
    if (partsPerSegment <= 0) return Status::error("playlist of '" + id + "' lists no parts yet");
    segmentS = pl->segmentDurationS() > 0 ? pl->segmentDurationS() : pl->targetDurationS;
    segment90k = std::llround(segmentS * 90000.0);
    part90k = segment90k / partsPerSegment;
    holdTimeoutMs = static_cast<int>(3 * segmentS * 1000) + 2000;  // the origin holds up to 3 target durations
    const PlaylistSegment* start = pl->newestStartableSegment();
    const PlaylistPart* newest = pl->newestPart();
    if (!start || !newest) return Status::error("playlist of '" + id + "' lists no independent part yet");
    nextMsn = start->msn;
    nextPart = 0;
    catchUpUntil90k = thumbnail ? 0 : newest->msn * segment90k + newest->index * part90k;
    renditionDir = playlist.target.substr(0, playlist.target.rfind('/') + 1);
    shared.update([&](ProbeStats& s) {
      s.partsPerSegment = partsPerSegment;
      s.segmentDurationS = segmentS;
    });

    auto init = get(renditionDir + std::string(package::uri::kInit), 5000);
    if (!init) return init.status();
    if (init->status != 200) return Status::error("init segment of '" + id + "': HTTP " + std::to_string(init->status));
    buffer = std::move(init->body);
    bufferPos = 0;
    streamBytes = static_cast<int64_t>(buffer.size());
    return Status::ok();
  }

  // Blocking follow: the origin holds a part that is not published yet.
  bool fetchNext() {
    const std::string name = package::uri::part(nextMsn, nextPart);
    auto res = get(renditionDir + name, holdTimeoutMs);
    if (!res) {
      readFailure = res.message();
      return false;
    }
    if (res->status == 404 || res->status == 410) {
      // Expired, or never published (a gap): start again from the playlist.
      readFailure = "part " + name + " is not available (HTTP " + std::to_string(res->status) + "): resynchronising";
      resync = true;
      return false;
    }
    if (res->status != 200) {
      readFailure = "part " + name + ": HTTP " + std::to_string(res->status) + " from " + http.peer();
      return false;
    }
    const auto bytes = static_cast<int64_t>(res->body.size());
    spans.push_back({streamBytes, streamBytes + bytes, nextMsn, nextPart});
    if (spans.size() > 64) spans.pop_front();
    streamBytes += bytes;
    buffer.erase(0, bufferPos);
    bufferPos = 0;
    buffer += res->body;
    accountBitrate(bytes);
    shared.update([&](ProbeStats& s) {
      ++s.partsReceived;
      s.bytesReceived += static_cast<uint64_t>(bytes);
      s.lastError.clear();
    });
    if (thumbnail || nextPart + 1 >= partsPerSegment) {
      ++nextMsn;
      nextPart = 0;
    } else {
      ++nextPart;
    }
    return true;
  }

  // Bytes of whole segments received from their first part to their last.
  void accountBitrate(int64_t bytes) {
    if (thumbnail) return;
    if (nextPart == 0) {
      accumulatingMsn = nextMsn;
      accumulatedBytes = 0;
    }
    if (accumulatingMsn != nextMsn) return;
    accumulatedBytes += bytes;
    if (nextPart + 1 < partsPerSegment) return;
    meters.segmentBytes.emplace_back(nextMsn, accumulatedBytes);
    while (meters.segmentBytes.size() > kBitrateWindowSegments) meters.segmentBytes.pop_front();
    accumulatingMsn = -1;
    int64_t total = 0;
    for (const auto& [msn, b] : meters.segmentBytes) total += b;
    const auto n = static_cast<int>(meters.segmentBytes.size());
    shared.update([&](ProbeStats& s) {
      s.measuredBitrateBps = static_cast<double>(total) * 8.0 / (n * segmentS);
      s.measuredSegments = n;
    });
  }

  static int readPacket(void* opaque, uint8_t* out, int size) {
    auto* s = static_cast<Session*>(opaque);
    while (s->bufferPos >= s->buffer.size()) {
      if (s->stopping()) return AVERROR_EXIT;
      if (!s->fetchNext()) return s->stopping() ? AVERROR_EXIT : AVERROR(EIO);
    }
    const size_t n = std::min(static_cast<size_t>(size), s->buffer.size() - s->bufferPos);
    std::copy_n(s->buffer.data() + s->bufferPos, n, out);
    s->bufferPos += n;
    return static_cast<int>(n);
  }

  static int interruptCallback(void* opaque) { return static_cast<Session*>(opaque)->stopping() ? 1 : 0; }

  Status openDemuxer() {
    auto* buf = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
    if (!buf) return Status::error("out of memory");
    io.reset(avio_alloc_context(buf, kIoBufferBytes, 0, this, &Session::readPacket, nullptr, nullptr));
    if (!io) {
      av_free(buf);
      return Status::error("avio_alloc_context failed");
    }
    AVFormatContext* ctx = avformat_alloc_context();
    if (!ctx) return Status::error("out of memory");
    ctx->pb = io.get();
    ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
    ctx->interrupt_callback = {&Session::interruptCallback, this};
    const AVInputFormat* mov = av_find_input_format("mov");
    // The init segment and the first part are read here (no stream probing:
    // the moov says everything a decoder needs).
    if (const int err = avformat_open_input(&ctx, nullptr, mov, nullptr); err < 0)
      return av::error("demux " + probe.config_.renditionId + " (fragmented MP4)", err);
    format.reset(ctx);
    if (format->nb_streams < 1)
      return Status::error("the init segment of " + probe.config_.renditionId + " has no track");
    stream = format->streams[0];
    return Status::ok();
  }

  Status openDecoder() {
    const AVCodecParameters* par = stream->codecpar;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec) return Status::error(std::string("no decoder for ") + avcodec_get_name(par->codec_id));
    decoder.reset(avcodec_alloc_context3(codec));
    if (!decoder) return Status::error("out of memory");
    if (const int err = avcodec_parameters_to_context(decoder.get(), par); err < 0)
      return av::error("decoder parameters", err);
    decoder->pkt_timebase = stream->time_base;
    decoder->thread_count = 1;  // no frame-threading delay; a monitor's pictures are small
    if (thumbnail) {
      // Keyframes only, each output at once (no reorder delay waiting for
      // frames that are never decoded).
      decoder->skip_frame = AVDISCARD_NONKEY;
      decoder->flags |= AV_CODEC_FLAG_LOW_DELAY;
    }
    if (const int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0)
      return av::error(std::string("open ") + codec->name + " decoder", err);
    const bool video = par->codec_type == AVMEDIA_TYPE_VIDEO;
    const bool audio = par->codec_type == AVMEDIA_TYPE_AUDIO;
    if (audio)
      if (Status s = audioLevels.open(decoder.get()); !s) return s;
    shared.update([&](ProbeStats& s) {
      s.isVideo = video;
      s.isAudio = audio;
      s.codec = codec->name;
      s.width = par->width;
      s.height = par->height;
      s.sampleRate = par->sample_rate;
      s.channels = par->ch_layout.nb_channels;
      s.state = ProbeStats::State::Playing;
      s.status = "playing";
    });
    return Status::ok();
  }

  Status decode(AVPacket* pkt, AVFrame* frame) {
    if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) checkKeyframe(pkt);
    int err = avcodec_send_packet(decoder.get(), pkt);
    if (err < 0 && err != AVERROR(EAGAIN)) {
      const Status failed = av::error("decode " + probe.config_.renditionId, err);
      shared.update([&](ProbeStats& s) {
        ++s.errors;
        s.lastError = failed.message();
      });
      if (++consecutiveDecodeErrors > kMaxConsecutiveDecodeErrors) return failed;
      return Status::ok();
    }
    consecutiveDecodeErrors = 0;
    while ((err = avcodec_receive_frame(decoder.get(), frame)) >= 0) {
      delivered = true;
      if (frame->width > 0)
        onVideoFrame(frame);
      else
        onAudioFrame(frame);
      av_frame_unref(frame);
      if (stopping()) break;
    }
    return Status::ok();
  }

  // Contract 2 as viewers get it: the first access unit of part 0 of
  // segment k is an IDR presented at k * D.
  void checkKeyframe(const AVPacket* pkt) {
    auto it = std::find_if(spans.begin(), spans.end(),
                           [&](const PartSpan& s) { return pkt->pos >= s.begin && pkt->pos < s.end; });
    if (it == spans.end() || it->index != 0 || it->checked) return;
    it->checked = true;
    const int64_t pts90k = av_rescale_q(pkt->pts, stream->time_base, k90k);
    const int64_t expected = it->msn * segment90k;
    const auto idr = holdsIdr(stream->codecpar, pkt);
    const bool isIdr = idr ? *idr : (pkt->flags & AV_PKT_FLAG_KEY) != 0;
    const bool aligned = isIdr && pts90k == expected;
    shared.update([&](ProbeStats& s) {
      s.lastCheckedMsn = it->msn;
      s.lastSegmentAligned = aligned;
      s.lastIdrPts90k = pts90k;
      s.lastExpectedPts90k = expected;
      ++s.segmentsChecked;
      if (!aligned) {
        ++s.segmentsMisaligned;
        s.alignmentDetail = "segment " + std::to_string(it->msn) + ": first frame " +
                            (isIdr ? "an IDR" : "not an IDR") + " at PTS " + std::to_string(pts90k) + ", expected " +
                            std::to_string(expected);
      }
    });
  }

  void onVideoFrame(AVFrame* frame) {
    const int64_t pts90k = av_rescale_q(frame->best_effort_timestamp, stream->time_base, k90k);
    shared.update([&](ProbeStats& s) {
      ++s.framesDecoded;
      s.width = frame->width;
      s.height = frame->height;
    });
    const auto now = Clock::now();
    if (thumbnail) {
      if (meters.lastPicture != Clock::time_point{} &&
          now - meters.lastPicture < milliseconds(probe.config_.minPictureIntervalMs))
        return;
    } else {
      if (pts90k < catchUpUntil90k) return;  // decoded to reach the live edge, not shown
      if (!pace(pts90k)) return;
    }
    deliver(frame, pts90k);
  }

  // Shows each frame at its time relative to the first one shown, so a
  // part's frames (which arrive together) play smoothly rather than in bursts.
  bool pace(int64_t pts90k) {
    const auto now = Clock::now();
    const auto due = anchorWall + std::chrono::microseconds((pts90k - anchorPts90k) * 100 / 9);
    if (!anchored || due < now - milliseconds(500) || due > now + milliseconds(2000)) {
      anchored = true;  // first frame, or fell behind / jumped: start the clock again here
      anchorWall = now;
      anchorPts90k = pts90k;
      return true;
    }
    if (due > now) return probe.sleepFor(static_cast<int>(std::chrono::ceil<milliseconds>(due - now).count()));
    return true;
  }

  void deliver(const AVFrame* frame, int64_t pts90k) {
    int w = frame->width, h = frame->height;
    const int maxW = probe.config_.maxPictureWidth, maxH = probe.config_.maxPictureHeight;
    if (maxW > 0 && maxH > 0 && (w > maxW || h > maxH)) {
      const double scale = std::min(static_cast<double>(maxW) / w, static_cast<double>(maxH) / h);
      w = std::max(2, static_cast<int>(w * scale) & ~1);
      h = std::max(2, static_cast<int>(h * scale) & ~1);
    }
    sws.reset(sws_getCachedContext(sws.release(), frame->width, frame->height,
                                   static_cast<AVPixelFormat>(frame->format), w, h, AV_PIX_FMT_RGB0, SWS_BILINEAR,
                                   nullptr, nullptr, nullptr));
    if (!sws) return;
    auto pic = std::make_shared<Picture>();
    pic->width = w;
    pic->height = h;
    pic->strideBytes = FFALIGN(w * 4, 64);
    pic->pixels.reset(static_cast<uint8_t*>(av_malloc(static_cast<size_t>(pic->strideBytes) * h)), av_free);
    if (!pic->pixels) return;
    uint8_t* dst[4] = {pic->pixels.get(), nullptr, nullptr, nullptr};
    int dstStride[4] = {pic->strideBytes, 0, 0, 0};
    sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, dst, dstStride);
    pic->pts90k = pts90k;
    pic->msn = segment90k > 0 ? pts90k / segment90k : -1;

    const auto now = Clock::now();
    meters.lastPicture = now;
    meters.shown.push_back(now);
    while (!meters.shown.empty() && now - meters.shown.front() > std::chrono::seconds(2)) meters.shown.pop_front();
    double fps = 0;
    if (meters.shown.size() >= 2) {
      const double spanS = std::chrono::duration<double>(meters.shown.back() - meters.shown.front()).count();
      if (spanS >= 0.5) fps = static_cast<double>(meters.shown.size() - 1) / spanS;
    }
    shared.update([&](ProbeStats& s) {
      ++s.framesShown;
      s.fps = fps;
    });
    if (probe.onPicture_) probe.onPicture_(std::move(pic));
  }

  void onAudioFrame(const AVFrame* frame) {
    const int64_t pts90k = av_rescale_q(frame->best_effort_timestamp, stream->time_base, k90k);
    const AudioLevels levels = audioLevels.push(frame, pts90k);
    shared.update([&](ProbeStats& s) {
      s.peakDbfs = levels.peakDbfs;
      if (levels.momentaryLufs) s.momentaryLufs = *levels.momentaryLufs;
      if (levels.shortTermLufs) s.shortTermLufs = *levels.shortTermLufs;
      s.sampleRate = frame->sample_rate;
      s.channels = frame->ch_layout.nb_channels;
    });
  }
};

RenditionProbe::RenditionProbe(ProbeConfig config, PictureCallback onPicture)
    : config_(std::move(config)), onPicture_(std::move(onPicture)), shared_(std::make_shared<Shared>()) {
  auto master = control::HttpLocation::parse(config_.masterUrl);
  if (!master) {
    shared_->setupError = "cannot follow '" + config_.masterUrl + "': " + master.message();
  } else if (!package::uri::isValidId(config_.renditionId)) {
    shared_->setupError = "'" + config_.renditionId + "' is not a rendition id";
  } else {
    const std::string peer = "the origin at " + master->server.base();
    shared_->http = std::make_unique<control::HttpClient>(master->server, peer);
  }
}

RenditionProbe::~RenditionProbe() { stop(); }

void RenditionProbe::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  if (shared_->http) shared_->http->resume();
  shared_->update([](ProbeStats& s) {
    s.state = ProbeStats::State::Connecting;
    s.status = "connecting";
  });
  thread_ = std::thread([this] { run(); });
}

void RenditionProbe::requestStop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  if (shared_->http) shared_->http->interrupt();
  std::lock_guard lock(wakeMutex_);
  wake_.notify_all();
}

void RenditionProbe::stop() {
  if (!thread_.joinable()) return;
  requestStop();
  thread_.join();
  shared_->update([](ProbeStats& s) {
    if (s.state == ProbeStats::State::Failed) return;  // keeps saying why
    s.state = ProbeStats::State::Stopped;
    s.status = "stopped";
    s.fps = 0;
  });
}

ProbeStats RenditionProbe::stats() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->stats;
}

bool RenditionProbe::sleepFor(int ms) {
  std::unique_lock lock(wakeMutex_);
  return !wake_.wait_for(lock, milliseconds(ms), [this] { return stopping_.load(); });
}

void RenditionProbe::run() {
  // "probe v0" in top -H and debuggers (15 characters at most).
  pthread_setname_np(pthread_self(), ("probe " + config_.renditionId).substr(0, 15).c_str());
  if (!shared_->setupError.empty()) {
    shared_->update([&](ProbeStats& s) {
      s.state = ProbeStats::State::Failed;
      s.status = s.lastError = shared_->setupError;
      ++s.errors;
    });
    return;  // nothing to retry: the configuration is wrong
  }
  auto master = control::HttpLocation::parse(config_.masterUrl);
  auto playlist = master->resolve(package::uri::mediaPlaylist(config_.renditionId));
  Meters meters;
  int backoffMs = kBackoffStartMs;
  while (!stopping_) {
    Session::Outcome outcome;
    {
      Session session(*this, meters);
      outcome = session.run(*playlist);
    }
    if (stopping_ || outcome.end == Session::End::Stopped) break;
    if (outcome.delivered) backoffMs = kBackoffStartMs;
    const bool resync = outcome.end == Session::End::Resync;
    shared_->update([&](ProbeStats& s) {
      s.state = ProbeStats::State::Retrying;
      s.status = outcome.message;
      s.fps = 0;
      if (resync) {
        ++s.resyncs;
      } else {
        ++s.errors;
        s.lastError = outcome.message;
      }
    });
    // A resync after pictures is immediate; anything else backs off.
    if (!(resync && outcome.delivered)) {
      if (!sleepFor(backoffMs)) break;
      backoffMs = std::min(backoffMs * 2, kBackoffMaxMs);
    }
  }
}

}  // namespace vigil::ui::confidence
