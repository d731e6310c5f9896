#include <QtTest>

#include "origin/request_target.h"

using namespace vigil::origin;

namespace {
TargetError parse(const std::string& t, ParsedTarget& out, TargetLimits limits = {}) {
  return parseTarget(t, limits, out);
}
std::optional<PlaylistDirectives> directives(const std::string& target) {
  ParsedTarget t;
  if (parseTarget(target, TargetLimits{}, t) != TargetError::None) return std::nullopt;
  return parseDirectives(t.query);
}
}  // namespace

class TstRequestTarget : public QObject {
  Q_OBJECT
 private slots:
  void decodesOrdinaryTargets() {
    ParsedTarget t;
    QCOMPARE(parse("/live/news1/v0/playlist.m3u8?_HLS_msn=10&_HLS_part=2", t), TargetError::None);
    QCOMPARE(t.path, std::string("/live/news1/v0/playlist.m3u8"));
    QCOMPARE(t.query.size(), std::size_t(2));
    QCOMPARE(t.query[0].first, std::string("_HLS_msn"));
    QCOMPARE(t.query[1].second, std::string("2"));
    QCOMPARE(parse("/live/n%65ws1/master.m3u8", t), TargetError::None);
    QCOMPARE(t.path, std::string("/live/news1/master.m3u8"));
  }

  void rejectsHostilePaths_data() {
    QTest::addColumn<QString>("target");
    for (const char* p : {"/live/../etc/passwd",
                          "/live/%2e%2e/etc/passwd",
                          "/live/.%2E/x",
                          "/live/./x",
                          "/live/x/.",
                          "/live/news1%2fv0/init.mp4",
                          "/live/news1%2Fv0/init.mp4",
                          "/live/news1%5cv0/init.mp4",
                          "/live/news1\\v0/init.mp4",
                          "/live/%00/x",
                          "/live/%0a/x",
                          "/live/%zz/x",
                          "/live/%2/x",
                          "/live/x%",
                          "http://evil/live/news1/master.m3u8",
                          "*",
                          "",
                          "live/news1/master.m3u8",
                          "/live/x#frag",
                          "/live/x?a=%zz",
                          "/live/x?=1",
                          "/live/x?a=%00"})
      QTest::newRow(p) << QString::fromLatin1(p);
  }
  void rejectsHostilePaths() {
    QFETCH(QString, target);
    ParsedTarget t;
    QCOMPARE(parse(target.toStdString(), t), TargetError::BadRequest);
  }

  void enforcesLengthLimits() {
    ParsedTarget t;
    TargetLimits limits;
    limits.maxTargetBytes = 64;
    limits.maxQueryBytes = 16;
    QCOMPARE(parse("/" + std::string(100, 'a'), t, limits), TargetError::TooLong);
    QCOMPARE(parse("/a?" + std::string(17, 'b'), t, limits), TargetError::TooLong);
    QCOMPARE(parse("/a?" + std::string(16, 'b'), t, limits), TargetError::None);
  }

  void parsesDirectives() {
    auto d = directives("/p?_HLS_msn=42&_HLS_part=3&_HLS_skip=YES");
    QVERIFY(d && d->blocking());
    QCOMPARE(*d->msn, int64_t(42));
    QCOMPARE(*d->part, 3);
    QVERIFY(d->skip);
    auto v2 = directives("/p?_HLS_skip=v2&cachebust=1");
    QVERIFY(v2 && v2->skip && !v2->blocking());
    auto none = directives("/p");
    QVERIFY(none && !none->blocking() && !none->skip);
    QVERIFY(directives("/p?_HLS_msn=007"));  // decimal-integer allows leading zeros
  }

  void rejectsMalformedDirectives_data() {
    QTest::addColumn<QString>("target");
    for (const char* p :
         {"/p?_HLS_msn=-1", "/p?_HLS_msn=+1", "/p?_HLS_msn=abc", "/p?_HLS_msn=", "/p?_HLS_msn", "/p?_HLS_msn=1.5",
          "/p?_HLS_msn=%201", "/p?_HLS_msn=99999999999999999999", "/p?_HLS_msn=1&_HLS_msn=2", "/p?_HLS_part=1",
          "/p?_HLS_msn=1&_HLS_part=-1", "/p?_HLS_msn=1&_HLS_part=x", "/p?_HLS_msn=1&_HLS_part=1&_HLS_part=1",
          "/p?_HLS_msn=1&_HLS_part=9999999999", "/p?_HLS_skip=yes", "/p?_HLS_skip=NO", "/p?_HLS_skip=YES&_HLS_skip=YES",
          "/p?_HLS_msn=0x10"})
      QTest::newRow(p) << QString::fromLatin1(p);
  }
  void rejectsMalformedDirectives() {
    QFETCH(QString, target);
    QVERIFY(!directives(target.toStdString()).has_value());
  }
  void viewParseMatchesOwningParse() {
    // One TargetView reused across targets, escapes in several components:
    // every view must still read its own decoded bytes at the end.
    TargetView v;
    QCOMPARE(parseTarget("/live/n%65ws1/master.m3u8?a=%41%42&b%3D=x", TargetLimits{}, v), TargetError::None);
    QCOMPARE(parseTarget("/live/n%65ws1/v0/playlist.m3u8?_HLS_m%73n=%31%32&_HLS_part=3&x=%7e", TargetLimits{}, v),
             TargetError::None);
    QCOMPARE(std::string(v.path), std::string("/live/news1/v0/playlist.m3u8"));
    QCOMPARE(v.query.size(), std::size_t(3));
    QCOMPARE(std::string(v.query[0].first), std::string("_HLS_msn"));
    QCOMPARE(std::string(v.query[0].second), std::string("12"));
    QCOMPARE(std::string(v.query[1].first), std::string("_HLS_part"));
    QCOMPARE(std::string(v.query[2].second), std::string("~"));
    const auto d = parseDirectives(v.query);
    QVERIFY(d.has_value());
    QCOMPARE(*d->msn, int64_t(12));
    QCOMPARE(*d->part, 3);
    // Without escapes the views point into the target itself.
    const std::string plain = "/live/news1/v0/playlist.m3u8?_HLS_msn=4";
    QCOMPARE(parseTarget(plain, TargetLimits{}, v), TargetError::None);
    QCOMPARE(static_cast<const void*>(v.path.data()), static_cast<const void*>(plain.data()));
    QCOMPARE(std::string(v.query[0].second), std::string("4"));
    // Refusals are the same as the owning parse's.
    QCOMPARE(parseTarget("/live/a%2fb/master.m3u8", TargetLimits{}, v), TargetError::BadRequest);
    QCOMPARE(parseTarget("/live/%2e%2e/master.m3u8", TargetLimits{}, v), TargetError::BadRequest);
    QCOMPARE(parseTarget("/x?a=%4", TargetLimits{}, v), TargetError::BadRequest);
  }
};

QTEST_APPLESS_MAIN(TstRequestTarget)
#include "tst_request_target.moc"
