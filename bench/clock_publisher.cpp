// A live publisher for glass-to-glass measurements: 640x360p30 frames and a
// 48 kHz tone, generated in real time, each frame carrying the UTC wall clock
// (milliseconds) of the moment it was captured as a row of black and white
// boxes that a player-side reader decodes (tests/e2e/players/page.js,
// --read-clock). x264 (ultrafast, zerolatency, GOP 1 s, no B-frames) and AAC,
// published with libavformat: MPEG-TS over srt://, FLV over rtmp://.
//
//   vigil-clock-publisher --url URL [--seconds 30] [--bitrate 800]
//
// Prints "first packet <utc_us>" once the first media packet is written, and
// at the end (or on SIGTERM/SIGINT) the capture -> sent time of the video frames (encode + mux +
// hand-off to the socket). The code row (see drawClock): 44 cells of 14x28
// px at (12, 12): a start guard (white, black), 32 bits of the UTC
// milliseconds modulo 2^32 (most significant first), the CRC-8 (polynomial
// 0x07) of those four bytes, an end guard (black, white); on a black band.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
}

namespace {

// Set by SIGTERM/SIGINT: the publisher stops at the next frame and prints its summary.
std::atomic<bool> stopRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void onStopSignal(int) { stopRequested.store(true); }

constexpr int kWidth = 640;
constexpr int kHeight = 360;
constexpr int kFps = 30;
constexpr int kSampleRate = 48000;
constexpr double kToneHz = 1000.0;

// The clock code's geometry; page.js reads the same constants.
constexpr int kCellW = 14;
constexpr int kCellH = 28;
constexpr int kCodeX = 12;
constexpr int kCodeY = 12;
constexpr int kCells = 44;  // 2 guard + 32 value + 8 CRC + 2 guard
constexpr int kBandMargin = 6;

struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct OutputDeleter {
  void operator()(AVFormatContext* c) const {
    if (c->pb && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;

std::string avError(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

[[noreturn]] void fail(const std::string& what, int err = 0) {
  std::fprintf(stderr, "vigil-clock-publisher: %s%s%s\n", what.c_str(), err ? ": " : "",
               err ? avError(err).c_str() : "");
  std::exit(1);
}

int64_t utcUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint8_t crc8(const uint8_t* data, size_t n) {
  uint8_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = static_cast<uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
  }
  return crc;
}

void fillRect(AVFrame* f, int x, int y, int w, int h, uint8_t luma) {
  for (int r = y; r < y + h; ++r) std::memset(f->data[0] + r * f->linesize[0] + x, luma, w);
  for (int r = y / 2; r < (y + h) / 2; ++r) {
    std::memset(f->data[1] + r * f->linesize[1] + x / 2, 128, w / 2);
    std::memset(f->data[2] + r * f->linesize[2] + x / 2, 128, w / 2);
  }
}

// A moving picture for the encoder to work on: diagonal colour ramps and a
// bouncing square (not a still frame, which x264 would make nearly free).
void drawPicture(AVFrame* f, int64_t index) {
  const int shift = static_cast<int>(index * 3);
  for (int y = 0; y < kHeight; ++y) {
    uint8_t* row = f->data[0] + y * f->linesize[0];
    for (int x = 0; x < kWidth; ++x) row[x] = static_cast<uint8_t>(48 + ((x + y + shift) & 0x7f));
  }
  for (int y = 0; y < kHeight / 2; ++y) {
    uint8_t* u = f->data[1] + y * f->linesize[1];
    uint8_t* v = f->data[2] + y * f->linesize[2];
    for (int x = 0; x < kWidth / 2; ++x) {
      u[x] = static_cast<uint8_t>(64 + ((x * 2 + shift) & 0x7f));
      v[x] = static_cast<uint8_t>(64 + ((y * 2 + shift / 2) & 0x7f));
    }
  }
  const int period = 2 * (kWidth - 80);
  int bx = static_cast<int>((index * 8) % period);
  if (bx > kWidth - 80) bx = period - bx;
  fillRect(f, bx & ~1, 200, 80, 80, 220);
}

// The capture clock, drawn last so nothing covers it. Black 16, white 235
// (limited range), neutral chroma; cells and band on even coordinates so the
// 4:2:0 chroma stays neutral.
void drawClock(AVFrame* f, int64_t utcMs) {
  const uint32_t value = static_cast<uint32_t>(static_cast<uint64_t>(utcMs) & 0xffffffffu);
  const uint8_t bytes[4] = {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                            static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
  bool bits[kCells];
  bits[0] = true;
  bits[1] = false;
  for (int i = 0; i < 32; ++i) bits[2 + i] = (value >> (31 - i)) & 1;
  const uint8_t crc = crc8(bytes, 4);
  for (int i = 0; i < 8; ++i) bits[34 + i] = (crc >> (7 - i)) & 1;
  bits[42] = false;
  bits[43] = true;
  fillRect(f, kCodeX - kBandMargin, kCodeY - kBandMargin, kCells * kCellW + 2 * kBandMargin, kCellH + 2 * kBandMargin,
           16);
  for (int i = 0; i < kCells; ++i)
    if (bits[i]) fillRect(f, kCodeX + i * kCellW, kCodeY, kCellW, kCellH, 235);
}

struct Options {
  std::string url;
  int seconds = 30;
  int bitrateKbps = 800;
};

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--url") {
      o.url = value();
    } else if (a == "--seconds") {
      o.seconds = std::atoi(value().c_str());
    } else if (a == "--bitrate") {
      o.bitrateKbps = std::atoi(value().c_str());
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: vigil-clock-publisher --url srt://...|rtmp://... [--seconds 30] [--bitrate 800 (kbps)]\n");
      std::exit(0);
    } else {
      fail("unknown argument " + a);
    }
  }
  if (o.url.empty()) fail("--url is required");
  if (o.seconds < 1 || o.seconds > 86400) fail("--seconds must be 1..86400");
  if (o.bitrateKbps < 100 || o.bitrateKbps > 20000) fail("--bitrate must be 100..20000 (kbps)");
  return o;
}

CodecPtr openVideoEncoder(const Options& o, bool globalHeader) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) fail("libx264 encoder not available");
  CodecPtr c(avcodec_alloc_context3(codec));
  c->width = kWidth;
  c->height = kHeight;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, kFps};
  c->framerate = AVRational{kFps, 1};
  c->gop_size = kFps;  // 1 s
  c->keyint_min = kFps;
  c->max_b_frames = 0;
  c->bit_rate = int64_t{o.bitrateKbps} * 1000;
  c->rc_max_rate = c->bit_rate;
  c->rc_buffer_size = static_cast<int>(c->bit_rate);  // 1 s of VBV
  if (globalHeader) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", "ultrafast", 0);
  av_dict_set(&opts, "tune", "zerolatency", 0);
  av_dict_set(&opts, "x264-params", "scenecut=0", 0);
  const int err = avcodec_open2(c.get(), codec, &opts);
  av_dict_free(&opts);
  if (err < 0) fail("open libx264", err);
  return c;
}

