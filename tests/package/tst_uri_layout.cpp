#include <QtTest>

#include "package/uri_layout.h"

namespace uri = vigil::package::uri;
using Kind = uri::ObjectPath::Kind;

class TstUriLayout : public QObject {
  Q_OBJECT
 private slots:
  void formatsAndParsesEveryObject() {
    auto m = uri::parse("/live/news1/master.m3u8");
    QVERIFY(m && m->kind == Kind::Master && m->channel == "news1");
    QVERIFY(uri::parse("/live/news1/manifest.mpd")->kind == Kind::Dash);
    auto pl = uri::parse(uri::channelPath("news1", uri::mediaPlaylist("v0")));
    QVERIFY(pl && pl->kind == Kind::MediaPlaylist && pl->rendition == "v0");
    QVERIFY(uri::parse("/live/news1/a0/init.mp4")->kind == Kind::Init);
    auto seg = uri::parse("/live/news1/v1/" + uri::segment(123456789));
    QVERIFY(seg && seg->kind == Kind::Segment && seg->msn == 123456789);
    auto part = uri::parse("/live/news1/v1/" + uri::part(42, 7));
    QVERIFY(part && part->kind == Kind::Part && part->msn == 42 && part->part == 7);
  }

  void rejectsEverythingElse_data() {
    QTest::addColumn<QString>("path");
    for (const char* p : {"/live/",
                          "/live/news1",
                          "/live/news1/",
                          "/live/../etc/passwd",
                          "/live/news1/../v0/init.mp4",
                          "/live/news1/v0/../../x",
                          "/live/news1//v0/init.mp4",
                          "/live/news1/v0/seg_-1.m4s",
                          "/live/news1/v0/seg_+1.m4s",
                          "/live/news1/v0/seg_1x.m4s",
                          "/live/news1/v0/seg_.m4s",
                          "/live/news1/v0/part_1.m4s",
                          "/live/news1/v0/part_1_2_3.m4s",
                          "/live/news1/v0/part_1_99999.m4s",
                          "/live/news1/v0/seg_99999999999999999999.m4s",
                          "/live/n%2fws/master.m3u8",
                          "/live/news1/v0/init.mp4/",
                          "/other/news1/master.m3u8",
                          "/live/news1/v0/x/init.mp4",
                          "/live/a b/master.m3u8"})
      QTest::newRow(p) << QString::fromLatin1(p);
  }
  void rejectsEverythingElse() {
    QFETCH(QString, path);
    QVERIFY(!uri::parse(path.toStdString()).has_value());
  }
};

QTEST_APPLESS_MAIN(TstUriLayout)
#include "tst_uri_layout.moc"
