// The RTMP chunk stream reader on crafted bytes: every header form,
// extended timestamps, Set Chunk Size and Abort, long chunk stream ids,
// byte-at-a-time input, the writer's output read back, the limits, and
// FLV tags.
#include <QtTest>

#include <random>

#include "ingest/rtmp_chunk.h"

using namespace vigil::ingest::rtmp;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytesOf(std::initializer_list<int> b) {
  Bytes out;
  for (int v : b) out.push_back(static_cast<uint8_t>(v));
  return out;
}
Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Bytes filled(size_t n, uint8_t v) { return Bytes(n, v); }

// Feeds all at once, then again one byte at a time: the same messages.
std::deque<Message> parse(const Bytes& in, ChunkLimits limits = {}, bool* ok = nullptr) {
  std::deque<Message> whole, bytewise;
  ChunkReader a(limits), b(limits);
  const bool okA = a.feed(in, whole).isOk();
  bool okB = true;
  for (uint8_t c : in) okB = okB && b.feed(std::span<const uint8_t>(&c, 1), bytewise).isOk();
  if (okA != okB || whole.size() != bytewise.size()) qFatal("byte-at-a-time parse differs");
  for (size_t i = 0; i < whole.size(); ++i)
    if (whole[i].payload != bytewise[i].payload || whole[i].timestamp != bytewise[i].timestamp)
      qFatal("byte-at-a-time message %zu differs", i);
  if (ok) *ok = okA;
  return whole;
}

}  // namespace

class TstRtmpChunk : public QObject {
  Q_OBJECT

 private slots:
  void headerFormsAndTimestamps() {
    // csid 4: fmt 0 (ts 1000, 3 bytes, video, stream 1), fmt 1 (+40, 2 bytes,
    // audio), fmt 2 (+20), fmt 3 (+20 again).
    const Bytes in = bytesOf({0x04, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x03, 0x09, 0x01, 0, 0, 0}) + filled(3, 0xaa) +
                     bytesOf({0x44, 0x00, 0x00, 0x28, 0x00, 0x00, 0x02, 0x08}) + filled(2, 0xbb) +
                     bytesOf({0x84, 0x00, 0x00, 0x14}) + filled(2, 0xcc) + bytesOf({0xc4}) + filled(2, 0xdd);
    const auto m = parse(in);
    QCOMPARE(m.size(), size_t{4});
    QCOMPARE(m[0].timestamp, 1000u);
    QCOMPARE(m[0].type, uint8_t{9});
    QCOMPARE(m[0].streamId, 1u);
    QCOMPARE(m[0].payload, filled(3, 0xaa));
    QCOMPARE(m[1].timestamp, 1040u);
    QCOMPARE(m[1].type, uint8_t{8});
    QCOMPARE(m[1].streamId, 1u);
    QCOMPARE(m[2].timestamp, 1060u);
    QCOMPARE(m[2].payload, filled(2, 0xcc));
    QCOMPARE(m[3].timestamp, 1080u);
    QCOMPARE(m[3].payload, filled(2, 0xdd));
    // A fmt 3 message right after a fmt 0 one takes its timestamp as the delta.
    const auto n = parse(bytesOf({0x04, 0x00, 0x00, 0x28, 0x00, 0x00, 0x01, 0x08, 0, 0, 0, 0, 0x11, 0xc4, 0x22}));
    QCOMPARE(n.size(), size_t{2});
    QCOMPARE(n[1].timestamp, 80u);
  }

  void messagesSpanChunksAndInterleave() {
    // 300 bytes on csid 6 in chunks of 128, with a message on csid 4 between.
    Bytes in = bytesOf({0x06, 0, 0, 0, 0x00, 0x01, 0x2c, 0x09, 0, 0, 0, 0}) + filled(128, 1);
    in = in + bytesOf({0x04, 0, 0, 5, 0, 0, 1, 0x08, 0, 0, 0, 0, 0x77});
    in = in + bytesOf({0xc6}) + filled(128, 2) + bytesOf({0xc6}) + filled(44, 3);
    const auto m = parse(in);
    QCOMPARE(m.size(), size_t{2});
    QCOMPARE(m[0].chunkStreamId, 4u);
    QCOMPARE(m[1].chunkStreamId, 6u);
    QCOMPARE(m[1].payload.size(), size_t{300});
    QCOMPARE(m[1].payload[127], uint8_t{1});
    QCOMPARE(m[1].payload[128], uint8_t{2});
    QCOMPARE(m[1].payload[299], uint8_t{3});
  }

