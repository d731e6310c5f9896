// The real console over a real embedded engine (test source, two worker
// processes per channel), offscreen: a click on "prefer pipeline 1" moves the
// engine's preferred pipeline and writes the operator's audit event; the
// confirmation says what viewers will see; the wall shows every channel with
// its tally, and sorts and filters; stopping a channel turns its tile red; a
// rehearsal reports its measured impact; the language switch translates.
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

#include "channel_grid.h"
#include "channel_view.h"
#include "control/remote_engine.h"
#include "editor/channel_editor.h"
#include "engine_client.h"
#include "main_window.h"
#include "operator_actions.h"
#include "support/hook_receiver.h"
#include "support/test_engine.h"
#include "support/wait_for.h"
#include "tally.h"

using namespace vigil;
using namespace vigil::ui;

namespace {

bool pipelinesUp(const control::EngineApi& e, const std::string& id) {
  const auto st = e.channel(id);
  if (!st || st->state != control::ChannelStatus::State::Running || st->pipelines.size() != 2) return false;
  for (const auto& p : st->pipelines)
    if (p.state != "up" || !p.steady) return false;
  return true;
}

QToolButton* buttonFor(QWidget* root, QAction* action) {
  for (auto* bar : root->findChildren<QToolBar*>())
    if (auto* b = qobject_cast<QToolButton*>(bar->widgetForAction(action))) return b;
  return nullptr;
}

}  // namespace

