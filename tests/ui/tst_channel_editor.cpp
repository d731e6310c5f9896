// The channel editor over a real embedded engine: bad input is refused with
// the schema's message naming the field and nothing reaches the engine; a
// new channel saved through the form runs and is persisted (a second engine
// on the same data directory reads it back); an existing channel loads into
// the form and comes back out unchanged; secrets are masked until revealed;
// an edit of a running channel is applied by a restart when asked.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "control/config.h"
#include "control/engine.h"
#include "editor/channel_editor.h"
#include "editor/input_editor.h"
#include "editor/ladder_editor.h"
#include "engine_client.h"
#include "support/test_engine.h"
#include "support/wait_for.h"

using namespace vigil;
using namespace vigil::ui;
using control::ChannelStatus;

namespace {

constexpr const char* kExisting = "edit1";
constexpr const char* kFresh = "fresh1";

// A channel that uses most of the form: two inputs (SRT with a passphrase and
// an allow-list, RTMP with a key), its own failover, packaging, audio, a
// two-rung ladder, and alarm thresholds the form does not show.
ChannelSpec existingChannel() {
  ChannelSpec ch = test::tinyChannel(kExisting);
  ch.name = "Edit me";
  ch.redundancy.mode = "single";
  InputSpec srt;
  srt.id = "primary";
  srt.type = "srt";
  srt.passphrase = "correct-horse-1";
  srt.pbkeylen = 32;
  srt.latencyMs = 200;
  srt.allowCidrs = {"127.0.0.1/32", "10.0.0.0/8"};
  InputSpec rtmp;
  rtmp.id = "backup";
  rtmp.type = "rtmp";
  rtmp.app = "live";
  rtmp.key = "sekrit-key-123";
  ch.inputs = {srt, rtmp};
  ch.failover.lossMs = 700;
  ch.failover.blackMs = 0;
  ch.failover.autoReturn = false;
  ch.failover.returnHoldoffMs = 5000;
  ch.packaging.partDurationMs = 400;
  ch.packaging.partHoldBackMs = 1200;
  ch.packaging.liveWindowSegments = 8;
  ch.packaging.dvrWindowSegments = 120;
  ch.audio.bitrateBps = 96'000;
  ch.audio.language = "de";
  ch.audio.name = "Deutsch";
  ch.video[0].profile = "baseline";
  ch.video[0].level = "3.0";
  VideoRenditionSpec low = ch.video[0];
  low.id = "v1";
  low.width = 160;
  low.height = 90;
  low.frameRateNum = 15;
  low.bitrateBps = 150'000;
  low.maxrateBps = 180'000;
  low.bufsizeBits = 360'000;
  ch.video.push_back(low);
  ch.alarms.manifestAgeWarningMs = 3500;
  ch.alarms.manifestAgeCriticalMs = 7000;
  return ch;
}

control::EngineConfig config(const QTemporaryDir& dir) {
  auto cfg = test::loopbackConfig(dir, {existingChannel()});
  cfg.srt.listen = "127.0.0.1:0";
  cfg.rtmp.listen = "127.0.0.1:0";
  return cfg;
}

std::string jsonOf(const ChannelSpec& s) { return control::channelToJson(s).dump(); }

std::optional<ChannelSpec> savedSpec(control::EngineApi& api, const std::string& id) {
  for (auto& s : api.channelSpecs())
    if (s.id == id) return s;
  return std::nullopt;
}

template <typename W>
W* cell(QTableWidget* t, int row, int col) {
  return qobject_cast<W*>(t->cellWidget(row, col));
}

}  // namespace

