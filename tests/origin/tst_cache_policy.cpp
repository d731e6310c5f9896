#include <QtTest>

#include "origin/cache_policy.h"

using vigil::origin::cacheControlFor;
using vigil::origin::ObjectKind;
namespace cache = vigil::origin::cache;

class TstCachePolicy : public QObject {
  Q_OBJECT
 private slots:
  void immutableObjectsAreCachedLong() {
    for (auto k : {ObjectKind::Part, ObjectKind::Segment, ObjectKind::Init}) {
      QCOMPARE(cacheControlFor(k, 200), cache::kImmutable);
      QCOMPARE(cacheControlFor(k, 304), cache::kImmutable);
      QVERIFY(cacheControlFor(k, 200).find("immutable") != std::string_view::npos);
    }
  }
  void manifestsAreOneSecondNeverNoStore() {
    for (auto k : {ObjectKind::Master, ObjectKind::MediaPlaylist, ObjectKind::Dash}) {
      QCOMPARE(cacheControlFor(k, 200), std::string_view("public, max-age=1"));
      QVERIFY(cacheControlFor(k, 200).find("no-store") == std::string_view::npos);
    }
  }
  void missingObjectsGetAShortNegativeCache() {
    for (int k = 0; k < vigil::origin::kObjectKindCount - 1; ++k) {
      const auto v = cacheControlFor(static_cast<ObjectKind>(k), 404);
      QCOMPARE(v, std::string_view("public, max-age=1"));
      QVERIFY(v.find("31536000") == std::string_view::npos);
    }
  }
  void errorsAndServiceEndpointsAreNotStored() {
    for (unsigned s : {400u, 405u, 414u, 431u, 503u})
      for (int k = 0; k < vigil::origin::kObjectKindCount; ++k)
        QCOMPARE(cacheControlFor(static_cast<ObjectKind>(k), s), cache::kNoStore);
    QCOMPARE(cacheControlFor(ObjectKind::Other, 200), cache::kNoStore);
    QCOMPARE(cacheControlFor(ObjectKind::Other, 404), cache::kNoStore);
  }
  void kindNamesAreMetricLabels() {
    QCOMPARE(vigil::origin::objectKindName(ObjectKind::MediaPlaylist), std::string_view("media_playlist"));
    QCOMPARE(vigil::origin::objectKindName(ObjectKind::Dash), std::string_view("dash"));
  }
};

QTEST_APPLESS_MAIN(TstCachePolicy)
#include "tst_cache_policy.moc"
