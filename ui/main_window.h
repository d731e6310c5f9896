// The console's window: one page per engine (the embedded one and any remote
// vigild attached), each a wall of channel tiles and a channel view; menus
// for the operator, the engines, the channel editor and the language; the
// status bar says what each action did.
#pragma once

#include <QMainWindow>
#include <QString>

#include <memory>
#include <string>
#include <vector>

class QLabel;
class QStackedWidget;
class QTabWidget;
class QTranslator;

namespace vigil::control {
class EngineApi;
}

namespace vigil::ui {

class ChannelGrid;
class ChannelView;
class EngineClient;
class ThumbnailFeed;

// One engine's wall and channel view.
class EnginePage : public QWidget {
  Q_OBJECT

 public:
  EnginePage(EngineClient* client, QWidget* parent = nullptr);
  EngineClient* client() const { return client_; }
  ChannelGrid* grid() const { return grid_; }
  ChannelView* view() const { return view_; }
  void showChannel(const std::string& channelId);
  void showWall();

 signals:
  void editChannel(EngineClient* client, const std::string& channelId);

 private:
  EngineClient* client_;
  ThumbnailFeed* thumbnails_;
  std::vector<std::string> thumbnailChannels_;
  QStackedWidget* stack_;
  ChannelGrid* grid_;
  ChannelView* view_;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const QString& operatorName, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Adds an engine's page; the window owns the client from then on.
  EngineClient* addEngine(std::shared_ptr<control::EngineApi> api, const QString& label);
  EnginePage* page(int index) const;
  int engineCount() const;
  const QString& operatorName() const { return operatorName_; }
  void setOperatorName(const QString& name);
  // "en" or "de"; rebuilds every page in the new language.
  void setLanguage(const QString& language);
  const QString& language() const { return language_; }
  // Opens the channel editor of an engine's page on a channel ("": a new one).
  void openEditor(int page, const std::string& channelId);

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildMenus();
  void rebuildPages();
  void attachRemote();
  void askOperator();
  void openEditorFor(EngineClient* client, const std::string& channelId);
  void loadSettings();
  void saveSettings();
  EnginePage* currentPage() const;

  QString operatorName_;
  QString language_ = QStringLiteral("en");
  std::unique_ptr<QTranslator> translator_;
  std::vector<EngineClient*> clients_;  // children of the window
  QTabWidget* pages_;
  QLabel* clock_;
  QLabel* operatorLabel_;
};

// Loads the translation for language ("en", "de") into the application.
bool installTranslation(QTranslator& translator, const QString& language);

}  // namespace vigil::ui
