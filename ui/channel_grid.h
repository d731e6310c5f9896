// The wall: every channel as a tile with its programme thumbnail, tally
// colour, active pipeline, worst manifest age and open alarms; sorted and
// filtered, so the channel in trouble is the one that catches the eye.
#pragma once

#include <QFrame>
#include <QImage>
#include <QString>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QComboBox;
class QCheckBox;
class QGridLayout;
class QLabel;
class QLineEdit;

namespace vigil::control {
struct ChannelStatus;
}

namespace vigil::ui {

class EngineClient;

class ChannelTile : public QFrame {
  Q_OBJECT

 public:
  explicit ChannelTile(const std::string& channelId, QWidget* parent = nullptr);
  void update(const control::ChannelStatus& c, int criticalAlarms);
  void setThumbnail(const QImage& image);
  void setSelected(bool selected);
  const std::string& channelId() const { return channelId_; }
  QString tallyLabel() const;  // for tests and accessibility

 signals:
  void clicked(const std::string& channelId);
  void activated(const std::string& channelId);

 protected:
  void mousePressEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;

 private:
  std::string channelId_;
  QLabel* picture_;
  QLabel* tally_;
  QLabel* name_;
  QLabel* pipeline_;
  QLabel* age_;
  QLabel* alarms_;
  bool selected_ = false;
  QString borderColor_;
  void restyle();
};

class ChannelGrid : public QWidget {
  Q_OBJECT

 public:
  enum class SortBy { Name, Status, ManifestAge, Alarms };

  explicit ChannelGrid(EngineClient* client, QWidget* parent = nullptr);
  void setSortBy(SortBy sort);
  void setFilterText(const QString& text);
  void setProblemsOnly(bool on);
  void setThumbnail(const QString& channelId, const QImage& image);
  // The tiles shown, in order (tests).
  std::vector<std::string> shownChannels() const { return order_; }
  ChannelTile* tile(const std::string& channelId) const;

 signals:
  void channelSelected(const std::string& channelId);
  void channelActivated(const std::string& channelId);

 protected:
  void resizeEvent(QResizeEvent* e) override;

 private:
  void refresh();
  void relayout();

  EngineClient* client_;
  QLineEdit* filter_;
  QComboBox* sort_;
  QCheckBox* problemsOnly_;
  QWidget* tilesHost_;
  QGridLayout* tiles_;
  QLabel* summary_;
  std::map<std::string, ChannelTile*> tileById_;
  std::vector<std::string> order_;
  std::string selected_;
  int columns_ = 0;
};

}  // namespace vigil::ui
