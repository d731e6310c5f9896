// The tally of a channel, from its status: what an operator reads off a tile.
#include <QtTest>

#include "operator_actions.h"
#include "tally.h"

using namespace vigil;
using namespace vigil::ui;
using State = control::ChannelStatus::State;

namespace {

control::ChannelStatus running(std::vector<std::string> inputs, const std::string& onAir) {
  control::ChannelStatus c;
  c.id = "ch";
  c.state = State::Running;
  for (const auto& id : inputs) {
    control::InputStatus in;
    in.id = id;
    in.fault = "fit";
    c.inputs.push_back(in);
  }
  c.onAir = onAir;
  for (int i = 0; i < 2; ++i) {
    control::PipelineStatus p;
    p.index = i;
    p.state = "up";
    p.onAir = i == 0;
    p.preferred = i == 0;
    c.pipelines.push_back(p);
  }
  return c;
}

}  // namespace

class TstTally : public QObject {
  Q_OBJECT
 private slots:
  void primaryBackupSlateDown() {
    QCOMPARE(tallyOf(running({"primary", "backup"}, "primary")), Tally::Primary);
    QCOMPARE(tallyOf(running({"primary", "backup"}, "backup")), Tally::Backup);
    QCOMPARE(tallyOf(running({"primary", "backup"}, "slate")), Tally::Slate);
    QCOMPARE(tallyOf(running({}, "")), Tally::Primary);  // the built-in source
    auto emergency = running({}, "");
    emergency.emergencySlateOnAir = true;
    QCOMPARE(tallyOf(emergency), Tally::Slate);
    auto stopped = running({"primary"}, "primary");
    stopped.state = State::Stopped;
    QCOMPARE(tallyOf(stopped), Tally::Down);
    auto dead = running({}, "");
    for (auto& p : dead.pipelines) p.state = "down";
    QCOMPARE(tallyOf(dead), Tally::Down);
    QCOMPARE(activePipeline(running({}, "")), 0);
    QCOMPARE(activePipeline(dead), 0);  // still the last on air
  }

  void coloursAreDistinct() {
    const QList<QColor> colours = {tallyColor(Tally::Primary), tallyColor(Tally::Backup), tallyColor(Tally::Slate),
                                   tallyColor(Tally::Down)};
    for (int i = 0; i < colours.size(); ++i)
      for (int j = i + 1; j < colours.size(); ++j) QVERIFY(colours[i] != colours[j]);
    QCOMPARE(ageColor(1, 3, 6), tallyColor(Tally::Primary));
    QCOMPARE(ageColor(4, 3, 6), tallyColor(Tally::Backup));
    QCOMPARE(ageColor(7, 3, 6), tallyColor(Tally::Down));
  }

  void onAirSaysWhy() {
    auto c = running({"primary", "backup"}, "backup");
    c.inputs[0].fault = "loss of signal";
    c.holdOnBackup = true;
    const QString text = onAirText(c);
    QVERIFY2(text.contains("backup") && text.contains("loss of signal") && text.contains("held"), qPrintable(text));
  }

  void switchGoesBackToThePrimaryOrToTheNextFitBackup() {
    auto c = running({"primary", "backup", "spare"}, "primary");
    QCOMPARE(OperatorActions::switchTarget(c), std::string("backup"));
    c.inputs[1].fault = "black";
    QCOMPARE(OperatorActions::switchTarget(c), std::string("spare"));
    c.onAir = "spare";
    QCOMPARE(OperatorActions::switchTarget(c), std::string("primary"));
    c.inputs[0].fault = "frozen picture";
    QCOMPARE(OperatorActions::switchTarget(c), std::string());  // backup black, primary frozen
  }

  void consequencesNameWhatViewersSee() {
    auto c = running({"primary", "backup"}, "primary");
    c.inputs[1].hasAlignment = true;
    c.inputs[1].sameProgramme = true;
    c.inputs[1].driftMs = 40;
    QVERIFY(OperatorActions::consequenceOfSwitch(c, "backup").contains("same programme"));
    c.inputs[1].sameProgramme = false;
    QVERIFY(OperatorActions::consequenceOfSwitch(c, "backup").contains("different picture"));
    QVERIFY(OperatorActions::consequenceOfRestart(c, 0).contains("no change"));
    c.pipelines[1].state = "down";
    QVERIFY(OperatorActions::consequenceOfRestart(c, 0).contains("emergency slate"));
    QVERIFY(OperatorActions::consequenceOfStop(c).contains("stalls"));
  }
};

QTEST_GUILESS_MAIN(TstTally)
#include "tst_tally.moc"
