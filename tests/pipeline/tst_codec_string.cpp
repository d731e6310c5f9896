#include <QtTest>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
}

#include "ingest/av_handles.h"
#include "pipeline/codec_string.h"

using vigil::pipeline::avc1CodecString;

namespace {

std::string fromBytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string codecs(const std::string& bytes) {
  auto r = avc1CodecString(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return r ? *r : "error: " + r.message();
}

// Extradata of a real libx264 encoder opened with the given profile and level.
std::string x264Extradata(const char* profile, int level) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) return {};
  vigil::av::CodecContextPtr c(avcodec_alloc_context3(codec));
  c->width = 320;
  c->height = 180;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, 90000};
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  c->level = level;
  // Not ultrafast: without CABAC and 8x8 transforms x264 writes a
  // (constrained) baseline SPS whatever profile was asked for, which is why
  // the codecs string is read from the SPS and not from the settings.
  av_opt_set(c->priv_data, "preset", "veryfast", 0);
  av_opt_set(c->priv_data, "profile", profile, 0);
  if (avcodec_open2(c.get(), codec, nullptr) < 0) return {};
  return std::string(reinterpret_cast<const char*>(c->extradata), size_t(c->extradata_size));
}

}  // namespace

class TstCodecString : public QObject {
  Q_OBJECT
 private slots:
  void fromAvcC() {
    // configurationVersion 1, profile 100, compatibility 0, level 31, ...
    QCOMPARE(codecs(fromBytes({1, 100, 0, 31, 0xff, 0xe1})), std::string("avc1.64001f"));
    QCOMPARE(codecs(fromBytes({1, 66, 0xc0, 13, 0xff})), std::string("avc1.42c00d"));
  }

  void fromAnnexBFindsTheSps() {
    // A PPS (type 8) first, then the SPS (type 7) after a 3-byte start code.
    const std::string annexB = fromBytes({0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80, 0, 0, 1, 0x67, 77, 0x40, 30, 0xac});
    QCOMPARE(codecs(annexB), std::string("avc1.4d401e"));
  }

  void rejectsWhatIsNotAConfiguration() {
    QVERIFY(!avc1CodecString(nullptr, 0));
    const std::string noSps = fromBytes({0, 0, 0, 1, 0x68, 0xce, 0x38, 0x80});
    QVERIFY(!avc1CodecString(reinterpret_cast<const uint8_t*>(noSps.data()), noSps.size()));
    const std::string truncated = fromBytes({0, 0, 1, 0x67, 100});
    QVERIFY(!avc1CodecString(reinterpret_cast<const uint8_t*>(truncated.data()), truncated.size()));
  }

  void matchesWhatX264Writes_data() {
    QTest::addColumn<QString>("profile");
    QTest::addColumn<int>("level");
    QTest::addColumn<QString>("prefix");  // profile_idc + constraint flags as x264 sets them
    QTest::newRow("baseline 3.0") << "baseline" << 30 << "avc1.42c0";  // constrained baseline
    QTest::newRow("main 3.1") << "main" << 31 << "avc1.4d40";
    QTest::newRow("high 4.1") << "high" << 41 << "avc1.6400";
  }
  void matchesWhatX264Writes() {
    QFETCH(QString, profile);
    QFETCH(int, level);
    QFETCH(QString, prefix);
    const std::string extradata = x264Extradata(profile.toUtf8().constData(), level);
    QVERIFY2(!extradata.empty(), "libx264 did not open");
    const std::string s = codecs(extradata);
    char levelHex[3];
    std::snprintf(levelHex, sizeof levelHex, "%02x", level);
    QCOMPARE(QString::fromStdString(s), prefix + levelHex);
  }
};

QTEST_APPLESS_MAIN(TstCodecString)
#include "tst_codec_string.moc"
