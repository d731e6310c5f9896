// The console binary as a person starts it: its help, its refusals, and on a
// machine without a display a clear message and the engine running headless
// (what the README's main command does on a server).
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include "vigild_process.h"

using namespace vigil::test;

class TstConsoleCli : public QObject {
  Q_OBJECT
  QString vigil() const { return binaryDir() + "/app/vigil"; }

 private slots:
  void helpAndRefusals() {
    QByteArray out;
    QCOMPARE(runTool(vigil(), {"--help"}, 5000, &out), 0);
    QVERIFY(out.contains("--remote URL"));
    QVERIFY(out.contains("--demo-channels N"));
    QCOMPARE(runTool(vigil(), {"--version"}, 5000, &out), 0);
    QVERIFY(out.startsWith("vigil "));
    QCOMPARE(runTool(vigil(), {}, 5000, &out), 2);
    QVERIFY2(out.contains("nothing to watch"), out.constData());
    QCOMPARE(runTool(vigil(), {"--demo", "--language", "fr"}, 5000, &out), 2);
    QVERIFY(out.contains("en or de"));
  }

  void withoutADisplayTheEngineRunsHeadless() {
    QTemporaryDir dir;
    auto env = QProcessEnvironment::systemEnvironment();
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(var);
    Vigild console;
    console.setProgram("app/vigil");
    console.setEnvironment(env);
    QVERIFY2(console.start(dir.path(), {"--demo-channels", "2"}), qPrintable(console.log()));
    QVERIFY2(console.log().contains("no display") && console.log().contains("headless"), qPrintable(console.log()));
    for (const QString ch : {"demo", "demo-2"}) {
      const auto reply = waitFor200(console.baseUrl() + "/live/" + ch + "/master.m3u8", 15000);
      QCOMPARE(reply.status, 200);
      QVERIFY(reply.body.contains("#EXT-X-STREAM-INF"));
    }
    QCOMPARE(console.terminate(), 0);
    QVERIFY(console.log().contains("stopped cleanly"));
  }
};

QTEST_GUILESS_MAIN(TstConsoleCli)
#include "tst_console_cli.moc"