  void emptyMessages() {
    const auto m = parse(
        bytesOf({0x04, 0, 0, 10, 0, 0, 0, 0x08, 1, 0, 0, 0, 0xc4, 0x04, 0, 0, 30, 0, 0, 1, 0x09, 1, 0, 0, 0, 0x42}));
    QCOMPARE(m.size(), size_t{3});
    QVERIFY(m[0].payload.empty() && m[1].payload.empty());
    QCOMPARE(m[1].timestamp, 20u);
    QCOMPARE(m[2].payload, bytesOf({0x42}));
    bool ok = true;
    parse(bytesOf({0x02, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0}), {}, &ok);
    QVERIFY(!ok);  // an empty Set Chunk Size
  }

  void extendedTimestamps() {
    // fmt 0 with 0xffffff and the 32-bit time after the header; the
    // continuation chunk (fmt 3) repeats it.
    Bytes in = bytesOf({0x06, 0xff, 0xff, 0xff, 0x00, 0x00, 0xc8, 0x09, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78}) +
               filled(128, 1) + bytesOf({0xc6, 0x12, 0x34, 0x56, 0x78}) + filled(72, 2);
    const auto m = parse(in);
    QCOMPARE(m.size(), size_t{1});
    QCOMPARE(m[0].timestamp, 0x12345678u);
    QCOMPARE(m[0].payload.size(), size_t{200});
    QCOMPARE(m[0].payload[199], uint8_t{2});
  }

  void longChunkStreamIds() {
    // csid 64 + 10 (2-byte form) and 64 + 0x0102 (3-byte form).
    const Bytes in = bytesOf({0x00, 10, 0, 0, 0, 0, 0, 1, 0x08, 0, 0, 0, 0, 0x55}) +
                     bytesOf({0x01, 0x02, 0x01, 0, 0, 0, 0, 0, 1, 0x08, 0, 0, 0, 0, 0x66});
    const auto m = parse(in);
    QCOMPARE(m.size(), size_t{2});
    QCOMPARE(m[0].chunkStreamId, 74u);
    QCOMPARE(m[1].chunkStreamId, 64u + 0x0102u);
  }

  void setChunkSizeAndAbort() {
    // Set Chunk Size 4096 on csid 2, then a 1000-byte message in one chunk.
    Bytes in = bytesOf({0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x10, 0x00});
    in = in + bytesOf({0x04, 0, 0, 0, 0x00, 0x03, 0xe8, 0x09, 0, 0, 0, 0}) + filled(1000, 7);
    auto m = parse(in);
    QCOMPARE(m.size(), size_t{2});
    QCOMPARE(m[0].type, uint8_t{kSetChunkSize});
    QCOMPARE(m[1].payload.size(), size_t{1000});
    // Abort csid 6 halfway through a message; the next one on csid 6 stands alone.
    Bytes ab = bytesOf({0x06, 0, 0, 0, 0x00, 0x01, 0x2c, 0x09, 0, 0, 0, 0}) + filled(128, 1);
    ab = ab + bytesOf({0x02, 0, 0, 0, 0, 0, 4, 0x02, 0, 0, 0, 0, 0, 0, 0, 6});
    ab = ab + bytesOf({0x06, 0, 0, 0, 0, 0, 2, 0x09, 0, 0, 0, 0, 0x31, 0x32});
    m = parse(ab);
    QCOMPARE(m.size(), size_t{2});
    QCOMPARE(m[0].type, uint8_t{kAbort});
    QCOMPARE(m[1].payload, bytesOf({0x31, 0x32}));
  }

