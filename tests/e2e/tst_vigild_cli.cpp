#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "vigild_process.h"

using namespace vigil::test;

class TstVigildCli : public QObject {
  Q_OBJECT
  QString vigild() const { return binaryDir() + "/app/vigild"; }

 private slots:
  void helpAndVersion() {
    QByteArray out;
    QCOMPARE(runTool(vigild(), {"--help"}, 5000, &out), 0);
    QVERIFY(out.contains("--config FILE"));
    QVERIFY(out.contains("--demo"));
    QCOMPARE(runTool(vigild(), {"--version"}, 5000, &out), 0);
    QVERIFY(out.startsWith("vigild "));
    QCOMPARE(runTool(vigild(), {"--help-config"}, 5000, &out), 0);
    QVERIFY(out.contains("part_hold_back_ms"));
  }

  void refusesBadInvocations() {
    QByteArray out;
    QCOMPARE(runTool(vigild(), {"--bogus"}, 5000, &out), 2);
    QVERIFY(out.contains("unknown option"));
    QCOMPARE(runTool(vigild(), {}, 5000, &out), 2);
    QVERIFY(out.contains("no channels"));
    QCOMPARE(runTool(vigild(), {"--config", "/nonexistent.json"}, 5000, &out), 2);
    QVERIFY(out.contains("cannot read config file"));
  }

  void configErrorsNameTheKey() {
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"channels": [{"id": "a", "packaging": {"part_ms": 7}}]})");
    f.close();
    QByteArray out;
    QCOMPARE(runTool(vigild(), {"--config", path}, 5000, &out), 2);
    QVERIFY2(out.contains("channels[0].packaging.part_ms"), out.constData());
  }

  void theExampleConfigIsValid() {
    QTemporaryDir dir;
    Vigild d;
    QVERIFY2(d.start(dir.path(), {"--config", sourceDir() + "/packaging/vigil.example.json", "--srt", "127.0.0.1:0",
                                  "--rtmp", "127.0.0.1:0"}),
             qPrintable(d.log()));
    QVERIFY2(d.waitForLog(QRegularExpression("live1 .*publish to srt://"), 5000), qPrintable(d.log()));
    QVERIFY2(d.waitForLog(QRegularExpression("live1 .*publish to rtmp://127.0.0.1:[0-9]+/live1/<key>"), 5000),
             qPrintable(d.log()));
    QCOMPARE(d.terminate(), 0);
  }

  void jsonLogLinesAreJson() {
    QTemporaryDir dir;
    Vigild d;
    QVERIFY2(d.start(dir.path(), {"--demo", "--log-format", "json"}), qPrintable(d.log()));
    QTest::qWait(1500);  // let the pipeline and FFmpeg log too
    QCOMPARE(d.terminate(), 0);
    int lines = 0;
    for (const QString& line : d.log().split('\n', Qt::SkipEmptyParts)) {
      QJsonParseError err{};
      const auto doc = QJsonDocument::fromJson(line.toUtf8(), &err);
      QVERIFY2(err.error == QJsonParseError::NoError && doc.isObject(), qPrintable(line));
      for (const char* key : {"time", "level", "component", "msg"})
        QVERIFY2(doc.object().contains(key), qPrintable(line));
      ++lines;
    }
    QVERIFY(lines >= 5);
    QVERIFY(d.log().contains("stopped cleanly"));
  }

  void refusesAnOccupiedPort() {
    QTemporaryDir dir1, dir2;
    Vigild a;
    QVERIFY2(a.start(dir1.path(), {"--demo"}), qPrintable(a.log()));
    const QString port = a.baseUrl().section(':', -1);
    QByteArray out;
    const int rc = runTool(vigild(), {"--demo", "--http", "127.0.0.1:" + port, "--data", dir2.path()}, 10000, &out);
    QCOMPARE(rc, 1);
    QVERIFY2(out.contains("origin"), out.constData());
    QCOMPARE(a.terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(TstVigildCli)
#include "tst_vigild_cli.moc"
