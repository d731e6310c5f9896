// Contract 1 across engine restarts: a stopped (SIGTERM) or killed (SIGKILL)
// vigild comes back continuing media sequence numbers, with the gap tagged as
// a discontinuity (HLS) and a new Period (DASH), and an intact database.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "store/store.h"
#include "vigild_process.h"

using namespace vigil::test;

namespace {

struct PlaylistFacts {
  qint64 mediaSequence = -1;
  qint64 discontinuitySequence = -1;
  int segments = 0;  // complete segments listed
  qint64 lastCompleteMsn() const { return mediaSequence + segments - 1; }
};

PlaylistFacts parsePlaylist(const QByteArray& body) {
  PlaylistFacts f;
  for (const auto& line : body.split('\n')) {
    if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) f.mediaSequence = line.mid(22).trimmed().toLongLong();
    if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:"))
      f.discontinuitySequence = line.mid(30).trimmed().toLongLong();
    if (line.startsWith("#EXTINF:")) ++f.segments;
  }
  return f;
}

// Waits until the v0 playlist lists at least n complete segments.
PlaylistFacts waitForSegments(const Vigild& d, int n, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  PlaylistFacts f;
  while (t.elapsed() < timeoutMs) {
    auto r = httpGet(d.baseUrl() + "/live/demo/v0/playlist.m3u8", 2000);
    if (r.status == 200) {
      f = parsePlaylist(r.body);
      if (f.segments >= n) return f;
    }
    QThread::msleep(200);
  }
  return f;
}

}  // namespace

class TstRestartContinuity : public QObject {
  Q_OBJECT
 private slots:
  void continuesAfterStopAndKill() {
    QTemporaryDir data;
    Vigild d;
    QVERIFY2(d.start(data.path(), {"--demo"}), qPrintable(d.log()));
    auto first = waitForSegments(d, 2, 20000);
    QVERIFY2(first.segments >= 2, qPrintable(d.log()));
    QCOMPARE(first.discontinuitySequence, qint64{0});
    QCOMPARE(d.terminate(), 0);
    QVERIFY(d.log().contains("stopped cleanly"));

    // Clean restart: numbering continues after the last segment, tagged as a new period.
    QVERIFY2(d.start(data.path(), {"--demo"}), qPrintable(d.log()));
    auto second = waitForSegments(d, 1, 20000);
    QVERIFY2(second.segments >= 1, qPrintable(d.log()));
    QVERIFY2(second.mediaSequence > first.lastCompleteMsn(),
             qPrintable(QString("MSN %1 after %2").arg(second.mediaSequence).arg(first.lastCompleteMsn())));
    QCOMPARE(second.discontinuitySequence, qint64{1});
    auto mpd = httpGet(d.baseUrl() + "/live/demo/manifest.mpd");
    QCOMPARE(mpd.status, 200);
    QVERIFY2(mpd.body.contains("id=\"p1\""), mpd.body.constData());
    QVERIFY2(mpd.body.contains(QString("startNumber=\"%1\"").arg(second.mediaSequence).toUtf8()), mpd.body.constData());

    // Crash: kill -9 mid-segment, then restart.
    auto beforeKill = waitForSegments(d, 2, 20000);
    d.kill9();
    QVERIFY2(d.start(data.path(), {"--demo"}), qPrintable(d.log()));
    auto third = waitForSegments(d, 1, 20000);
    QVERIFY2(third.segments >= 1, qPrintable(d.log()));
    QVERIFY(third.mediaSequence > beforeKill.lastCompleteMsn());
    QCOMPARE(third.discontinuitySequence, qint64{2});
    QCOMPARE(d.terminate(), 0);

    // The database survived the crash, with every start recorded.
    auto store = vigil::store::Store::open((data.path() + "/vigil.db").toStdString());
    QVERIFY2(store, store.message().c_str());
    QVERIFY((*store)->integrityOk());
    QCOMPARE((*store)->periods("demo").size(), size_t{3});
    int starts = 0;
    for (const auto& e : (*store)->events("demo", 100)) starts += e.kind == "channel.start";
    QCOMPARE(starts, 3);
  }
};

QTEST_GUILESS_MAIN(TstRestartContinuity)
#include "tst_restart_continuity.moc"
