// A pipeline's decode of its own output: what it counts on each segment's last
// part for pictures that move, are black or stand still, for sound and
// silence, and for a packet the decoder cannot use.
#include <QtTest>

#include <cmath>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
}

#include "collecting_sink.h"
#include "core/channel_spec.h"
#include "ingest/av_handles.h"
#include "pipeline/output_check.h"
#include "pipeline/pipeline.h"

using namespace vigil;

namespace {

constexpr int kWidth = 320, kHeight = 180, kFps = 30;
constexpr int64_t kSegment90k = 180000;  // 2 s: 60 frames

enum class Picture { Moving, Black, Still };

// Frame i of a picture: a luma ramp that moves 16 px a frame, black, or the ramp standing still.
av::FramePtr picture(Picture kind, int i) {
  av::FramePtr f = av::allocFrame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = kWidth;
  f->height = kHeight;
  if (av_frame_get_buffer(f.get(), 0) < 0) return nullptr;
  const int shift = kind == Picture::Moving ? 16 * i : 0;
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      f->data[0][y * f->linesize[0] + x] = kind == Picture::Black ? 16 : static_cast<uint8_t>(60 + (x + shift) % 128);
  for (int p = 1; p <= 2; ++p)
    for (int y = 0; y < kHeight / 2; ++y) memset(f->data[p] + y * f->linesize[p], 128, kWidth / 2);
  f->pts = int64_t{i} * 90000 / kFps;
  return f;
}

// AAC frame n (1024 samples at 48 kHz, stereo fltp): a 1 kHz tone or silence.
av::FramePtr sound(bool tone, int n) {
  av::FramePtr f = av::allocFrame();
  f->format = AV_SAMPLE_FMT_FLTP;
  f->sample_rate = 48000;
  f->nb_samples = 1024;
  av_channel_layout_default(&f->ch_layout, 2);
  if (av_frame_get_buffer(f.get(), 0) < 0) return nullptr;
  for (int c = 0; c < 2; ++c) {
    auto* s = reinterpret_cast<float*>(f->data[c]);
    for (int k = 0; k < 1024; ++k) s[k] = tone ? 0.5f * std::sin(2 * M_PI * 1000 * (n * 1024 + k) / 48000.0) : 0.0f;
  }
  f->pts = int64_t{n} * 1024 * 90000 / 48000;
  return f;
}

const OutputCheck* lastOf(const std::vector<CmafPart>& parts, int64_t segment) {
  for (const auto& p : parts)
    if (p.segmentNumber == segment && p.lastInSegment) return &p.check;
  return nullptr;
}

}  // namespace

class TstOutputCheck : public QObject {
  Q_OBJECT
 private slots:
  // Segment 0 moves with a tone, segment 1 is black and silent, segment 2
  // stands still with a tone: each segment's last part says so.
  void countsWhatTheOutputShows() {
    ChannelSpec spec;
    spec.id = "oc";
    spec.source.realtime = false;
    spec.source.width = kWidth;
    spec.source.height = kHeight;
    VideoRenditionSpec v;
    v.id = "v0";
    v.width = kWidth;
    v.height = kHeight;
    v.bitrateBps = 300000;
    spec.video = {v};
    Timeline timeline(kSegment90k, 18000);
    timeline.begin(1714564800LL * 1000000);
    testing::CollectingPartSink sink;
    pipeline::Pipeline pipe("oc", spec, timeline, &sink);
    QVERIFY(pipe.start().isOk());
    const Picture kinds[3] = {Picture::Moving, Picture::Black, Picture::Still};
    int audio = 0;
    for (int i = 0; i < 3 * 60; ++i) {
      const int segment = i / 60;
      auto f = picture(kinds[segment], i);
      QVERIFY(f);
      pipe.onVideoFrame(f.get());
      // Audio up to the same time.
      while (int64_t{audio} * 1024 * kFps < int64_t{i + 1} * 48000) {
        const bool tone = int64_t{audio} * 1024 * 90000 / 48000 / kSegment90k != 1;
        auto a = sound(tone, audio++);
        QVERIFY(a);
        pipe.onAudioFrame(a.get());
      }
    }
    pipe.stop();
    const auto parts = sink.parts();
    for (int64_t s = 0; s < 3; ++s) {
      const OutputCheck* c = lastOf(parts.at("v0"), s);
      QVERIFY(c && c->checked);
      qInfo("v0 segment %lld: %d frames, %d errors, %d black, %d frozen", static_cast<long long>(s), c->frames,
            c->decodeErrors, c->black, c->frozen);
      QCOMPARE(c->frames, 60);
      QCOMPARE(c->decodeErrors, 0);
      QCOMPARE(c->dropped, 0);
      QCOMPARE(c->black, s == 1 ? 60 : 0);
      // The first black picture differs from the moving one before it; the first still one from the black.
      if (s == 0) QCOMPARE(c->frozen, 0);
      if (s >= 1) QVERIFY2(c->frozen >= 58, qPrintable(QString::number(c->frozen)));
      const OutputCheck* a = lastOf(parts.at("a0"), s);
      QVERIFY(a && a->checked);
      qInfo("a0 segment %lld: %d frames, %d silent", static_cast<long long>(s), a->frames, a->silent);
      QVERIFY(a->frames >= 90 && a->frames <= 95);
      QCOMPARE(a->decodeErrors, 0);
      if (s == 1)
        QVERIFY2(a->silent >= a->frames - 2, qPrintable(QString::number(a->silent)));  // the codec's tail fades out
      else if (s == 0)
        QCOMPARE(a->silent, 0);
    }
  }

  // A packet the decoder cannot make a picture of is a decode error.
  void aBrokenPacketIsADecodeError() {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    QVERIFY(codec);
    av::CodecContextPtr enc(avcodec_alloc_context3(codec));
    enc->width = kWidth;
    enc->height = kHeight;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->time_base = AVRational{1, 90000};
    enc->framerate = AVRational{kFps, 1};
    enc->max_b_frames = 0;
    enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(enc->priv_data, "preset", "superfast", 0);
    av_opt_set(enc->priv_data, "tune", "zerolatency", 0);  // as the pipeline's: a packet per frame at once
    QVERIFY(avcodec_open2(enc.get(), codec, nullptr) >= 0);
    Timeline timeline(kSegment90k, 18000);
    timeline.begin(1714564800LL * 1000000);
    auto check = pipeline::OutputCheck::open(enc.get(), timeline);
    QVERIFY2(check, check.message().c_str());
    av::PacketPtr pkt = av::allocPacket();
    int packets = 0;
    for (int i = 0; i < 10; ++i) {
      auto f = picture(Picture::Moving, i);
      QVERIFY(avcodec_send_frame(enc.get(), f.get()) >= 0);
      while (avcodec_receive_packet(enc.get(), pkt.get()) >= 0) {
        if (++packets == 5) {
          // Keep the start code and the NAL header; the slice data becomes noise.
          for (int k = 6; k < pkt->size; ++k) pkt->data[k] = static_cast<uint8_t>(k * 37 + 11);
        }
        (*check)->check(pkt.get());
        av_packet_unref(pkt.get());
      }
    }
    QVERIFY(packets >= 4);
    const auto c = (*check)->take(0);
    qInfo("%d packets: %d pictures, %d decode errors", packets, c.frames, c.decodeErrors);
    QVERIFY(c.decodeErrors >= 1);
  }
};

QTEST_GUILESS_MAIN(TstOutputCheck)
#include "tst_output_check.moc"