  void limitsAndMalformedInputAreErrors() {
    auto fails = [](const Bytes& in, ChunkLimits limits = {}) {
      bool ok = true;
      parse(in, limits, &ok);
      return !ok;
    };
    QVERIFY(fails(bytesOf({0xc4, 0x00})));                                            // fmt 3 first
    QVERIFY(fails(bytesOf({0x44, 0, 0, 0, 0, 0, 1, 8, 0})));                          // fmt 1 first
    QVERIFY(fails(bytesOf({0x04, 0, 0, 0, 0xff, 0xff, 0xff, 9, 0, 0, 0, 0})));        // over 8 MiB
    QVERIFY(fails(bytesOf({0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x80, 0, 0, 0})));  // chunk size, high bit
    QVERIFY(fails(bytesOf({0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0})));     // chunk size 0
    QVERIFY(fails(bytesOf({0x02, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 1})));           // short control
    // A new header in the middle of a message.
    QVERIFY(fails(bytesOf({0x04, 0, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0}) + filled(128, 0) +
                  bytesOf({0x04, 0, 0, 0, 0, 0, 1, 9, 0, 0, 0, 0, 0})));
    // Too many chunk streams.
    Bytes many;
    for (int i = 0; i < 10; ++i) many = many + bytesOf({0x03 + i, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0});
    ChunkLimits few;
    few.maxChunkStreams = 5;
    QVERIFY(fails(many, few));
    QVERIFY(!fails(many));
    // Too many bytes held in partial messages.
    ChunkLimits tight;
    tight.maxPendingBytes = 200;
    Bytes partials = bytesOf({0x04, 0, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0}) + filled(128, 0) +
                     bytesOf({0x05, 0, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0}) + filled(128, 0);
    QVERIFY(fails(partials, tight));
  }

  void writerOutputReadsBack() {
    ChunkWriter w;
    Bytes out;
    Bytes big(10000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i);
    w.write(3, kCommandAmf0, 0, 0, Bytes{1, 2, 3}, out);
    w.write(5, kVideo, 1, 0x1234567, big, out);  // extended timestamp, many chunks
    w.write(400, kAudio, 1, 7, Bytes{9}, out);   // 3-byte basic header
    const auto m = parse(out);
    QCOMPARE(m.size(), size_t{3});
    QCOMPARE(m[0].payload, (Bytes{1, 2, 3}));
    QCOMPARE(m[1].payload, big);
    QCOMPARE(m[1].timestamp, 0x1234567u);
    QCOMPARE(m[1].streamId, 1u);
    QCOMPARE(m[2].chunkStreamId, 400u);
    // With a larger chunk size on both sides.
    ChunkWriter w2;
    w2.setChunkSize(4096);
    Bytes setSize;
    w.write(2, kSetChunkSize, 0, 0, Bytes{0, 0, 0x10, 0}, setSize);
    Bytes out2;
    w2.write(5, kVideo, 1, 0, big, out2);
    const auto m2 = parse(setSize + out2);
    QCOMPARE(m2.size(), size_t{2});
    QCOMPARE(m2[1].payload, big);
  }

  void randomInputIsHarmless() {
    std::mt19937 rng(3);
    int messages = 0;
    for (int i = 0; i < 3000; ++i) {
      Bytes b(rng() % 400);
      for (auto& c : b) c = static_cast<uint8_t>(rng());
      std::deque<Message> out;
      ChunkReader r;
      (void)r.feed(b, out);
      messages += static_cast<int>(out.size());
    }
    qInfo("%d messages from random input", messages);
  }

  void flvTags() {
    Bytes out;
    appendFlvHeader(out);
    QCOMPARE(out.size(), size_t{13});
    QCOMPARE(out[0], uint8_t{'F'});
    QCOMPARE(out[8], uint8_t{9});
    appendFlvTag(kVideo, 0x01020304, Bytes{0xaa, 0xbb}, out);
    const Bytes tag(out.begin() + 13, out.end());
    QCOMPARE(tag, bytesOf({9, 0, 0, 2, 0x02, 0x03, 0x04, 0x01, 0, 0, 0, 0xaa, 0xbb, 0, 0, 0, 13}));
  }
};

QTEST_GUILESS_MAIN(TstRtmpChunk)
#include "tst_rtmp_chunk.moc"
