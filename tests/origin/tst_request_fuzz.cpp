// A deterministic random-request test over the request-target parser: the
// same invariants as the libFuzzer target, on inputs built from the pieces
// hostile paths are made of. Runs everywhere, in a second.
#include <QtTest>

#include <random>

#include "request_invariants.h"

class TstRequestFuzz : public QObject {
  Q_OBJECT
 private slots:
  void randomTargetsKeepTheInvariants() {
    static const char* pieces[] = {"/",           "/live/",
                                   "news1",       "v0",
                                   "..",          ".",
                                   "%2e",         "%2E%2e",
                                   "%2f",         "%2F",
                                   "%5c",         "\\",
                                   "%00",         "%",
                                   "%z",          "%4",
                                   "?",           "&",
                                   "=",           "_HLS_msn",
                                   "_HLS_part",   "_HLS_skip",
                                   "YES",         "-1",
                                   "123",         "seg_",
                                   "part_",       "_",
                                   ".m4s",        "init.mp4",
                                   "#",           "playlist.m3u8",
                                   "master.m3u8", "manifest.mpd",
                                   "\x01",        "\x7f",
                                   "\xff",        "%ff",
                                   "//",          "%25"};
    std::mt19937 rng(20261121);  // fixed seed: failures reproduce
    std::uniform_int_distribution<int> count(1, 14);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
    int accepted = 0;
    for (int i = 0; i < 200000; ++i) {
      std::string target = (i % 5 == 0) ? "" : "/live/";
      for (int n = count(rng); n > 0; --n) target += pieces[pick(rng)];
      const std::string broken = origintest::checkTargetInvariants(target);
      QVERIFY2(broken.empty(), (broken + " for target " + target).c_str());
      vigil::origin::ParsedTarget t;
      if (parseTarget(target, vigil::origin::TargetLimits{}, t) == vigil::origin::TargetError::None) ++accepted;
    }
    // The generator must reach the accepting paths too, or it tests nothing.
    QVERIFY2(accepted > 1000, QByteArray::number(accepted));
  }
};

QTEST_APPLESS_MAIN(TstRequestFuzz)
#include "tst_request_fuzz.moc"
