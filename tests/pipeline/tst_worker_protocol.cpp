// The engine <-> worker wire: round trips over a real socketpair, and the
// refusals (a stray peer, a lying header, a peer that dies mid-message, bad
// frame meta) that must be errors, never a crash (this suite also runs under
// ASan + UBSan).
#include <QtTest>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libavutil/samplefmt.h>
}

#include "ingest/av_handles.h"
#include "pipeline/worker_protocol.h"

using namespace vigil;
namespace wire = vigil::pipeline::wire;
using nlohmann::json;

namespace {

constexpr size_t kHeader = 20;  // magic, type, version, meta size, payload size

// A connected stream socketpair, closed on scope exit.
struct Pair {
  Pair() { QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0); }
  ~Pair() {
    closeWriter();
    if (fd[1] >= 0) ::close(fd[1]);
  }
  void closeWriter() {
    if (fd[0] >= 0) ::close(fd[0]);
    fd[0] = -1;
  }
  int fd[2] = {-1, -1};
};

// Sends bytes from another thread (a message can exceed the socket buffer), then
// optionally closes the sending end, and reads one message on this thread.
Result<wire::Message> transfer(const std::string& bytes, bool closeAfter = false) {
  Pair pair;
  std::thread writer([&] {
    (void)wire::sendAll(pair.fd[0], bytes);
    if (closeAfter) pair.closeWriter();
  });
  wire::Reader reader(pair.fd[1]);
  auto m = reader.next();
  ::shutdown(pair.fd[1], SHUT_RDWR);  // a writer still sending after a refusal gets an error, not a hang
  writer.join();
  return m;
}

av::FramePtr videoFrame(int w, int h, int align, int64_t pts) {
  av::FramePtr f = av::allocFrame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = w;
  f->height = h;
  f->pts = pts;
  if (av_frame_get_buffer(f.get(), align) < 0) return nullptr;
  for (int i = 0; i < 3; ++i) {
    const int rows = i == 0 ? h : (h + 1) / 2;
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < f->linesize[i]; ++x) f->data[i][y * f->linesize[i] + x] = uint8_t(i * 71 + y * 13 + x * 7);
  }
  return f;
}

av::FramePtr audioFrame(AVSampleFormat fmt, int channels, int samples, int64_t pts) {
  av::FramePtr f = av::allocFrame();
  f->format = fmt;
  f->nb_samples = samples;
  f->sample_rate = 48000;
  f->pts = pts;
  av_channel_layout_default(&f->ch_layout, channels);
  if (av_frame_get_buffer(f.get(), 0) < 0) return nullptr;
  const int planes = av_sample_fmt_is_planar(fmt) ? channels : 1;
  const int bytes = av_samples_get_buffer_size(nullptr, planes == 1 ? channels : 1, samples, fmt, 1);
  for (int p = 0; p < planes; ++p)
    for (int b = 0; b < bytes; ++b) f->extended_data[p][b] = uint8_t(p * 31 + b * 3);
  return f;
}

// The visible pixels of every plane are equal (padding is not part of the picture).
void verifySamePicture(const AVFrame* a, const AVFrame* b) {
  QCOMPARE(b->format, a->format);
  QCOMPARE(b->width, a->width);
  QCOMPARE(b->height, a->height);
  QCOMPARE(b->pts, a->pts);
  for (int i = 0; i < 3; ++i) {
    const int rows = i == 0 ? a->height : (a->height + 1) / 2;
    const int cols = i == 0 ? a->width : (a->width + 1) / 2;
    for (int y = 0; y < rows; ++y)
      QVERIFY2(std::memcmp(a->data[i] + y * a->linesize[i], b->data[i] + y * b->linesize[i], cols) == 0,
               qPrintable(QString("plane %1 row %2 differs").arg(i).arg(y)));
  }
}