CodecPtr openAudioEncoder(bool globalHeader) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) fail("AAC encoder not available");
  CodecPtr c(avcodec_alloc_context3(codec));
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  c->sample_rate = kSampleRate;
  av_channel_layout_default(&c->ch_layout, 2);
  c->bit_rate = 128000;
  c->time_base = AVRational{1, kSampleRate};
  if (globalHeader) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  const int err = avcodec_open2(c.get(), codec, nullptr);
  if (err < 0) fail("open AAC encoder", err);
  return c;
}

FramePtr allocVideoFrame() {
  FramePtr f(av_frame_alloc());
  f->format = AV_PIX_FMT_YUV420P;
  f->width = kWidth;
  f->height = kHeight;
  if (const int err = av_frame_get_buffer(f.get(), 0); err < 0) fail("allocate video frame", err);
  return f;
}

struct Publisher {
  OutputPtr out;
  AVStream* videoStream = nullptr;
  AVStream* audioStream = nullptr;
  CodecPtr video;
  CodecPtr audio;
  PacketPtr packet{av_packet_alloc()};
  int64_t firstPacketUs = 0;
  int64_t packets = 0;

  // Drains one encoder into the muxer; returns the number of packets written.
  int drain(AVCodecContext* enc, AVStream* stream) {
    int written = 0;
    for (;;) {
      int err = avcodec_receive_packet(enc, packet.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return written;
      if (err < 0) fail("encode", err);
      if (packet->pts < 0) {
        // AAC's priming packet (negative time, before the first picture):
        // FLV refuses a first audio timestamp earlier than the first video one.
        av_packet_unref(packet.get());
        continue;
      }
      av_packet_rescale_ts(packet.get(), enc->time_base, stream->time_base);
      packet->stream_index = stream->index;
      // Written in capture order as it leaves the encoder: no interleaving
      // queue between the encoder and the socket.
      err = av_write_frame(out.get(), packet.get());
      if (err < 0) fail("write packet", err);
      if (packets++ == 0) {
        firstPacketUs = utcUs();
        std::printf("first packet %lld\n", static_cast<long long>(firstPacketUs));
        std::fflush(stdout);
      }
      ++written;
    }
  }
};

int64_t percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1);
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parseArgs(argc, argv);
  const bool srt = opt.url.rfind("srt://", 0) == 0;
  const bool rtmp = opt.url.rfind("rtmp://", 0) == 0;
  if (!srt && !rtmp) fail("--url must be srt://... or rtmp://...");
  avformat_network_init();
  std::signal(SIGTERM, onStopSignal);
  std::signal(SIGINT, onStopSignal);

  Publisher p;
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, srt ? "mpegts" : "flv", opt.url.c_str());
  if (err < 0 || !raw) fail("create output", err);
  p.out.reset(raw);
  const bool globalHeader = p.out->oformat->flags & AVFMT_GLOBALHEADER;
  p.video = openVideoEncoder(opt, globalHeader);
  p.audio = openAudioEncoder(globalHeader);
  p.videoStream = avformat_new_stream(p.out.get(), nullptr);
  p.audioStream = avformat_new_stream(p.out.get(), nullptr);
  if (!p.videoStream || !p.audioStream) fail("add streams");
  if ((err = avcodec_parameters_from_context(p.videoStream->codecpar, p.video.get())) < 0 ||
      (err = avcodec_parameters_from_context(p.audioStream->codecpar, p.audio.get())) < 0)
    fail("stream parameters", err);
  p.videoStream->time_base = p.video->time_base;
  // FLV carries it in onMetaData "framerate", as OBS and the ffmpeg CLI send it.
  p.videoStream->avg_frame_rate = AVRational{kFps, 1};
  p.videoStream->r_frame_rate = AVRational{kFps, 1};
  p.audioStream->time_base = p.audio->time_base;

  // Every packet goes to the socket as it is written, not when a buffer fills.
  av_opt_set_int(p.out.get(), "flush_packets", 1, 0);
  AVDictionary* muxOpts = nullptr;
  if (srt) av_dict_set(&muxOpts, "pes_payload_size", "0", 0);              // no audio PES batching
  if (rtmp) av_dict_set(&muxOpts, "flvflags", "no_duration_filesize", 0);  // a live stream has neither
  const int64_t connectStartUs = utcUs();
  if ((err = avio_open2(&p.out->pb, opt.url.c_str(), AVIO_FLAG_WRITE, nullptr, nullptr)) < 0)
    fail("connect to " + opt.url, err);
  std::printf("connected %lld (%lld ms)\n", static_cast<long long>(utcUs()),
              static_cast<long long>((utcUs() - connectStartUs) / 1000));
  if ((err = avformat_write_header(p.out.get(), &muxOpts)) < 0) fail("write header", err);
  av_dict_free(&muxOpts);

  FramePtr videoFrame = allocVideoFrame();
  FramePtr audioFrame(av_frame_alloc());
  audioFrame->format = AV_SAMPLE_FMT_FLTP;
  audioFrame->sample_rate = kSampleRate;
  audioFrame->nb_samples = p.audio->frame_size;
  av_channel_layout_copy(&audioFrame->ch_layout, &p.audio->ch_layout);
  if ((err = av_frame_get_buffer(audioFrame.get(), 0)) < 0) fail("allocate audio frame", err);

  const int64_t totalFrames = int64_t{opt.seconds} * kFps;
  std::vector<int64_t> captureToSentUs;
  captureToSentUs.reserve(static_cast<size_t>(totalFrames));
  int64_t audioSamples = 0;
  int64_t lateFrames = 0;
  const auto start = std::chrono::steady_clock::now();
  int64_t i = 0;
  for (; i < totalFrames && !stopRequested.load(); ++i) {
    const auto due = start + std::chrono::microseconds(i * 1'000'000 / kFps);
    if (std::chrono::steady_clock::now() > due + std::chrono::milliseconds(10))
      ++lateFrames;
    else
      std::this_thread::sleep_until(due);

    // Audio up to this frame's time first, so the packets leave in capture order.
    const int64_t audioDue = av_rescale(i, kSampleRate, kFps);
    while (audioSamples < audioDue) {
      if ((err = av_frame_make_writable(audioFrame.get())) < 0) fail("audio frame", err);
      for (int s = 0; s < audioFrame->nb_samples; ++s) {
        const float v = static_cast<float>(
            0.1 * std::sin(2.0 * M_PI * kToneHz * static_cast<double>(audioSamples + s) / kSampleRate));
        for (int ch = 0; ch < audioFrame->ch_layout.nb_channels; ++ch)
          reinterpret_cast<float*>(audioFrame->data[ch])[s] = v;
      }
      audioFrame->pts = audioSamples;
      audioSamples += audioFrame->nb_samples;
      if ((err = avcodec_send_frame(p.audio.get(), audioFrame.get())) < 0) fail("encode audio", err);
      p.drain(p.audio.get(), p.audioStream);
    }

    if ((err = av_frame_make_writable(videoFrame.get())) < 0) fail("video frame", err);
    drawPicture(videoFrame.get(), i);
    const int64_t capturedUs = utcUs();  // the moment of capture: what the picture shows
    drawClock(videoFrame.get(), capturedUs / 1000);
    videoFrame->pts = i;
    if ((err = avcodec_send_frame(p.video.get(), videoFrame.get())) < 0) fail("encode video", err);
    if (p.drain(p.video.get(), p.videoStream) > 0) captureToSentUs.push_back(utcUs() - capturedUs);
  }

  avcodec_send_frame(p.video.get(), nullptr);
  p.drain(p.video.get(), p.videoStream);
  avcodec_send_frame(p.audio.get(), nullptr);
  p.drain(p.audio.get(), p.audioStream);
  av_write_trailer(p.out.get());
  std::printf("sent %lld video frames, %lld packets, %lld late; capture -> sent ms: p50 %.1f  p95 %.1f  max %.1f\n",
              static_cast<long long>(i), static_cast<long long>(p.packets), static_cast<long long>(lateFrames),
              static_cast<double>(percentile(captureToSentUs, 0.5)) / 1000.0,
              static_cast<double>(percentile(captureToSentUs, 0.95)) / 1000.0,
              static_cast<double>(percentile(captureToSentUs, 1.0)) / 1000.0);
  return 0;
}
