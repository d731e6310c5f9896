#include "main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QThreadPool>
#include <QTimer>
#include <QTranslator>

#include "channel_grid.h"
#include "channel_view.h"
#include "confidence/thumbnail_feed.h"
#include "control/remote_engine.h"
#include "editor/channel_editor.h"
#include "engine_client.h"

namespace vigil::ui {

EnginePage::EnginePage(EngineClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(0, 0, 0, 0);
  stack_ = new QStackedWidget(this);
  grid_ = new ChannelGrid(client_, stack_);
  view_ = new ChannelView(client_, stack_);
  stack_->addWidget(grid_);
  stack_->addWidget(view_);
  v->addWidget(stack_);
  connect(grid_, &ChannelGrid::channelActivated, this, &EnginePage::showChannel);
  // Thumbnails for the wall: each channel's lowest rendition, about one picture a segment.
  thumbnails_ = new ThumbnailFeed(client_, this);
  connect(thumbnails_, &ThumbnailFeed::thumbnailReady, grid_, &ChannelGrid::setThumbnail);
  connect(client_, &EngineClient::snapshotUpdated, this, [this] {
    std::vector<std::string> ids;
    for (const auto& c : client_->snapshot().channels)
      if (c.state == control::ChannelStatus::State::Running) ids.push_back(c.id);
    if (ids != thumbnailChannels_) {
      thumbnailChannels_ = ids;
      thumbnails_->setChannels(ids);
    }
  });
  connect(view_, &ChannelView::backToWall, this, &EnginePage::showWall);
  connect(view_, &ChannelView::editChannel, this, [this](const std::string& id) { emit editChannel(client_, id); });
}

void EnginePage::showChannel(const std::string& channelId) {
  view_->setChannel(channelId);
  stack_->setCurrentWidget(view_);
}

void EnginePage::showWall() { stack_->setCurrentWidget(grid_); }

bool installTranslation(QTranslator& translator, const QString& language) {
  return translator.load(QStringLiteral(":/i18n/vigil_%1.qm").arg(language));
}

MainWindow::MainWindow(const QString& operatorName, QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  operatorName_ = operatorName.trimmed().isEmpty() ? QStringLiteral("operator") : operatorName.trimmed();
  pages_ = new QTabWidget(this);
  pages_->setObjectName(QStringLiteral("enginePages"));
  pages_->setDocumentMode(true);
  setCentralWidget(pages_);
  clock_ = new QLabel(this);
  operatorLabel_ = new QLabel(this);
  statusBar()->addPermanentWidget(operatorLabel_);
  statusBar()->addPermanentWidget(clock_);
  auto* tick = new QTimer(this);
  connect(tick, &QTimer::timeout, this, [this] {
    clock_->setText(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")));
  });
  tick->start(1000);
  loadSettings();
  setLanguage(language_);
}

MainWindow::~MainWindow() {
  // Pages first: their widgets hold pointers to the clients.
  delete pages_;
  pages_ = nullptr;
  for (EngineClient* c : clients_) delete c;
}

EngineClient* MainWindow::addEngine(std::shared_ptr<control::EngineApi> api, const QString& label) {
  auto* client = new EngineClient(std::move(api), label);
  client->setOperatorName(operatorName_);
  clients_.push_back(client);
  connect(client, &EngineClient::actionFinished, this, [this](const QString& what, bool ok, const QString& message) {
    statusBar()->showMessage(ok ? tr("Done: %1").arg(what) : tr("Refused: %1 — %2").arg(what, message), 15000);
  });
  connect(client, &EngineClient::reachabilityChanged, this, [this, client](bool reachable, const QString& error) {
    if (!reachable) statusBar()->showMessage(tr("Engine %1 unreachable: %2").arg(client->label(), error), 15000);
  });
  client->start();
  rebuildPages();
  return client;
}

EnginePage* MainWindow::page(int index) const { return qobject_cast<EnginePage*>(pages_->widget(index)); }
int MainWindow::engineCount() const { return int(clients_.size()); }
EnginePage* MainWindow::currentPage() const { return qobject_cast<EnginePage*>(pages_->currentWidget()); }

void MainWindow::rebuildPages() {
  const int current = pages_->currentIndex();
  while (pages_->count() > 0) {
    QWidget* w = pages_->widget(0);
    pages_->removeTab(0);
    delete w;
  }
  for (EngineClient* c : clients_) {
    auto* p = new EnginePage(c, pages_);
    connect(p, &EnginePage::editChannel, this, &MainWindow::openEditorFor);
    pages_->addTab(p, c->label());
  }
  pages_->setTabBarAutoHide(clients_.size() < 2);
  if (current >= 0 && current < pages_->count()) pages_->setCurrentIndex(current);
}

void MainWindow::buildMenus() {
  for (QAction* a : menuBar()->actions())
    if (a->menu()) a->menu()->deleteLater();
  menuBar()->clear();
  operatorLabel_->setText(tr("Operator: %1").arg(operatorName_));
  setWindowTitle(tr("Vigil master control — %1").arg(operatorName_));

  QMenu* console = menuBar()->addMenu(tr("&Console"));
  console->addAction(tr("&Operator…"), this, &MainWindow::askOperator);
  console->addAction(tr("&Attach remote engine…"), this, &MainWindow::attachRemote);
  console->addSeparator();
  console->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* channel = menuBar()->addMenu(tr("C&hannel"));
  QAction* add = channel->addAction(tr("&New channel…"), this, [this] {
    if (EnginePage* p = currentPage()) openEditorFor(p->client(), {});
  });
  add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
  add->setObjectName(QStringLiteral("actionNewChannel"));
  QAction* wall = channel->addAction(tr("&Wall"), this, [this] {
    if (EnginePage* p = currentPage()) p->showWall();
  });
  wall->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QMenu* lang = view->addMenu(tr("&Language"));
  auto* group = new QActionGroup(lang);
  for (const auto& [code, name] : {std::pair{QStringLiteral("en"), QStringLiteral("English")},
                                   std::pair{QStringLiteral("de"), QStringLiteral("Deutsch")}}) {
    QAction* a = lang->addAction(name);
    a->setObjectName(QStringLiteral("actionLanguage_%1").arg(code));
    a->setCheckable(true);
    a->setChecked(code == language_);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, code = code] { setLanguage(code); });
  }
}

