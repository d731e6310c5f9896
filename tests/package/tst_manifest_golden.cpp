// Golden files: the manifests of a fixed small input, byte for byte.
//
// A diff here is a change in what players receive: review it, then
// regenerate with
//   VIGIL_UPDATE_GOLDEN=1 ctest --test-dir build/dev -R tst_manifest_golden
// which rewrites tests/package/golden/* in the source tree.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "package/channel_packager.h"
#include "package/dash_mpd.h"
#include "package_test_util.h"

using namespace vigil;
using namespace vigil::test;
namespace dash = vigil::package::dash;

namespace {

std::string goldenPath(const std::string& name) {
  return qEnvironmentVariable("VIGIL_SOURCE_DIR").toStdString() + "/tests/package/golden/" + name;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Compares `actual` with the golden file, or rewrites it when asked to.
bool matchesGolden(const std::string& name, const std::string& actual) {
  const std::string path = goldenPath(name);
  if (qEnvironmentVariableIsSet("VIGIL_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    qInfo("rewrote %s", path.c_str());
    return true;
  }
  const std::string expected = readFile(path);
  if (expected == actual) return true;
  qWarning("%s differs from the golden file. Actual:\n%s", name.c_str(), actual.c_str());
  return false;
}

// The fixed input: a channel whose period 1 resumed at segment 12 after a
// gap; parts of segments 10..16 plus four parts of 17.
std::unique_ptr<package::ChannelPackager> fixedPackager(int liveWindow) {
  Timeline tl(kSeg90k, kPart90k);
  tl.resume({TimelinePeriod{0, 0, kT0Us}}, 11, kT0Us + 100'000'000);
  PackagingSpec spec;
  spec.liveWindowSegments = liveWindow;
  spec.dvrWindowSegments = 30;
  auto pkg = std::make_unique<package::ChannelPackager>("news1", spec, tl, defaultRenditionIds());
  sendInits(*pkg);
  feedParts(*pkg, 10, 0, 74);
  return pkg;
}

}  // namespace

class TstManifestGolden : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QVERIFY2(qEnvironmentVariableIsSet("VIGIL_SOURCE_DIR"), "run through ctest"); }

  void hlsPlaylists() {
    auto pkg = fixedPackager(6);
    QVERIFY(matchesGolden("master.m3u8", str(pkg->multivariantPlaylist())));
    QVERIFY(matchesGolden("v0.m3u8", str(pkg->mediaPlaylist("v0", false))));
    QVERIFY(matchesGolden("a0.m3u8", str(pkg->mediaPlaylist("a0", false))));
  }

  void hlsDeltaUpdate() {
    auto pkg = fixedPackager(20);
    feedParts(*pkg, 10, 74, 180);  // 10..27 complete, 28 growing: long enough to skip
    QVERIFY(matchesGolden("v1_delta.m3u8", str(pkg->mediaPlaylist("v1", true))));
  }

  void dashMpd() {
    // The packager stamps publishTime with the wall clock; the builder gets a fixed one.
    auto pkg = fixedPackager(6);
    dash::MpdInput in;
    in.availabilityStartUtcUs = pkg->timeline().periods().front().startUtcUs;
    in.publishUtcUs = kT0Us + 134'567'000;
    in.segmentDuration90k = kSeg90k;
    in.timeShiftBufferUs = 60'000'000;
    in.suggestedPresentationDelayUs = 6'000'000;
    in.minBufferUs = 2'000'000;
    in.minimumUpdatePeriodUs = 2'000'000;
    in.periods = pkg->timeline().periods();
    for (const RenditionInfo& r : pkg->renditions()) (r.kind == TrackKind::Video ? in.video : in.audio).push_back(r);
    QVERIFY(matchesGolden("manifest.mpd", dash::renderMpd(in)));
    // The packager's own MPD differs from it only in publishTime.
    std::string live = str(pkg->dashManifest());
    const size_t at = live.find("publishTime=\"") + 13;
    live.replace(at, 24, "2024-05-01T12:02:14.567Z");
    QVERIFY(matchesGolden("manifest.mpd", live));
  }
};

QTEST_APPLESS_MAIN(TstManifestGolden)
#include "tst_manifest_golden.moc"