// A header with chosen fields, followed by nothing.
std::string header(uint32_t magic, uint16_t type, uint16_t version, uint32_t meta, uint64_t payload) {
  std::string h(kHeader, '\0');
  std::memcpy(h.data(), &magic, 4);
  std::memcpy(h.data() + 4, &type, 2);
  std::memcpy(h.data() + 6, &version, 2);
  std::memcpy(h.data() + 8, &meta, 4);
  std::memcpy(h.data() + 12, &payload, 8);
  return h;
}

wire::Message frameMessage(wire::Type type, json meta, std::string payload) {
  return {type, meta.dump(), std::move(payload)};
}

}  // namespace

class TstWorkerProtocol : public QObject {
  Q_OBJECT
 private slots:
  void videoRoundTrip_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("align");
    QTest::newRow("odd size, padded lines") << 33 << 17 << 64;
    QTest::newRow("odd size, tight lines") << 33 << 17 << 1;
    QTest::newRow("640x360, padded lines") << 640 << 360 << 32;
    QTest::newRow("1x1") << 1 << 1 << 1;
  }
  void videoRoundTrip() {
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, align);
    av::FramePtr in = videoFrame(width, height, align, 123456789);
    QVERIFY(in);
    if (align == 64) QVERIFY(in->linesize[0] > width);  // the padding is really there
    auto m = transfer(wire::encodeFrame(wire::Type::Video, in.get()));
    QVERIFY2(m.isOk(), m.message().c_str());
    QCOMPARE(m->type, wire::Type::Video);
    auto out = wire::decodeFrame(*m);
    QVERIFY2(out.isOk(), out.message().c_str());
    verifySamePicture(in.get(), out->get());
  }

  void audioRoundTrip_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("samples");
    QTest::newRow("fltp stereo 1024") << int(AV_SAMPLE_FMT_FLTP) << 2 << 1024;
    QTest::newRow("s16 packed stereo 1024") << int(AV_SAMPLE_FMT_S16) << 2 << 1024;
    QTest::newRow("flt packed 6 ch 960") << int(AV_SAMPLE_FMT_FLT) << 6 << 960;
    QTest::newRow("s32p mono 1") << int(AV_SAMPLE_FMT_S32P) << 1 << 1;
  }
  void audioRoundTrip() {
    QFETCH(int, format);
    QFETCH(int, channels);
    QFETCH(int, samples);
    const auto fmt = static_cast<AVSampleFormat>(format);
    av::FramePtr in = audioFrame(fmt, channels, samples, -1920);
    QVERIFY(in);
    auto m = transfer(wire::encodeFrame(wire::Type::Audio, in.get()));
    QVERIFY2(m.isOk(), m.message().c_str());
    QCOMPARE(m->type, wire::Type::Audio);
    auto out = wire::decodeFrame(*m);
    QVERIFY2(out.isOk(), out.message().c_str());
    const AVFrame* o = out->get();
    QCOMPARE(o->format, format);
    QCOMPARE(o->nb_samples, samples);
    QCOMPARE(o->sample_rate, 48000);
    QCOMPARE(o->ch_layout.nb_channels, channels);
    QCOMPARE(o->pts, int64_t{-1920});
    const int planes = av_sample_fmt_is_planar(fmt) ? channels : 1;
    const int bytes = av_samples_get_buffer_size(nullptr, planes == 1 ? channels : 1, samples, fmt, 1);
    for (int p = 0; p < planes; ++p)
      QVERIFY2(std::memcmp(in->extended_data[p], o->extended_data[p], bytes) == 0, qPrintable(QString::number(p)));
  }

  void initAndPartRoundTrip() {
    RenditionInfo r;
    r.id = "v1";
    r.codecs = "avc1.4d401e";
    r.bitrateBps = 450000;
    r.peakBitrateBps = 495000;
    r.width = 480;
    r.height = 270;
    r.frameRate = 29.97;
    r.language = "de";
    std::string bytes("ftyp\0\0moov\xff\x01", 12);
    auto m = transfer(wire::encodeInit(CmafInit{r, makeBytes(bytes)}));
    QVERIFY2(m.isOk(), m.message().c_str());
    QCOMPARE(m->type, wire::Type::Init);
    auto init = wire::decodeInit(*m);
    QVERIFY2(init.isOk(), init.message().c_str());
    QCOMPARE(init->rendition.id, r.id);
    QCOMPARE(init->rendition.kind, TrackKind::Video);
    QCOMPARE(init->rendition.codecs, r.codecs);
    QCOMPARE(init->rendition.bitrateBps, r.bitrateBps);
    QCOMPARE(init->rendition.peakBitrateBps, r.peakBitrateBps);
    QCOMPARE(init->rendition.width, 480);
    QCOMPARE(init->rendition.height, 270);
    QCOMPARE(init->rendition.frameRate, 29.97);
    QCOMPARE(init->rendition.language, std::string("de"));
    QCOMPARE(*init->bytes, bytes);

    CmafPart p;
    p.renditionId = "a0";
    p.segmentNumber = 1234567890123;
    p.partIndex = 9;
    p.startTime90k = p.segmentNumber * 180000 + 9 * 18000 + 960;
    p.duration90k = 17280;
    p.independent = true;
    p.lastInSegment = true;
    p.bytes = makeBytes(std::string(300000, '\0') + "mdat");  // larger than the socket buffer
    m = transfer(wire::encodePart(p));
    QVERIFY2(m.isOk(), m.message().c_str());
    auto part = wire::decodePart(*m);
    QVERIFY2(part.isOk(), part.message().c_str());
    QCOMPARE(part->renditionId, p.renditionId);
    QCOMPARE(part->segmentNumber, p.segmentNumber);
    QCOMPARE(part->partIndex, p.partIndex);
    QCOMPARE(part->startTime90k, p.startTime90k);
    QCOMPARE(part->duration90k, p.duration90k);
    QVERIFY(part->independent && part->lastInSegment);
    QVERIFY(*part->bytes == *p.bytes);
  }

  void messagesInARowThenEof() {
    Pair pair;
    const std::string bytes = wire::encode(wire::Type::Stats, {{"n", 1}}) +
                              wire::encode(wire::Type::Error, {{"message", "x"}}, "payload") +
                              wire::encode(wire::Type::EndOfStream, json::object());
    QVERIFY(wire::sendAll(pair.fd[0], bytes).isOk());
    pair.closeWriter();
    wire::Reader reader(pair.fd[1]);
    auto a = reader.next();
    auto b = reader.next();
    auto c = reader.next();
    QVERIFY(a.isOk() && b.isOk() && c.isOk());
    QCOMPARE(a->type, wire::Type::Stats);
    QCOMPARE(json::parse(a->meta)["n"].get<int>(), 1);
    QCOMPARE(b->type, wire::Type::Error);
    QCOMPARE(b->payload, std::string("payload"));
    QCOMPARE(c->type, wire::Type::EndOfStream);
    auto end = reader.next();
    QVERIFY(wire::isEof(end.status()));  // an orderly close between messages
  }

  void timelineRoundTrip() {
    Timeline t(192000, 19200);
    t.resume({TimelinePeriod{0, 0, 1714564800000000}, TimelinePeriod{1, 57, 1714568000000000}}, 99, 1714570000000000);
    const json j =
        json::parse(wire::encode(wire::Type::Hello, {{"timeline", wire::timelineToJson(t)}}).substr(kHeader));
    auto back = wire::timelineFromJson(j["timeline"]);
    QVERIFY2(back.isOk(), back.message().c_str());
    QCOMPARE(back->segmentDuration90k(), int64_t{192000});
    QCOMPARE(back->partDuration90k(), int64_t{19200});
    QCOMPARE(back->periods().size(), t.periods().size());
    for (size_t i = 0; i < t.periods().size(); ++i) {
      QCOMPARE(back->periods()[i].discontinuitySequence, t.periods()[i].discontinuitySequence);
      QCOMPARE(back->periods()[i].firstSegment, t.periods()[i].firstSegment);
      QCOMPARE(back->periods()[i].startUtcUs, t.periods()[i].startUtcUs);
    }
    QCOMPARE(back->utcUsAt(back->segmentStart90k(105)), t.utcUsAt(t.segmentStart90k(105)));
    // Refused: durations that cannot be a timeline, no period, missing keys.
    const json periods = json::array({{{"seq", 0}, {"first", 0}, {"utc", 1}}});
    for (const json& bad : {json{{"segment", 180000}, {"part", 17000}, {"periods", periods}},
                            json{{"segment", 180000}, {"part", 0}, {"periods", periods}},
                            json{{"segment", -180000}, {"part", -18000}, {"periods", periods}},
                            json{{"segment", 180000}, {"part", 18000}, {"periods", json::array()}},
                            json{{"segment", 180000}, {"periods", periods}}, json{{"segment", "2s"}}, json(42)})
      QVERIFY2(!wire::timelineFromJson(bad).isOk(), bad.dump().c_str());
  }

  void refusesAStrayPeer() {
    const std::string good = wire::encode(wire::Type::Stats, json::object());
    std::string badMagic = good;
    badMagic[0] ^= 0x55;
    auto m = transfer(badMagic);
    QVERIFY(!m.isOk() && !wire::isEof(m.status()));
    QVERIFY2(m.message().find("magic") != std::string::npos, m.message().c_str());
    std::string badVersion = good;
    badVersion[6] = 2;
    m = transfer(badVersion);
    QVERIFY(!m.isOk() && !wire::isEof(m.status()));
    QVERIFY2(m.message().find("version") != std::string::npos, m.message().c_str());
  }

  void refusesOversizedMessagesBeforeReadingThem() {
    const uint32_t magic = 0x56475731;
    // Only the header is sent: a size check after reading would block forever.
    for (const auto& [meta, payload] : {std::pair<uint32_t, uint64_t>{(1u << 20) + 1, 0},
                                        {0, (uint64_t{256} << 20) + 1},
                                        {0xffffffffu, ~uint64_t{0}}}) {
      Pair pair;
      QVERIFY(wire::sendAll(pair.fd[0], header(magic, 103, 1, meta, payload)).isOk());
      wire::Reader reader(pair.fd[1]);
      auto m = reader.next();
      QVERIFY(!m.isOk());
      QVERIFY2(m.message().find("oversized") != std::string::npos, m.message().c_str());
    }
  }

  void truncatedMessageIsAnErrorNotEof() {
    const std::string full = wire::encode(wire::Type::Part, {{"r", "v0"}}, std::string(5000, 'x'));
    const size_t metaEnd = full.size() - 5000;
    // Inside the header, inside the meta, at the meta's end, inside the payload, one byte short.
    for (size_t cut : {size_t{1}, kHeader - 1, kHeader, kHeader + 3, metaEnd, metaEnd + 2500, full.size() - 1}) {
      auto m = transfer(full.substr(0, cut), true);
      QVERIFY2(!m.isOk(), qPrintable(QString::number(cut)));
      QVERIFY2(!wire::isEof(m.status()), qPrintable(QString("cut at %1: eof").arg(cut)));
    }
    auto whole = transfer(full, true);
    QVERIFY(whole.isOk());
    QCOMPARE(whole->payload.size(), size_t{5000});
  }

  void readTimeoutAsksTheCaller() {
    Pair pair;
    timeval tv{0, 20'000};
    QVERIFY(::setsockopt(pair.fd[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    int calls = 0;
    wire::Reader reader(pair.fd[1], [&] { return ++calls < 3; });
    auto m = reader.next();
    QVERIFY(!m.isOk());
    QCOMPARE(m.message(), std::string("timeout"));
    QCOMPARE(calls, 3);
  }

  void badVideoMetaIsRefused() {
    av::FramePtr f = videoFrame(33, 17, 64, 0);
    QVERIFY(f);
    const auto good = wire::encodeFrame(wire::Type::Video, f.get());
    const size_t planesSize = size_t(f->linesize[0]) * 17 + size_t(f->linesize[1] + f->linesize[2]) * 9;
    const json meta = json::parse(good.substr(kHeader, good.size() - kHeader - planesSize));
    const std::string planes = good.substr(good.size() - planesSize);
    QVERIFY(wire::decodeFrame(frameMessage(wire::Type::Video, meta, planes)).isOk());  // the baseline decodes
    auto with = [&](const char* key, json value) {
      json m = meta;
      m[key] = std::move(value);
      return m;
    };
    const std::vector<std::pair<json, std::string>> bad = {
        {with("width", -33), planes},
        {with("height", 0), planes},
        {with("width", 1 << 20), planes},
        {with("format", -1), planes},
        {with("format", 100000), planes},
        {with("format", int(AV_PIX_FMT_VAAPI)), planes},  // a hardware format has no planes here
        {with("linesize", json::array({-64, 64, 64})), planes},
        {with("linesize", json::array({64, 64, 64, 64, 64, 64, 64, 64, 64})), planes},
        {with("linesize", json::array({2147483647, 64, 64})), planes},
        {with("linesize", "wide"), planes},
        {with("pts", "soon"), planes},
        {meta, planes.substr(0, planes.size() - 1)},  // payload shorter than the planes
        {meta, std::string()},
        {json::array(), planes},
        {json::object(), planes},
    };
    for (const auto& [m, payload] : bad) {
      auto r = wire::decodeFrame(frameMessage(wire::Type::Video, m, payload));
      QVERIFY2(!r.isOk(), m.dump().c_str());
    }
    auto notJson = wire::decodeFrame({wire::Type::Video, "{\"pts\":", planes});
    QVERIFY(!notJson.isOk());
  }

  void badAudioMetaIsRefused() {
    av::FramePtr f = audioFrame(AV_SAMPLE_FMT_FLTP, 2, 1024, 0);
    QVERIFY(f);
    const auto good = wire::encodeFrame(wire::Type::Audio, f.get());
    const size_t payloadSize = 2 * 1024 * 4;
    const json meta = json::parse(good.substr(kHeader, good.size() - kHeader - payloadSize));
    const std::string samples = good.substr(good.size() - payloadSize);
    QVERIFY(wire::decodeFrame(frameMessage(wire::Type::Audio, meta, samples)).isOk());
    auto with = [&](const char* key, json value) {
      json m = meta;
      m[key] = std::move(value);
      return m;
    };
    const std::vector<std::pair<json, std::string>> bad = {
        {with("samples", -1024), samples}, {with("samples", 0), samples},  {with("samples", 1 << 30), samples},
        {with("channels", -2), samples},   {with("channels", 0), samples}, {with("channels", 1000), samples},
        {with("rate", -48000), samples},   {with("format", -1), samples},  {with("format", 9999), samples},
        {with("samples", 2048), samples},  // payload too short
        {meta, samples.substr(1)},         {meta, samples + "x"},          {with("rate", nullptr), samples},
        {json::object(), samples},
    };
    for (const auto& [m, payload] : bad) {
      auto r = wire::decodeFrame(frameMessage(wire::Type::Audio, m, payload));
      QVERIFY2(!r.isOk(), m.dump().c_str());
    }
  }

  void badInitAndPartMetaIsRefused() {
    for (const std::string& meta :
         {std::string("not json"), std::string("[]"), std::string("{}"),
          std::string(R"({"r":"v0","seg":"one","part":0,"start":0,"dur":1,"ind":true,"last":false})")}) {
      QVERIFY2(!wire::decodePart({wire::Type::Part, meta, "x"}).isOk(), meta.c_str());
      QVERIFY2(!wire::decodeInit({wire::Type::Init, meta, "x"}).isOk(), meta.c_str());
    }
  }
};

QTEST_GUILESS_MAIN(TstWorkerProtocol)
#include "tst_worker_protocol.moc"
