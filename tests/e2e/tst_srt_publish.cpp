// A broadcaster publishes over SRT to the real vigild: the ffmpeg CLI as the
// encoder, the access-control stream id and an AES passphrase, as the README
// describes. The channel becomes playable within seconds, its program date
// times are honest (manifest age small and positive), ffprobe reads it, and
// a caller with the wrong passphrase is refused without disturbing it.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "support/test_media.h"
#include "vigild_process.h"

using namespace vigil::test;

namespace {

constexpr const char* kPassphrase = "correct-horse-battery";

QString publishUrl(int port, const QString& passphrase) {
  return QString("srt://127.0.0.1:%1?streamid=#!::r=live1/primary,m=publish&passphrase=%2&pbkeylen=16")
      .arg(port)
      .arg(passphrase);
}

QStringList ffmpegArgs(const QString& url, int seconds) {
  return liveEncoderArgs("testsrc2", {"-t", QString::number(seconds)}, {"-f", "mpegts", url});
}

double manifestAge(const QByteArray& metrics) {
  static const QRegularExpression re(R"re(vigil_manifest_age_seconds\{channel="live1",rendition="v0"\} (-?[0-9.]+))re");
  auto m = re.match(QString::fromUtf8(metrics));
  return m.hasMatch() ? m.captured(1).toDouble() : 1e9;
}

}  // namespace

class TstSrtPublish : public QObject {
  Q_OBJECT
 private slots:
  void ffmpegPublishesOverSrt() {
    QTemporaryDir dir;
    const QString cfg = dir.filePath("vigil.json");
    QFile f(cfg);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QString(R"({"srt": {"listen": "127.0.0.1:0"},
      "channels": [{"id": "live1", "inputs": [{"id": "primary", "passphrase": "%1", "allow": ["127.0.0.0/8"]}]}]})")
                .arg(kPassphrase)
                .toUtf8());
    f.close();

    Vigild d;
    QVERIFY2(d.start(dir.filePath("data"), {"--config", cfg}), qPrintable(d.log()));
    const QRegularExpression portRe("SRT listening on port ([0-9]+)");
    QVERIFY2(d.waitForLog(portRe, 5000), qPrintable(d.log()));
    const int port = portRe.match(d.log()).captured(1).toInt();
    QVERIFY(port > 0);
    const QString url =
        "publish to srt://127.0.0.1:" + QString::number(port) + "?streamid=#!::r=live1/primary,m=publish";
    QVERIFY2(d.waitForLog(QRegularExpression(QRegularExpression::escape(url)), 5000), qPrintable(d.log()));

    // Nothing is published yet: the slate keeps the channel's heartbeat.
    QCOMPARE(waitFor200(d.baseUrl() + "/live/live1/v0/playlist.m3u8", 5000).status, 200);
    QVERIFY(httpGet(d.baseUrl() + "/metrics").body.contains("vigil_channel_on_slate{channel=\"live1\"} 1"));

    QProcess publisher;
    publisher.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer sincePublish;
    sincePublish.start();
    publisher.start("ffmpeg", ffmpegArgs(publishUrl(port, kPassphrase), 30));
    QVERIFY(publisher.waitForStarted(5000));

    QVERIFY2(d.waitForLog(QRegularExpression("slate -> primary"), 10000), qPrintable(d.log()));
    const qint64 onAirMs = sincePublish.elapsed();
    qInfo() << "publisher start -> input on air:" << onAirMs << "ms";
    QVERIFY2(onAirMs < 3000, qPrintable(QString::number(onAirMs)));

    // A second caller with the wrong passphrase is refused; the channel carries on.
    QByteArray out;
    const int rc = runTool("ffmpeg", ffmpegArgs(publishUrl(port, "wrong-passphrase-123"), 2), 20000, &out);
    QVERIFY2(rc != 0, out.constData());

    QTest::qWait(3000);
    const double age = manifestAge(httpGet(d.baseUrl() + "/metrics").body);
    QVERIFY2(age >= 0 && age < 1.5, qPrintable(QString::number(age)));  // honest and fresh

    QByteArray probe;
    QCOMPARE(runTool("ffprobe",
                     {"-v", "error", "-show_entries", "stream=codec_name,width", "-of", "json",
                      d.baseUrl() + "/live/live1/master.m3u8"},
                     30000, &probe),
             0);
    QVERIFY2(probe.contains("\"h264\"") && probe.contains("\"aac\""), probe.constData());

    publisher.kill();
    publisher.waitForFinished(3000);
    QCOMPARE(d.terminate(), 0);
  }

  void srtInputNeedsTheListener() {
    QTemporaryDir dir;
    const QString cfg = dir.filePath("vigil.json");
    QFile f(cfg);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"channels": [{"id": "live1", "inputs": [{"id": "primary"}]}]})");
    f.close();
    QByteArray out;
    const int rc = runTool(binaryDir() + "/app/vigild",
                           {"--config", cfg, "--http", "127.0.0.1:0", "--data", dir.filePath("data")}, 10000, &out);
    QCOMPARE(rc, 1);
    QVERIFY2(out.contains("srt.listen: required"), out.constData());
  }
};

QTEST_GUILESS_MAIN(TstSrtPublish)
#include "tst_srt_publish.moc"
