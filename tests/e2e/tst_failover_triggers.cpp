// The content triggers of input failover, with real broadcasters: two ffmpeg
// encoders publish different programmes over SRT to a channel's primary and
// backup; nine seconds in (once the player's browser has started: its start-up
// takes both cores for a moment), the primary's picture goes black, or its sound
// silent, or its picture freezes (filters in the primary's encoder). The
// backup goes on air for that reason within the threshold plus a tick, hls.js
// plays through the switch without a stall, and the playlist carries no
// discontinuity and no gap.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "support/test_media.h"
#include "vigild_process.h"

using namespace vigil::test;

namespace {

QStringList encoder(const QString& pattern, const QStringList& spoil, const QString& url) {
  return liveEncoderArgs(pattern, spoil, {"-f", "mpegts", url});
}

}  // namespace

class TstFailoverTriggers : public QObject {
  Q_OBJECT
 private slots:
  void contentFaultsFailOver_data() {
    QTest::addColumn<QStringList>("spoil");
    QTest::addColumn<QString>("reason");
    QTest::newRow("black") << QStringList{"-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='gte(t,9)'"}
                           << "black for";
    QTest::newRow("silence") << QStringList{"-af", "volume=volume=0:enable='gte(t,9)'"} << "silence for";
    QTest::newRow("freeze") << QStringList{"-filter_complex",
                                           "[0:v]split[a][b];[b]trim=end_frame=1,loop=loop=-1:size=1[s];"
                                           "[a][s]overlay=enable='gte(t,9)'[v]",
                                           "-map",
                                           "[v]",
                                           "-map",
                                           "1:a"}
                            << "frozen for";
  }
  void contentFaultsFailOver() {
    QFETCH(QStringList, spoil);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const QString cfg = dir.filePath("vigil.json");
    QFile f(cfg);
    QVERIFY(f.open(QIODevice::WriteOnly));
    // One pipeline: what is measured is the input switch; two pipelines
    // (tst_pipeline_failover's subject) would only share the two cores with
    // the broadcasters and the player.
    f.write(R"({"srt": {"listen": "127.0.0.1:0"},
      "channels": [{"id": "live1", "redundancy": {"mode": "single"},
        "failover": {"black_ms": 1000, "silence_ms": 1000, "freeze_ms": 1000, "return_holdoff_ms": 500},
        "inputs": [{"id": "primary"}, {"id": "backup"}]}]})");
    f.close();
    Vigild d;
    QVERIFY2(d.start(dir.filePath("data"), {"--config", cfg}), qPrintable(d.log().right(2500)));
    const QRegularExpression portRe("SRT listening on port ([0-9]+)");
    QVERIFY2(d.waitForLog(portRe, 5000), qPrintable(d.log().right(2500)));
    const int port = portRe.match(d.log()).captured(1).toInt();
    auto url = [&](const char* input) { return QString("srt://127.0.0.1:%1?streamid=live1/%2").arg(port).arg(input); };
    QProcess primary, backup;
    primary.setProcessChannelMode(QProcess::MergedChannels);
    backup.setProcessChannelMode(QProcess::MergedChannels);
    primary.start("ffmpeg", encoder("testsrc2", spoil, url("primary")));
    backup.start("ffmpeg", encoder("testsrc", {}, url("backup")));  // another moving picture
    QVERIFY(primary.waitForStarted(5000) && backup.waitForStarted(5000));
    QVERIFY2(d.waitForLog(QRegularExpression("-> primary: "), 10000), qPrintable(d.log().right(2500)));
    // A viewer plays through the switch (the spoiling starts 9 s into the
    // primary's feed); it joins once the channel holds two segments, as a real
    // viewer of a live channel would, not at the channel's first second.
    QTest::qWait(2500);
    QProcess player;
    const bool playing = startPlayer(player, {"--kind", "hls", "--url", d.baseUrl() + "/live/live1/master.m3u8",
                                              "--seconds", "12", "--low-latency", "--max-latency", "3"});
    const QRegularExpression switched("primary -> backup: " + reason + " ([0-9]+) ms");
    QVERIFY2(d.waitForLog(switched, 15000), qPrintable(d.log().right(2500)));
    const int ms = switched.match(d.log()).captured(1).toInt();
    qInfo() << "primary ->"
            << "backup:" << reason << ms << "ms";
    QVERIFY(ms >= 1000 && ms < 1200);
    const auto metrics = QString::fromUtf8(httpGet(d.baseUrl() + "/metrics").body);
    QVERIFY2(metrics.contains(R"(vigil_input_on_air{channel="live1",input="backup"} 1)"), qPrintable(metrics));
    // The programmes differ: the switch knows (now against the backup on air).
    QVERIFY2(!metrics.contains(R"(vigil_input_same_programme{channel="live1",input="primary"} 1)"),
             qPrintable(metrics));
    QJsonObject played;
    if (playing)
      played = playerResult(player);
    else {
      QWARN("player harness not installed: playback through the switch not checked");
      QTest::qWait(2500);
    }
    // Every rendition's playlist: no discontinuity, and no hole (each
    // segment's duration is the step to the next one's program date time).
    QStringList holes;
    QList<QByteArray> playlists;
    for (const char* rendition : {"v0", "a0"}) {
      const auto playlist = httpGet(d.baseUrl() + "/live/live1/" + rendition + "/playlist.m3u8");
      QCOMPARE(playlist.status, 200);
      QVERIFY2(!playlist.body.contains("#EXT-X-DISCONTINUITY\n"), playlist.body.constData());
      if (const QString gaps = pdtGaps(parseMediaPlaylist(QString::fromUtf8(playlist.body))); !gaps.isEmpty())
        holes << QString(rendition) + ": " + gaps;
      playlists << rendition + QByteArray(" playlist:\n") + playlist.body;
    }
    if (!holes.isEmpty() || (playing && played["_exit"].toInt() != 0)) {  // for the record
      for (const auto& p : playlists) qInfo().noquote() << p;
      d.printLog();
    }
    QVERIFY2(holes.isEmpty(), qPrintable(holes.join("; ")));
    if (playing) QCOMPARE(played["_exit"].toInt(), 0);  // no stall, no error
    primary.kill();
    backup.kill();
    primary.waitForFinished(3000);
    backup.waitForFinished(3000);
    QCOMPARE(d.terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(TstFailoverTriggers)
#include "tst_failover_triggers.moc"
