// The input-health measurements on crafted input: MPEG-TS continuity
// counting by the spec's rules, the byte-rate window and the frame rate.
#include <QtTest>

#include <vector>

#include "ingest/input_health.h"

using namespace vigil::ingest;

namespace {

enum Afc { PayloadOnly = 1, AdaptationOnly = 2, Both = 3 };

// One 188-byte TS packet of pid with counter cc.
std::vector<uint8_t> packet(int pid, int cc, Afc afc = PayloadOnly, bool discontinuity = false, bool tei = false) {
  std::vector<uint8_t> p(188, 0xff);
  p[0] = 0x47;
  p[1] = static_cast<uint8_t>((tei ? 0x80 : 0) | ((pid >> 8) & 0x1f));
  p[2] = static_cast<uint8_t>(pid & 0xff);
  p[3] = static_cast<uint8_t>((afc << 4) | (cc & 0x0f));
  if (afc & 2) {
    p[4] = 1;  // adaptation_field_length
    p[5] = discontinuity ? 0x80 : 0x00;
  }
  return p;
}

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> packets) {
  std::vector<uint8_t> out;
  for (const auto& p : packets) out.insert(out.end(), p.begin(), p.end());
  return out;
}

int64_t errorsOf(std::initializer_list<std::vector<uint8_t>> packets) {
  TsContinuityCounter c;
  const auto bytes = concat(packets);
  c.scan(bytes.data(), bytes.size());
  return c.errors();
}

}  // namespace

class TstInputHealth : public QObject {
  Q_OBJECT

 private slots:
  void continuityInOrderAndWrapping() {
    TsContinuityCounter c;
    for (int i = 0; i < 40; ++i) {
      const auto a = concat({packet(0x100, i), packet(0x101, i + 5)});
      c.scan(a.data(), a.size());
    }
    QCOMPARE(c.errors(), int64_t{0});
  }

  void continuityErrors() {
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 5)}), int64_t{1});                    // one lost
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 2)}), int64_t{1});                    // back
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 5), packet(0x100, 6)}), int64_t{1});  // resyncs
    // Each PID has its own counter.
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x200, 9), packet(0x100, 4), packet(0x200, 11)}), int64_t{1});
  }

  void duplicatesAndPacketsWithoutPayload() {
    // One duplicate is allowed; a third copy is an error.
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 3), packet(0x100, 4)}), int64_t{0});
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 3), packet(0x100, 3)}), int64_t{1});
    // Adaptation-only packets do not advance the counter (whatever they carry).
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 3, AdaptationOnly), packet(0x100, 4)}), int64_t{0});
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 9, AdaptationOnly), packet(0x100, 4)}), int64_t{0});
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 4, Both), packet(0x100, 5)}), int64_t{0});
    // The discontinuity indicator and null packets.
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 12, Both, true), packet(0x100, 13)}), int64_t{0});
    QCOMPARE(errorsOf({packet(0x1fff, 3), packet(0x1fff, 3), packet(0x1fff, 3), packet(0x1fff, 0)}), int64_t{0});
    // A packet with the transport error indicator is not trusted, and the PID starts over.
    QCOMPARE(errorsOf({packet(0x100, 3), packet(0x100, 9, PayloadOnly, false, true), packet(0x100, 7)}), int64_t{0});
  }

  void payloadsThatAreNotWholePacketsAreSkipped() {
    TsContinuityCounter c;
    auto a = concat({packet(0x100, 0), packet(0x100, 1)});
    c.scan(a.data(), a.size() - 1);  // not 188-aligned
    auto b = concat({packet(0x100, 7), packet(0x100, 9)});
    b[188] = 0x00;  // second sync byte missing
    c.scan(b.data(), b.size());
    QCOMPARE(c.errors(), int64_t{0});
    QCOMPARE(c.skippedPayloads(), int64_t{2});
    const auto d = concat({packet(0x100, 0), packet(0x100, 1)});
    c.scan(d.data(), d.size());
    QCOMPARE(c.errors(), int64_t{0});  // skipped payloads set no counter
    // A new session forgets the counters, not the errors.
    const auto e = concat({packet(0x100, 5)});
    c.scan(e.data(), e.size());
    QCOMPARE(c.errors(), int64_t{1});
    c.resetPids();
    const auto f = concat({packet(0x100, 11)});
    c.scan(f.data(), f.size());
    QCOMPARE(c.errors(), int64_t{1});
  }

  void byteRate() {
    ByteRateWindow w;
    QCOMPARE(w.kbps(1'000'000), 0.0);
    // 1 Mb/s: 12 500 bytes every 100 ms for 5 s.
    const int64_t t0 = 1'000'000'000;
    for (int i = 0; i < 50; ++i) w.add(t0 + i * 100'000, 12'500);
    const double kbps = w.kbps(t0 + 5'000'000);
    QVERIFY2(kbps > 950 && kbps < 1050, qPrintable(QString::number(kbps)));
    // Young: the window is as long as the data.
    ByteRateWindow young;
    for (int i = 0; i < 5; ++i) young.add(t0 + i * 100'000, 12'500);
    const double youngKbps = young.kbps(t0 + 500'000);
    QVERIFY2(youngKbps > 900 && youngKbps < 1100, qPrintable(QString::number(youngKbps)));
    // Silence empties it.
    QCOMPARE(w.kbps(t0 + 10'000'000), 0.0);
  }

  void frameRate() {
    FrameRateWindow r;
    QCOMPARE(r.fps(), 0.0);
    for (int i = 0; i < 200; ++i) r.add(1000 + i * 3003);  // 29.97
    QVERIFY(std::abs(r.fps() - 29.97) < 0.01);
    r.reset();
    for (int i = 0; i < 200; ++i)
      if (i % 2) r.add(i * 3600);  // 25 fps with every other frame missing
    QVERIFY(std::abs(r.fps() - 12.5) < 0.01);
    r.add(0);  // went back: starts over
    QCOMPARE(r.fps(), 0.0);
  }

  // Audio delivered in bursts (as demuxers interleave it) with a constant
  // offset reads as no drift; an audio clock 0.2 % slow reads as such.
  void avDrift() {
    const int64_t burst = 8 * 1920;  // eight AAC frames at 48 kHz, in 90 kHz ticks
    AvDriftMeter steady;
    for (int i = 0; i < 600; ++i) {
      const int64_t video = i * 3000;
      const int64_t audio = (video + 40000) / burst * burst;  // audio ahead by ~0.44 s, in bursts
      steady.onVideo(audio, video);
      if (i < 59) QCOMPARE(steady.driftMs(), 0.0);  // no baseline yet
    }
    QVERIFY2(std::abs(steady.driftMs()) < 10, qPrintable(QString::number(steady.driftMs())));

    AvDriftMeter slow;
    for (int i = 0; i < 600; ++i) {  // 20 s
      const int64_t video = i * 3000;
      slow.onVideo(video * 998 / 1000, video);
    }
    // At 20 s the last window's mean (19 s) against the first's (1 s): 0.2 % of 18 s.
    QVERIFY2(std::abs(slow.driftMs() - 36) < 3, qPrintable(QString::number(slow.driftMs())));  // audio later
    slow.reset();
    QCOMPARE(slow.driftMs(), 0.0);
  }
};

QTEST_GUILESS_MAIN(TstInputHealth)
#include "tst_input_health.moc"