class TstConsole : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  test::HookReceiver hook_;  // sport's standby region
  std::shared_ptr<control::Engine> engine_;
  std::unique_ptr<MainWindow> window_;
  QStringList confirmations_;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // settings go to a test location, cleared here
    QSettings().clear();
    auto news = test::tinyChannel("news");
    auto sport = test::tinyChannel("sport");
    sport.redundancy.mode = "single";
    sport.regionFailover.hookUrl = hook_.url("/steer");
    engine_ = test::startEngine(test::loopbackConfig(dir_, {news, sport}));
    QVERIFY(engine_);
    window_ = std::make_unique<MainWindow>(QStringLiteral("alice"));
    window_->addEngine(engine_, QStringLiteral("embedded"));
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(test::waitFor([&] { return pipelinesUp(*engine_, "news"); }, 30000));
  }

  void cleanupTestCase() {
    window_.reset();
    if (engine_) engine_->stop();
  }

  void wallShowsEveryChannelWithItsTally() {
    ChannelGrid* grid = window_->page(0)->grid();
    QVERIFY(test::waitFor([&] { return grid->shownChannels().size() == 2; }, 5000));
    QVERIFY(test::waitFor([&] { return grid->tile("news")->tallyLabel() == tallyText(Tally::Primary); }, 10000));
    grid->setFilterText(QStringLiteral("spo"));
    QCOMPARE(grid->shownChannels(), std::vector<std::string>{"sport"});
    grid->setFilterText({});
    grid->setSortBy(ChannelGrid::SortBy::Name);
    QCOMPARE(grid->shownChannels(), (std::vector<std::string>{"news", "sport"}));
  }

  void clickOnPreferPipelineOneMovesTheEngineAndIsAudited() {
    EnginePage* page = window_->page(0);
    page->showChannel("news");
    ChannelView* view = page->view();
    OperatorActions* actions = view->actions();
    actions->setConfirm([this](const QString& title, const QString& consequence) {
      confirmations_ << title + QStringLiteral(": ") + consequence;
      return true;
    });
    QAction* prefer1 = actions->preferPipeline(1);
    QVERIFY(test::waitFor([&] { return prefer1->isEnabled(); }, 10000));
    QVERIFY(!actions->preferPipeline(0)->isEnabled());  // already preferred, and says so
    QVERIFY(actions->preferPipeline(0)->toolTip().contains("already preferred"));
    QToolButton* button = buttonFor(view, prefer1);
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);

    QCOMPARE(confirmations_.size(), 1);
    QVERIFY2(confirmations_[0].contains("viewers see no change"), qPrintable(confirmations_[0]));
    QVERIFY(test::waitFor(
        [&] {
          const auto st = engine_->channel("news");
          return st && st->pipelines.size() == 2 && st->pipelines[1].preferred && !st->pipelines[0].preferred;
        },
        10000));
    bool audited = false;
    for (const auto& e : engine_->events("news", 100))
      audited =
          audited || (e.kind == "pipeline.prefer" && e.actor == "alice" && e.detail.find('1') != std::string::npos);
    QVERIFY(audited);
    // The console learns it too: its own event log and the action's state.
    QVERIFY(test::waitFor([&] { return !prefer1->isEnabled(); }, 5000));
    bool seen = false;
    for (const auto& e : page->client()->events()) seen = seen || (e.kind == "pipeline.prefer" && e.actor == "alice");
    QVERIFY(seen);
  }

  void declinedConfirmationDoesNothing() {
    ChannelView* view = window_->page(0)->view();
    view->actions()->setConfirm([](const QString&, const QString&) { return false; });
    const auto before = engine_->events("news", 100).size();
    view->actions()->preferPipeline(0)->trigger();
    QTest::qWait(600);
    QVERIFY(engine_->channel("news")->pipelines[1].preferred);
    QCOMPARE(engine_->events("news", 100).size(), before);
  }

  // Region failover: disabled where no standby region exists, and says why;
  // where one does, a confirmed click calls its hook, under the operator's name.
  void regionFailoverCallsTheHookWhereThereIsOne() {
    EnginePage* page = window_->page(0);
    page->showChannel("news");
    OperatorActions* actions = page->view()->actions();
    QVERIFY(test::waitFor([&] { return actions->rehearse()->isEnabled(); }, 5000));
    QVERIFY(!actions->regionFailover()->isEnabled());
    QVERIFY(actions->regionFailover()->toolTip().contains("No standby region"));
    page->showChannel("sport");
    QVERIFY(test::waitFor([&] { return actions->regionFailover()->isEnabled(); }, 5000));
    QString asked;
    actions->setConfirm([&](const QString&, const QString& consequence) {
      asked = consequence;
      return true;
    });
    actions->regionFailover()->trigger();
    QVERIFY(asked.contains("standby region"));
    QVERIFY(test::waitFor([&] { return hook_.received().size() == 1; }, 10000));
    QVERIFY2(hook_.received()[0].body.find("\"actor\":\"alice\"") != std::string::npos,
             hook_.received()[0].body.c_str());
    page->showChannel("news");
  }

  void rehearsalReportsItsImpact() {
    EnginePage* page = window_->page(0);
    page->showChannel("news");
    ChannelView* view = page->view();
    view->actions()->setConfirm([](const QString&, const QString&) { return true; });
    QVERIFY(test::waitFor([&] { return view->actions()->rehearse()->isEnabled(); }, 5000));
    view->actions()->rehearse()->trigger();
    auto* report = view->findChild<QLabel*>(QStringLiteral("rehearsalReport"));
    QVERIFY(report);
    QVERIFY(test::waitFor([&] { return report->text().contains("worst manifest age"); }, 20000));
    QVERIFY2(report->text().contains("switched in"), qPrintable(report->text()));
    QVERIFY(test::waitFor([&] { return pipelinesUp(*engine_, "news"); }, 30000));
  }

  void stoppingAChannelTurnsItsTileRed() {
    EnginePage* page = window_->page(0);
    page->showChannel("sport");
    ChannelView* view = page->view();
    view->actions()->setConfirm([this](const QString&, const QString& consequence) {
      confirmations_ << consequence;
      return true;
    });
    QVERIFY(test::waitFor([&] { return view->actions()->stopChannel()->isEnabled(); }, 5000));
    view->actions()->stopChannel()->trigger();
    QVERIFY(confirmations_.last().contains("stalls"));
    page->showWall();
    QVERIFY(test::waitFor([&] { return page->grid()->tile("sport")->tallyLabel() == tallyText(Tally::Down); }, 10000));
    page->grid()->setSortBy(ChannelGrid::SortBy::Status);
    QCOMPARE(page->grid()->shownChannels().front(), std::string("sport"));  // worst first
    QVERIFY(test::waitFor([&] { return view->actions()->startChannel()->isEnabled(); }, 5000));
    view->actions()->startChannel()->trigger();
    QVERIFY(test::waitFor([&] { return engine_->channel("sport")->state == control::ChannelStatus::State::Running; },
                          15000));
  }

  void theEditorOpensFromTheMenuAndFromTheView() {
    auto* add = window_->findChild<QAction*>(QStringLiteral("actionNewChannel"));
    QVERIFY(add);
    add->trigger();
    auto* editor = window_->findChild<ChannelEditor*>();
    QVERIFY(editor && editor->isVisible());
    QVERIFY(!editor->editing());
    editor->close();
    QVERIFY(test::waitFor([&] { return window_->findChild<ChannelEditor*>() == nullptr; }, 2000));  // deleted on close
    EnginePage* page = window_->page(0);
    page->showChannel("news");
    auto* edit = page->view()->findChild<QPushButton*>(QStringLiteral("editChannel"));
    QVERIFY(edit);
    QTest::mouseClick(edit, Qt::LeftButton);
    editor = window_->findChild<ChannelEditor*>();
    QVERIFY(editor && editor->editing());
    QVERIFY(test::waitFor([&] { return editor->spec().id == "news"; }, 5000));
    editor->close();
  }

  // One console watches several engines: the same engine attached again
  // through its control API gets a page of its own with the same channels,
  // and an action taken there is the engine's, under the operator's name.
  void aRemoteEngineGetsItsOwnPage() {
    const std::string base = "http://127.0.0.1:" + std::to_string(engine_->httpPort());
    auto remote = control::RemoteEngine::connect(base, "", "alice");
    QVERIFY2(remote, remote.message().c_str());
    window_->addEngine(std::shared_ptr<control::EngineApi>(std::move(*remote)), QString::fromStdString(base));
    QCOMPARE(window_->engineCount(), 2);
    EnginePage* page = window_->page(1);
    QVERIFY(test::waitFor([&] { return page->grid()->shownChannels().size() == 2; }, 10000));
    QVERIFY(page->client()->snapshot().reachable);
    page->showChannel("news");
    page->view()->actions()->setConfirm([](const QString&, const QString&) { return true; });
    QVERIFY(test::waitFor([&] { return page->view()->actions()->preferPipeline(0)->isEnabled(); }, 20000));
    page->view()->actions()->preferPipeline(0)->trigger();
    QVERIFY(test::waitFor([&] { return engine_->channel("news")->pipelines[0].preferred; }, 10000));
    int byAlice = 0;
    for (const auto& e : engine_->events("news", 100)) byAlice += e.kind == "pipeline.prefer" && e.actor == "alice";
    QCOMPARE(byAlice, 2);
  }

  void languageSwitchTranslates() {
    window_->setLanguage(QStringLiteral("de"));
    QVERIFY2(test::waitFor(
                 [&] {
                   return window_->page(0)->grid()->tile("news") &&
                          window_->page(0)->grid()->tile("news")->tallyLabel() == QStringLiteral("Sendung: primär");
                 },
                 5000),
             qPrintable(window_->page(0)->grid()->tile("news")->tallyLabel()));
    window_->setLanguage(QStringLiteral("en"));
    QVERIFY(test::waitFor(
        [&] { return window_->page(0)->grid()->tile("news")->tallyLabel() == QStringLiteral("On air: primary"); },
        5000));
  }
};

QTEST_MAIN(TstConsole)
#include "tst_console.moc"
