// The viewer page and player libraries: a fixed table, loaded once; nothing
// else under the web root is reachable.
#include <QTemporaryDir>
#include <QtTest>

#include "http_test_client.h"
#include "origin/origin.h"

using namespace testhttp;
using vigil::origin::Origin;
using vigil::origin::OriginConfig;

class TstStaticAssets : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  std::unique_ptr<Origin> start(const std::string& playerDir) {
    OriginConfig cfg;
    cfg.listenAddress = "127.0.0.1";
    cfg.port = 0;
    cfg.playerDir = playerDir;
    auto o = std::make_unique<Origin>(cfg);
    if (!o->start().isOk()) return nullptr;
    return o;
  }

  static void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
  }

 private slots:
  void viewerPageIsBuiltIn() {
    auto o = start("");
    QVERIFY(o);
    auto res = fetch(o->port(), "/");
    QVERIFY(res);
    QCOMPARE(res->result_int(), 200u);
    QVERIFY(str((*res)[http::field::content_type]).starts_with("text/html"));
    QVERIFY(res->body().find("/live/") != std::string::npos);
    QVERIFY(!str((*res)[http::field::etag]).empty());
    // Without a player directory the libraries are simply absent.
    auto lib = fetch(o->port(), "/player/hls.min.js");
    QVERIFY(lib);
    QCOMPARE(lib->result_int(), 404u);
  }

  void playerLibrariesComeFromTheDirectoryOnly() {
    write(dir_.filePath("hls.min.js"), "/* hls */");
    write(dir_.filePath("dash.all.min.js"), "/* dash */");
    write(dir_.filePath("secret.txt"), "do not serve");
    auto o = start(dir_.path().toStdString());
    QVERIFY(o);
    auto hls = fetch(o->port(), "/player/hls.min.js");
    QVERIFY(hls);
    QCOMPARE(hls->result_int(), 200u);
    QCOMPARE(hls->body(), std::string("/* hls */"));
    QVERIFY(str((*hls)[http::field::content_type]).starts_with("text/javascript"));
    QCOMPARE(fetch(o->port(), "/player/dash.all.min.js")->body(), std::string("/* dash */"));
    for (const char* path : {"/player/secret.txt", "/player/../secret.txt", "/player/%2e%2e/secret.txt", "/secret.txt",
                             "/player/", "/player/hls.min.js/"}) {
      auto res = fetch(o->port(), path);
      QVERIFY(res);
      QVERIFY2(res->result_int() >= 400 && res->result_int() < 500, path);
      QVERIFY2(res->body().find("do not serve") == std::string::npos, path);
    }
  }
};

QTEST_APPLESS_MAIN(TstStaticAssets)
#include "tst_static_assets.moc"
