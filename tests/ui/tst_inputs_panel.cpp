// The inputs panel over a real embedded engine: a channel with two SRT
// inputs shows two cards, both standby and unfit while nobody publishes;
// a real broadcaster (the ffmpeg CLI) on the primary puts it on air and its
// card shows the connection, the feed's format and a growing bitrate chart;
// holding on backup shows in the switch line; a test-source channel says it
// has no contribution inputs.
#include <QLabel>
#include <QProcess>
#include <QtTest>

#include "health/health_style.h"
#include "health/input_card.h"
#include "health/inputs_panel.h"
#include "health_test_support.h"
#include "support/test_media.h"

using namespace vigil;

namespace {

ChannelSpec channelWithInputs(const std::string& id) {
  ChannelSpec ch = test::singleTinyChannel(id);
  ch.source.width = 640;  // what the broadcaster sends; the ladder stays one small rung
  ch.source.height = 360;
  for (const char* name : {"primary", "backup"}) {
    InputSpec in;
    in.id = name;
    ch.inputs.push_back(in);
  }
  return ch;
}

}  // namespace

class TstInputsPanel : public QObject {
  Q_OBJECT
 private slots:
  void showsEachInputsHealth() {
    test::EmbeddedConsole console;
    QVERIFY(console.start({channelWithInputs("in1"), test::singleTinyChannel("src1")}, true, "carol"));
    ui::InputsPanel panel(console.client.get());
    panel.resize(1200, 600);
    panel.setChannel("in1");
    panel.show();

    QCOMPARE(panel.cardCount(), 2);
    QVERIFY(!panel.showsNoInputs());
    auto* primary = panel.card("primary");
    auto* backup = panel.card("backup");
    QVERIFY(primary && backup);
    QCOMPARE(primary->objectName(), QString("inputCard_primary"));
    QVERIFY(test::waitFor([&] { return primary->input().fault != "fit" && !primary->input().fault.empty(); }, 5000));
    QCOMPARE(primary->onAirText(), QString("STANDBY"));
    QVERIFY(primary->faultText().startsWith("Unfit: "));
    QVERIFY2(primary->connectionText().contains("not connected"), qPrintable(primary->connectionText()));
    QVERIFY(!primary->blackLamp()->isOn() && !primary->silenceLamp()->isOn() && !primary->freezeLamp()->isOn());
    QCOMPARE(primary->findChild<ui::Lamp*>("lampFreeze"), primary->freezeLamp());
    QVERIFY(panel.switchText().contains("On air: slate"));

    // A broadcaster on the primary.
    QProcess feed;
    feed.start("ffmpeg", test::liveEncoderArgs(
                             "testsrc2", {"-t", "20"},
                             {"-f", "mpegts",
                              QString("srt://127.0.0.1:%1?streamid=in1/primary").arg(console.engine->srtPort())}));
    QVERIFY(feed.waitForStarted(5000));
    QVERIFY(test::waitFor([&] { return primary->input().onAir; }, 15000));
    QCOMPARE(primary->onAirText(), QString("ON AIR"));
    QCOMPARE(primary->faultText(), QString("Fit"));
    QVERIFY2(primary->connectionText().contains("connected from"), qPrintable(primary->connectionText()));
    QVERIFY(test::waitFor([&] { return primary->formatText().contains("h264 / aac"); }, 5000));
    QVERIFY2(primary->formatText().startsWith("640x360 at "), qPrintable(primary->formatText()));
    QCOMPARE(backup->onAirText(), QString("STANDBY"));
    QVERIFY(panel.switchText().contains("On air: primary"));

    // The ring grows with each snapshot; the bitrate line is drawn from it and shows the feed.
    const int samples = primary->samples();
    QVERIFY(test::waitFor([&] { return primary->samples() >= samples + 5; }, 5000));
    QCOMPARE(primary->chartPoints(), primary->samples());
    QVERIFY(primary->findChild<QWidget*>("linkChart")->isVisibleTo(primary));  // SRT: RTT and loss
    QVERIFY(test::waitFor([&] { return primary->input().bitrateKbps > 10; }, 5000));
    QVERIFY(primary->input().rttMs >= 0);
    qInfo("primary: %s; %d chart samples", qPrintable(primary->formatText()), primary->samples());
    test::grabFor(panel, "inputs");

    // The switch's controls, as they stand.
    QVERIFY(!panel.switchText().contains("held on backup"));
    console.client->holdOnBackup("in1", true);
    QVERIFY(test::waitFor([&] { return panel.switchText().contains("held on backup"); }, 5000));

    feed.kill();
    feed.waitForFinished(3000);

    // A channel on the built-in test source.
    panel.setChannel("src1");
    QVERIFY(panel.showsNoInputs());
    QCOMPARE(panel.cardCount(), 0);
    QVERIFY(panel.findChild<QLabel*>("noInputs")->text().contains("no contribution inputs"));
    // And back: fresh cards (another channel's history would lie).
    panel.setChannel("in1");
    QCOMPARE(panel.cardCount(), 2);
    QVERIFY(!panel.showsNoInputs());
    QVERIFY(panel.card("primary")->samples() <= 1);
  }
};

QTEST_MAIN(TstInputsPanel)
#include "tst_inputs_panel.moc"