void MainWindow::setLanguage(const QString& language) {
  if (translator_) QCoreApplication::removeTranslator(translator_.get());
  translator_ = std::make_unique<QTranslator>();
  if (installTranslation(*translator_, language)) QCoreApplication::installTranslator(translator_.get());
  language_ = language;
  buildMenus();
  rebuildPages();
  saveSettings();
}

void MainWindow::setOperatorName(const QString& name) {
  saveSettings();
  operatorName_ = name.trimmed().isEmpty() ? QStringLiteral("operator") : name.trimmed();
  for (EngineClient* c : clients_) c->setOperatorName(operatorName_);
  loadSettings();
  setLanguage(language_);
}

void MainWindow::askOperator() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Operator"), tr("Your name (kept in every action's event):"),
                                             QLineEdit::Normal, operatorName_, &ok);
  if (ok) setOperatorName(name);
}

void MainWindow::attachRemote() {
  QDialog d(this);
  d.setWindowTitle(tr("Attach a remote engine"));
  auto* form = new QFormLayout(&d);
  auto* url = new QLineEdit(QStringLiteral("http://127.0.0.1:8080"), &d);
  auto* token = new QLineEdit(&d);
  token->setEchoMode(QLineEdit::Password);
  form->addRow(tr("Engine URL"), url);
  form->addRow(tr("Control token"), token);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
  if (d.exec() != QDialog::Accepted) return;
  // connect() checks the engine once (bounded by its timeout): off the GUI
  // thread, the page appears when the engine has answered.
  const QString base = url->text().trimmed();
  statusBar()->showMessage(tr("Attaching %1…").arg(base));
  QPointer<MainWindow> self(this);
  QThreadPool::globalInstance()->start(
      [self, base, token = token->text().toStdString(), name = operatorName_.toStdString()] {
        auto remote = control::RemoteEngine::connect(base.toStdString(), token, name);
        std::shared_ptr<control::EngineApi> api;
        QString error;
        if (remote)
          api = std::move(*remote);
        else
          error = QString::fromStdString(remote.message());
        QMetaObject::invokeMethod(
            qApp,
            [self, base, api, error] {
              if (!self) return;
              if (!api) {
                QMessageBox::warning(self, tr("Attach a remote engine"), error);
                return;
              }
              self->addEngine(api, base);
              self->pages_->setCurrentIndex(self->pages_->count() - 1);
            },
            Qt::QueuedConnection);
      });
}

void MainWindow::openEditor(int index, const std::string& channelId) {
  if (EnginePage* p = page(index)) openEditorFor(p->client(), channelId);
}

void MainWindow::openEditorFor(EngineClient* client, const std::string& channelId) {
  auto* editor = new ChannelEditor(client, this);
  editor->setAttribute(Qt::WA_DeleteOnClose);
  if (channelId.empty())
    editor->newChannel();
  else
    editor->editChannel(channelId);
  editor->open();
}

void MainWindow::loadSettings() {
  QSettings s;
  s.beginGroup(QStringLiteral("operators/%1").arg(operatorName_));
  language_ = s.value(QStringLiteral("language"), language_).toString();
  if (s.contains(QStringLiteral("geometry"))) restoreGeometry(s.value(QStringLiteral("geometry")).toByteArray());
}

void MainWindow::saveSettings() {
  QSettings s;
  s.beginGroup(QStringLiteral("operators/%1").arg(operatorName_));
  s.setValue(QStringLiteral("language"), language_);
  s.setValue(QStringLiteral("geometry"), saveGeometry());
}

void MainWindow::closeEvent(QCloseEvent* e) {
  saveSettings();
  e->accept();
}

}  // namespace vigil::ui