class TstChannelEditor : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;  // the restart reads what the first engine wrote
  std::shared_ptr<control::Engine> engine_;
  std::unique_ptr<EngineClient> client_;
  std::string freshJson_;  // the new channel as saved

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    auto engine = test::startEngine(config(dir_));
    QVERIFY(engine);
    engine_ = std::move(engine);
    client_ = std::make_unique<EngineClient>(engine_, QStringLiteral("embedded"));
    client_->start(200);
  }

  void rejectsBadInput_data() {
    QTest::addColumn<int>("mistake");
    QTest::addColumn<QString>("field");   // what the message must name
    QTest::addColumn<QString>("reason");  // and say
    QTest::addColumn<QString>("framed");  // the object framed as wrong
    QTest::newRow("part does not divide segment") << 0 << "packaging.part_ms"
                                                  << "must divide"
                                                  << "packaging.part_ms";
    QTest::newRow("rtmp input without key") << 1 << "input 'primary'"
                                            << "key"
                                            << "inputTable";
    QTest::newRow("bad cidr") << 2 << "inputs[0].allow"
                              << "10.0.0.0/33"
                              << "inputTable";
    QTest::newRow("rendition above the source") << 3 << "ladder rendition 'v0'"
                                                << "larger than the source"
                                                << "ladderTable";
    QTest::newRow("no id") << 4 << "channel.id"
                           << "invalid value"
                           << "id";
    QTest::newRow("part hold back under 3 parts") << 5 << "part_hold_back_ms"
                                                  << "at least 3 parts"
                                                  << "packaging.part_hold_back_ms";
  }
  void rejectsBadInput() {
    QFETCH(int, mistake);
    QFETCH(QString, field);
    QFETCH(QString, reason);
    QFETCH(QString, framed);
    ChannelEditor editor(client_.get());
    ChannelSpec good = test::tinyChannel("bad1");
    good.redundancy.mode = "single";
    editor.setSpec(good);
    QVERIFY2(editor.validationMessage().isEmpty(), qPrintable(editor.validationMessage()));
    auto* saveButton = editor.findChild<QPushButton*>("saveButton");
    QVERIFY(saveButton && saveButton->isEnabled());

    // Each mistake is made the way an operator makes it: in the form.
    switch (mistake) {
      case 0:
        editor.findChild<QSpinBox*>("packaging.part_ms")->setValue(300);
        break;
      case 1: {
        editor.findChild<QRadioButton*>("sourceInputs")->setChecked(true);
        auto* t = editor.inputEditor()->table();
        QCOMPARE(t->rowCount(), 1);  // a first input appears with the choice
        auto* type = cell<QComboBox>(t, 0, InputEditor::Type);
        type->setCurrentIndex(type->findData("rtmp"));
        QVERIFY(cell<QLineEdit>(t, 0, InputEditor::Key)->isEnabled());
        QVERIFY(!cell<QLineEdit>(t, 0, InputEditor::Passphrase)->isEnabled());
        break;
      }
      case 2: {
        editor.findChild<QRadioButton*>("sourceInputs")->setChecked(true);
        auto* allow = cell<QLineEdit>(editor.inputEditor()->table(), 0, InputEditor::Allow);
        QTest::keyClicks(allow, "127.0.0.1/32, 10.0.0.0/33");
        break;
      }
      case 3: {
        auto* w = cell<QSpinBox>(editor.ladderEditor()->table(), 0, LadderEditor::Width);
        w->setValue(1920);
        break;
      }
      case 4:
        editor.findChild<QLineEdit*>("id")->clear();
        break;
      case 5:
        editor.findChild<QSpinBox*>("packaging.part_hold_back_ms")->setValue(500);
        break;
    }
    const QString message = editor.validationMessage();
    QVERIFY2(message.contains(field), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(editor.findChild<QLabel*>("validationMessage")->text(), message);
    QVERIFY(!saveButton->isEnabled());
    auto* framedWidget = editor.findChild<QWidget*>(framed);
    QVERIFY(framedWidget);
    QVERIFY2(framedWidget->styleSheet().contains("border"), qPrintable(framed));

    QSignalSpy actions(client_.get(), &EngineClient::actionFinished);
    QSignalSpy saved(&editor, &ChannelEditor::saved);
    QVERIFY(!editor.save());
    QVERIFY(!editor.savePending());
    QVERIFY(editor.findChild<QLabel*>("saveStatus")->text().contains(message));
    // The refused save shows the page holding the named field.
    QVERIFY(editor.findChild<QTabWidget*>("editorTabs")->currentWidget()->isAncestorOf(framedWidget));
    QTest::qWait(300);
    QCOMPARE(actions.count(), 0);
    QCOMPARE(saved.count(), 0);
    QVERIFY(!savedSpec(*engine_, "bad1"));
    QVERIFY(!engine_->channel("bad1"));
  }

  void ladderPresetsAndRows() {
    ChannelEditor editor(client_.get());
    editor.findChild<QLineEdit*>("id")->setText("ladder1");
    editor.findChild<QSpinBox*>("source.width")->setValue(1280);
    editor.findChild<QSpinBox*>("source.height")->setValue(720);
    editor.findChild<QSpinBox*>("source.fps")->setValue(30);
    auto* preset = editor.findChild<QComboBox*>("ladderPreset");
    auto* apply = editor.findChild<QPushButton*>("applyLadderPreset");
    auto ladderJson = [](const std::vector<VideoRenditionSpec>& video) {
      ChannelSpec s;
      s.video = video;
      return control::channelToJson(s)["ladder"].dump();
    };
    // The product default, capped at the 720p source: no 1080p rung.
    preset->setCurrentIndex(preset->findData("default"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(ladderJson(editor.spec().video), ladderJson(defaultLadder(1280, 720, 30)));
    QCOMPARE(editor.spec().video.front().height, 720);
    preset->setCurrentIndex(preset->findData("demo"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(ladderJson(editor.spec().video), ladderJson(demoLadder()));

    // A custom row: a copy of the last with a free id; removable.
    QTest::mouseClick(editor.findChild<QPushButton*>("addRendition"), Qt::LeftButton);
    auto video = editor.spec().video;
    QCOMPARE(video.size(), demoLadder().size() + 1);
    QCOMPARE(video.back().id, std::string("v3"));
    QCOMPARE(video.back().width, demoLadder().back().width);
    QVERIFY2(editor.validationMessage().isEmpty(), qPrintable(editor.validationMessage()));
    cell<QLineEdit>(editor.ladderEditor()->table(), 3, LadderEditor::Id)->setText("v0");
    // Named by the field alone: "ladder rendition 'v0': id is used twice".
    QVERIFY2(editor.validationMessage().startsWith("ladder rendition 'v0'"), qPrintable(editor.validationMessage()));
    QVERIFY2(editor.validationMessage().contains("used twice"), qPrintable(editor.validationMessage()));
    editor.ladderEditor()->removeRow(3);
    QCOMPARE(ladderJson(editor.spec().video), ladderJson(demoLadder()));
    QVERIFY(editor.validationMessage().isEmpty());
  }

  void savesANewChannelThatRuns() {
    ChannelEditor editor(client_.get());
    editor.newChannel();
    QVERIFY(!editor.validationMessage().isEmpty());  // no id yet
    QTest::keyClicks(editor.findChild<QLineEdit*>("id"), kFresh);
    QTest::keyClicks(editor.findChild<QLineEdit*>("name"), "Fresh from the editor");
    editor.findChild<QSpinBox*>("source.width")->setValue(320);
    editor.findChild<QSpinBox*>("source.height")->setValue(180);
    auto* mode = editor.findChild<QComboBox*>("redundancy.mode");
    mode->setCurrentIndex(mode->findData("single"));
    // The demo ladder is larger than a 320x180 source...
    QVERIFY2(editor.validationMessage().contains("larger than the source"), qPrintable(editor.validationMessage()));
    // ...so keep one custom rung at the source size.
    auto* ladder = editor.ladderEditor();
    while (ladder->table()->rowCount() > 1) ladder->removeRow(0);
    auto* t = ladder->table();
    cell<QSpinBox>(t, 0, LadderEditor::Width)->setValue(320);
    cell<QSpinBox>(t, 0, LadderEditor::Height)->setValue(180);
    cell<QSpinBox>(t, 0, LadderEditor::BitrateKbps)->setValue(300);
    cell<QSpinBox>(t, 0, LadderEditor::MaxrateKbps)->setValue(330);
    auto* preset = cell<QComboBox>(t, 0, LadderEditor::Preset);
    preset->setCurrentIndex(preset->findData("ultrafast"));
    QVERIFY2(editor.validationMessage().isEmpty(), qPrintable(editor.validationMessage()));

    QSignalSpy saved(&editor, &ChannelEditor::saved);
    QTest::mouseClick(editor.findChild<QPushButton*>("saveButton"), Qt::LeftButton);
    QVERIFY(editor.savePending());
    QVERIFY(saved.wait(15000));
    QCOMPARE(saved.at(0).at(0).toString(), QString(kFresh));
    QVERIFY2(saved.at(0).at(1).toBool(), qPrintable(saved.at(0).at(2).toString()));
    QVERIFY(editor.findChild<QLabel*>("saveStatus")->text().contains(kFresh));

    // Running in the engine, publishing parts, as the form described it.
    QVERIFY(test::waitFor(
        [&] {
          auto st = engine_->channel(kFresh);
          return st && st->state == ChannelStatus::State::Running && st->partsPublished > 2;
        },
        20000));
    const auto st = *engine_->channel(kFresh);
    QCOMPARE(st.name, std::string("Fresh from the editor"));
    QCOMPARE(st.redundancy, std::string("single"));
    QCOMPARE(st.renditions.size(), size_t{2});  // v0 and the audio
    auto stored = savedSpec(*engine_, kFresh);
    QVERIFY(stored);
    QCOMPARE(stored->source.width, 320);
    QCOMPARE(stored->video.size(), size_t{1});
    QCOMPARE(stored->video[0].maxrateBps, int64_t{330'000});
    QCOMPARE(stored->video[0].preset, std::string("ultrafast"));
    QCOMPARE(jsonOf(*stored), jsonOf(editor.spec()));
    freshJson_ = jsonOf(*stored);
  }

  void editingRoundTripsTheSpec() {
    ChannelEditor editor(client_.get());
    QSignalSpy loaded(&editor, &ChannelEditor::specLoaded);
    editor.editChannel(kExisting);
    QVERIFY(loaded.wait(5000));
    QVERIFY(loaded.at(0).at(0).toBool());
    QVERIFY(editor.editing());
    QVERIFY(editor.findChild<QLineEdit*>("id")->isReadOnly());
    QVERIFY2(editor.validationMessage().isEmpty(), qPrintable(editor.validationMessage()));

    const auto stored = savedSpec(*engine_, kExisting);
    QVERIFY(stored);
    QCOMPARE(jsonOf(editor.spec()), jsonOf(*stored));
    // And what the engine was configured with in the first place.
    QCOMPARE(jsonOf(editor.spec()), jsonOf(existingChannel()));
    // The form shows it.
    QCOMPARE(editor.findChild<QSpinBox*>("packaging.part_ms")->value(), 400);
    QVERIFY(editor.findChild<QRadioButton*>("sourceInputs")->isChecked());
    auto* t = editor.inputEditor()->table();
    QCOMPARE(t->rowCount(), 2);
    QCOMPARE(cell<QLineEdit>(t, 0, InputEditor::Allow)->text(), QString("127.0.0.1/32, 10.0.0.0/8"));
    QCOMPARE(cell<QComboBox>(t, 0, InputEditor::KeyLength)->currentText(), QString("32"));
    QCOMPARE(editor.ladderEditor()->table()->rowCount(), 2);

    // Secrets are masked until revealed.
    auto* key = cell<QLineEdit>(t, 1, InputEditor::Key);
    auto* passphrase = cell<QLineEdit>(t, 0, InputEditor::Passphrase);
    QCOMPARE(key->text(), QString("sekrit-key-123"));
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    QCOMPARE(passphrase->echoMode(), QLineEdit::Password);
    editor.findChild<QCheckBox*>("revealSecrets")->setChecked(true);
    QCOMPARE(key->echoMode(), QLineEdit::Normal);
    QCOMPARE(passphrase->echoMode(), QLineEdit::Normal);
    editor.findChild<QCheckBox*>("revealSecrets")->setChecked(false);
    QCOMPARE(passphrase->echoMode(), QLineEdit::Password);

    // setSpec / spec round-trip without the engine too.
    ChannelEditor other(client_.get());
    other.setSpec(existingChannel());
    QCOMPARE(jsonOf(other.spec()), jsonOf(existingChannel()));
  }

  void editOfARunningChannelIsAppliedByARestart() {
    QVERIFY(test::waitFor(
        [&] {
          auto st = engine_->channel(kExisting);
          return st && st->state == ChannelStatus::State::Running;
        },
        10000));
    ChannelEditor editor(client_.get());
    QSignalSpy loaded(&editor, &ChannelEditor::specLoaded);
    editor.editChannel(kExisting);
    QVERIFY(loaded.wait(5000));
    auto* name = editor.findChild<QLineEdit*>("name");
    name->clear();
    QTest::keyClicks(name, "Edited");
    editor.findChild<QSpinBox*>("failover.loss_ms")->setValue(900);

    // Without the restart the engine refuses a running channel, and says so.
    QSignalSpy saved(&editor, &ChannelEditor::saved);
    QVERIFY(editor.save());
    QVERIFY(saved.wait(10000));
    QVERIFY(!saved.at(0).at(1).toBool());
    QVERIFY2(saved.at(0).at(2).toString().contains("running"), qPrintable(saved.at(0).at(2).toString()));
    QVERIFY(editor.findChild<QLabel*>("saveStatus")->text().contains("running"));
    QCOMPARE(savedSpec(*engine_, kExisting)->name, std::string("Edit me"));

    // With it: stopped, saved, started again with the new settings.
    editor.findChild<QCheckBox*>("restartToApply")->setChecked(true);
    QVERIFY(editor.save());
    QVERIFY(saved.wait(15000));
    QVERIFY2(saved.at(1).at(1).toBool(), qPrintable(saved.at(1).at(2).toString()));
    const auto stored = savedSpec(*engine_, kExisting);
    QCOMPARE(stored->name, std::string("Edited"));
    QCOMPARE(stored->failover.lossMs, 900);
    ChannelSpec expected = existingChannel();
    expected.name = "Edited";
    expected.failover.lossMs = 900;
    QCOMPARE(jsonOf(*stored), jsonOf(expected));
    QVERIFY(test::waitFor(
        [&] {
          auto st = engine_->channel(kExisting);
          return st && st->state == ChannelStatus::State::Running && st->name == "Edited";
        },
        15000));
  }

  // Last: the engine goes, and another one on the same data directory reads the saved channel.
  void savedChannelSurvivesARestart() {
    QVERIFY(!freshJson_.empty());
    client_.reset();
    engine_->stop();
    engine_.reset();
    auto again = control::Engine::create(config(dir_));
    QVERIFY2(again, again.message().c_str());
    auto stored = savedSpec(**again, kFresh);
    QVERIFY(stored);
    QCOMPARE(jsonOf(*stored), freshJson_);
  }
};

QTEST_MAIN(TstChannelEditor)
#include "tst_channel_editor.moc"
