// Creates and edits a channel (core/channel_spec.h). Every rule comes from the
// engine's one schema (control::parseChannel / validateChannel): the message
// naming the offending field is shown under the form, and Save is refused
// until there is none. Save hands the spec to EngineClient::addChannel (the
// engine validates again, persists it in SQLite and starts the channel) and
// reports the outcome it gets back (EngineClient::actionFinished).
#pragma once

#include <QDialog>
#include <QString>

#include <map>
#include <string>

#include "core/channel_spec.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;

namespace vigil::ui {

class EngineClient;
class InputEditor;
class LadderEditor;

class ChannelEditor : public QDialog {
  Q_OBJECT

 public:
  explicit ChannelEditor(EngineClient* client, QWidget* parent = nullptr);

  // A new channel: the product defaults with the demo ladder, no id yet.
  void newChannel();
  // Edits a declared channel: its saved spec is fetched (EngineApi::channelSpecs,
  // off the GUI thread); specLoaded follows. The id is then fixed.
  void editChannel(const std::string& channelId);
  // The panels' common entry point: editChannel, or newChannel for "".
  void setChannel(const std::string& channelId);

  void setSpec(const ChannelSpec& spec);
  // The spec as the form holds it (fields the form does not show keep the
  // values of the spec last set).
  ChannelSpec spec() const;
  // "" when the spec is valid, else the schema's message naming the field.
  QString validationMessage() const { return validation_; }
  bool editing() const { return editing_; }
  bool savePending() const { return !pendingWhat_.isEmpty(); }

  // Validates and, when valid, sends the spec to the engine; false (and
  // nothing sent) when invalid or a save is already under way.
  bool save();

  InputEditor* inputEditor() const { return inputs_; }
  LadderEditor* ladderEditor() const { return ladder_; }

 signals:
  void specLoaded(bool found);
  // The engine's answer to a save.
  void saved(const QString& channelId, bool ok, const QString& message);

 private:
  QWidget* buildGeneralTab();
  QWidget* buildInputsTab();
  QWidget* buildLadderTab();
  QWidget* buildPackagingTab();
  QSpinBox* addSpin(const char* section, const char* key, const QString& path);
  void revalidate();
  void highlight(const QString& message);
  void updateSourceMode();
  void onActionFinished(const QString& what, bool ok, const QString& message);
  void sendSpec();

  EngineClient* client_;
  ChannelSpec base_;  // the spec last set: carries the fields the form does not show
  ChannelSpec toSave_;
  bool editing_ = false;
  bool loading_ = false;  // setSpec is filling the form: no revalidation per field
  QString validation_;
  QString pendingWhat_;  // the EngineClient action a save waits for
  bool pendingIsStop_ = false;

  QTabWidget* tabs_;
  QLineEdit* id_;
  QLineEdit* name_;
  QRadioButton* testSource_;
  QRadioButton* contribution_;
  QComboBox* redundancy_;
  QCheckBox* autoReturn_;
  QCheckBox* restartToApply_;
  QLineEdit* audioId_;
  QLineEdit* audioLanguage_;
  QLineEdit* audioName_;
  InputEditor* inputs_;
  LadderEditor* ladder_;
  QWidget* failoverBox_;
  QLabel* message_;
  QLabel* status_;
  QPushButton* saveButton_;
  std::map<QString, QSpinBox*> spins_;  // by schema path ("packaging.part_ms")
  std::map<QString, QWidget*> fields_;  // every field by the path messages name it by
};

}  // namespace vigil::ui
