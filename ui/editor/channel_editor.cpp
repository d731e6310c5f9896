#include "editor/channel_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <optional>

#include "control/config.h"
#include "editor/cell_widgets.h"
#include "editor/input_editor.h"
#include "editor/ladder_editor.h"
#include "editor/schema_fields.h"
#include "engine_client.h"
#include "qt_string.h"
#include "tally.h"

namespace vigil::ui {
namespace {

// The schema's verdict on a spec: the parsed (normalised) spec, or the message.
Result<ChannelSpec> checked(const ChannelSpec& spec) {
  return control::parseChannel(control::channelToJson(spec), "channel");
}

// parseChannel prefixes cross-field messages with its "where" and the channel
// ("channel: channel 'x': ..."): in the channel's own editor the field is enough
// (and a channel id such as "ladder2" must not read as a field's name).
QString displayMessage(std::string message, const std::string& channelId) {
  for (const std::string& prefix : {std::string("channel: "), "channel '" + channelId + "': "})
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  return qs(message);
}

}  // namespace

ChannelEditor::ChannelEditor(EngineClient* client, QWidget* parent) : QDialog(parent), client_(client) {
  setObjectName(QStringLiteral("channelEditor"));
  setWindowTitle(tr("Channel"));
  auto* layout = new QVBoxLayout(this);
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("editorTabs"));
  tabs_->addTab(buildGeneralTab(), tr("Channel"));
  tabs_->addTab(buildInputsTab(), tr("Inputs"));
  tabs_->addTab(buildLadderTab(), tr("Ladder and audio"));
  tabs_->addTab(buildPackagingTab(), tr("Packaging"));
  layout->addWidget(tabs_, 1);

  message_ = new QLabel;
  message_->setObjectName(QStringLiteral("validationMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(tallyColor(Tally::Down).name()));
  layout->addWidget(message_);
  status_ = new QLabel;
  status_->setObjectName(QStringLiteral("saveStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  auto* buttons = new QDialogButtonBox;
  saveButton_ = buttons->addButton(tr("Save and start"), QDialogButtonBox::AcceptRole);
  saveButton_->setObjectName(QStringLiteral("saveButton"));
  auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
  cancel->setObjectName(QStringLiteral("cancelButton"));
  layout->addWidget(buttons);
  connect(saveButton_, &QPushButton::clicked, this, [this] { save(); });
  connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
  connect(client_, &EngineClient::actionFinished, this, &ChannelEditor::onActionFinished);

  newChannel();
}

QSpinBox* ChannelEditor::addSpin(const char* section, const char* key, const QString& path) {
  auto* spin = cells::spin(section, key, 0);
  spin->setObjectName(path);
  spins_[path] = spin;
  fields_[path] = spin;
  connect(spin, &QSpinBox::valueChanged, this, &ChannelEditor::revalidate);
  return spin;
}

QWidget* ChannelEditor::buildGeneralTab() {
  auto* page = new QWidget;
  auto* form = new QFormLayout(page);
  id_ = new QLineEdit;
  id_->setObjectName(QStringLiteral("id"));
  id_->setToolTip(schema::help("channels[]", "id"));
  id_->setPlaceholderText(tr("e.g. news1 (letters, digits, - and _)"));
  name_ = new QLineEdit;
  name_->setObjectName(QStringLiteral("name"));
  name_->setToolTip(schema::help("channels[]", "name"));
  form->addRow(tr("Id"), id_);
  form->addRow(tr("Name"), name_);
  fields_[QStringLiteral("channel.id")] = id_;
  fields_[QStringLiteral("channel id")] = id_;
  fields_[QStringLiteral("channel.name")] = name_;

  testSource_ = new QRadioButton(tr("Built-in test source (pattern, clock and tone)"));
  testSource_->setObjectName(QStringLiteral("sourceTest"));
  contribution_ = new QRadioButton(tr("Contribution inputs (SRT or RTMP, see Inputs)"));
  contribution_->setObjectName(QStringLiteral("sourceInputs"));
  testSource_->setChecked(true);
  auto* sourceBox = new QVBoxLayout;
  sourceBox->addWidget(testSource_);
  sourceBox->addWidget(contribution_);
  form->addRow(tr("Source"), sourceBox);
  auto* w = addSpin("channels[].source", "width", QStringLiteral("source.width"));
  auto* h = addSpin("channels[].source", "height", QStringLiteral("source.height"));
  auto* fps = addSpin("channels[].source", "fps", QStringLiteral("source.fps"));
  auto* size = new QHBoxLayout;
  size->addWidget(w);
  size->addWidget(new QLabel(QStringLiteral("×")));
  size->addWidget(h);
  size->addWidget(new QLabel(tr("at")));
  size->addWidget(fps);
  size->addWidget(new QLabel(tr("fps")));
  size->addStretch(1);
  form->addRow(tr("Source picture (the pattern's, or what the inputs carry)"), size);
  fields_[QStringLiteral("source")] = w;

  redundancy_ = cells::combo(schema::choices("channels[].redundancy", "mode"));
  redundancy_->setObjectName(QStringLiteral("redundancy.mode"));
  redundancy_->setToolTip(schema::help("channels[].redundancy", "mode"));
  fields_[QStringLiteral("redundancy")] = redundancy_;
  form->addRow(tr("Redundancy"), redundancy_);

  restartToApply_ = new QCheckBox(tr("Restart the channel to apply (it leaves the air while it restarts)"));
  restartToApply_->setObjectName(QStringLiteral("restartToApply"));
  form->addRow(QString(), restartToApply_);

  connect(id_, &QLineEdit::textChanged, this, &ChannelEditor::revalidate);
  connect(name_, &QLineEdit::textChanged, this, &ChannelEditor::revalidate);
  connect(testSource_, &QRadioButton::toggled, this, [this] {
    updateSourceMode();
    revalidate();
  });
  connect(redundancy_, &QComboBox::currentIndexChanged, this, &ChannelEditor::revalidate);
  return page;
}

QWidget* ChannelEditor::buildInputsTab() {
  auto* page = new QWidget;
  auto* layout = new QVBoxLayout(page);
  inputs_ = new InputEditor;
  layout->addWidget(inputs_, 1);
  fields_[QStringLiteral("input")] = inputs_->table();
  connect(inputs_, &InputEditor::changed, this, &ChannelEditor::revalidate);

  auto* box = new QGroupBox(tr("Failover"));
  box->setObjectName(QStringLiteral("failover"));
  failoverBox_ = box;
  auto* form = new QFormLayout(box);
  form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  const char* s = "channels[].failover";
  form->addRow(tr("Loss of signal after (ms)"), addSpin(s, "loss_ms", QStringLiteral("failover.loss_ms")));
  form->addRow(tr("Black picture after (ms, 0: never)"), addSpin(s, "black_ms", QStringLiteral("failover.black_ms")));
  form->addRow(tr("Silence after (ms, 0: never)"), addSpin(s, "silence_ms", QStringLiteral("failover.silence_ms")));
  form->addRow(tr("Frozen picture after (ms, 0: never)"),
               addSpin(s, "freeze_ms", QStringLiteral("failover.freeze_ms")));
  autoReturn_ = new QCheckBox(tr("Return to the primary by itself"));
  autoReturn_->setObjectName(QStringLiteral("failover.auto_return"));
  autoReturn_->setToolTip(schema::help(s, "auto_return"));
  connect(autoReturn_, &QCheckBox::toggled, this, &ChannelEditor::revalidate);
  form->addRow(QString(), autoReturn_);
  form->addRow(tr("Primary fit for (ms) before the return"),
               addSpin(s, "return_holdoff_ms", QStringLiteral("failover.return_holdoff_ms")));
  layout->addWidget(box);
  return page;
}

QWidget* ChannelEditor::buildLadderTab() {
  auto* page = new QWidget;
  auto* layout = new QVBoxLayout(page);
  ladder_ = new LadderEditor([this] { return spec().source; });
  layout->addWidget(ladder_, 1);
  fields_[QStringLiteral("ladder")] = ladder_->table();
  connect(ladder_, &LadderEditor::changed, this, &ChannelEditor::revalidate);

  auto* box = new QGroupBox(tr("Audio (AAC)"));
  auto* form = new QFormLayout(box);
  form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  const char* s = "channels[].audio";
  audioId_ = new QLineEdit;
  audioId_->setObjectName(QStringLiteral("audio.id"));
  audioLanguage_ = new QLineEdit;
  audioLanguage_->setObjectName(QStringLiteral("audio.language"));
  audioName_ = new QLineEdit;
  audioName_->setObjectName(QStringLiteral("audio.name"));
  audioId_->setToolTip(schema::help(s, "id"));
  audioLanguage_->setToolTip(schema::help(s, "language"));
  audioName_->setToolTip(schema::help(s, "name"));
  fields_[QStringLiteral("audio.id")] = audioId_;
  fields_[QStringLiteral("audio.language")] = audioLanguage_;
  fields_[QStringLiteral("audio.name")] = audioName_;
  form->addRow(tr("Id"), audioId_);
  form->addRow(tr("Bitrate (kbps)"), addSpin(s, "bitrate_kbps", QStringLiteral("audio.bitrate_kbps")));
  form->addRow(tr("Channels"), addSpin(s, "channels", QStringLiteral("audio.channels")));
  form->addRow(tr("Language"), audioLanguage_);
  form->addRow(tr("Name shown by players"), audioName_);
  for (auto* edit : {audioId_, audioLanguage_, audioName_})
    connect(edit, &QLineEdit::textChanged, this, &ChannelEditor::revalidate);
  layout->addWidget(box);
  return page;
}

QWidget* ChannelEditor::buildPackagingTab() {
  auto* page = new QWidget;
  auto* form = new QFormLayout(page);
  form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  const char* s = "channels[].packaging";
  form->addRow(tr("Segment duration (ms)"), addSpin(s, "segment_ms", QStringLiteral("packaging.segment_ms")));
  form->addRow(tr("Part duration (ms, divides the segment)"),
               addSpin(s, "part_ms", QStringLiteral("packaging.part_ms")));
  form->addRow(tr("Part hold back (ms, at least 3 parts)"),
               addSpin(s, "part_hold_back_ms", QStringLiteral("packaging.part_hold_back_ms")));
  form->addRow(tr("Live window (segments)"),
               addSpin(s, "live_window_segments", QStringLiteral("packaging.live_window_segments")));
  form->addRow(tr("DVR window (segments)"),
               addSpin(s, "dvr_window_segments", QStringLiteral("packaging.dvr_window_segments")));
  return page;
}

void ChannelEditor::newChannel() {
  editing_ = false;
  ChannelSpec fresh;
  fresh.video = demoLadder();  // what parseChannel gives a channel without a ladder
  setSpec(fresh);
  id_->setReadOnly(false);
  restartToApply_->setVisible(false);
  setWindowTitle(tr("New channel"));
  status_->clear();
}

void ChannelEditor::editChannel(const std::string& channelId) {
  editing_ = true;
  id_->setReadOnly(true);
  restartToApply_->setVisible(true);
  setWindowTitle(tr("Edit channel %1").arg(qs(channelId)));
  status_->setText(tr("Loading %1…").arg(qs(channelId)));
  client_->call(
      this,
      [channelId](control::EngineApi& api) -> std::optional<ChannelSpec> {
        for (auto& s : api.channelSpecs())
          if (s.id == channelId) return s;
        return std::nullopt;
      },
      [this, channelId](const std::optional<ChannelSpec>& found) {
        if (found) {
          setSpec(*found);
          status_->clear();
        } else {
          status_->setText(tr("The engine has no channel %1.").arg(qs(channelId)));
        }
        emit specLoaded(found.has_value());
      });
}

void ChannelEditor::setChannel(const std::string& channelId) {
  if (channelId.empty())
    newChannel();
  else
    editChannel(channelId);
}

void ChannelEditor::setSpec(const ChannelSpec& s) {
  loading_ = true;
  base_ = s;
  id_->setText(qs(s.id));
  name_->setText(qs(s.name));
  cells::setSpinValue(spins_.at(QStringLiteral("source.width")), s.source.width);
  cells::setSpinValue(spins_.at(QStringLiteral("source.height")), s.source.height);
  cells::setSpinValue(spins_.at(QStringLiteral("source.fps")), s.source.frameRateNum);
  (s.inputs.empty() ? testSource_ : contribution_)->setChecked(true);
  inputs_->setInputs(s.inputs);
  cells::setComboValue(redundancy_, qs(s.redundancy.mode));
  const auto& f = s.failover;
  cells::setSpinValue(spins_.at(QStringLiteral("failover.loss_ms")), f.lossMs);
  cells::setSpinValue(spins_.at(QStringLiteral("failover.black_ms")), f.blackMs);
  cells::setSpinValue(spins_.at(QStringLiteral("failover.silence_ms")), f.silenceMs);
  cells::setSpinValue(spins_.at(QStringLiteral("failover.freeze_ms")), f.freezeMs);
  autoReturn_->setChecked(f.autoReturn);
  cells::setSpinValue(spins_.at(QStringLiteral("failover.return_holdoff_ms")), f.returnHoldoffMs);
  ladder_->setRenditions(s.video);
  audioId_->setText(qs(s.audio.id));
  cells::setSpinValue(spins_.at(QStringLiteral("audio.bitrate_kbps")), static_cast<int>(s.audio.bitrateBps / 1000));
  cells::setSpinValue(spins_.at(QStringLiteral("audio.channels")), s.audio.channels);
  audioLanguage_->setText(qs(s.audio.language));
  audioName_->setText(qs(s.audio.name));
  const auto& p = s.packaging;
  cells::setSpinValue(spins_.at(QStringLiteral("packaging.segment_ms")), p.segmentDurationMs);
  cells::setSpinValue(spins_.at(QStringLiteral("packaging.part_ms")), p.partDurationMs);
  cells::setSpinValue(spins_.at(QStringLiteral("packaging.part_hold_back_ms")), p.partHoldBackMs);
  cells::setSpinValue(spins_.at(QStringLiteral("packaging.live_window_segments")), p.liveWindowSegments);
  cells::setSpinValue(spins_.at(QStringLiteral("packaging.dvr_window_segments")), p.dvrWindowSegments);
  loading_ = false;
  updateSourceMode();
  revalidate();
}

ChannelSpec ChannelEditor::spec() const {
  ChannelSpec s = base_;
  auto v = [this](const char* path) { return spins_.at(QLatin1String(path))->value(); };
  s.id = id_->text().trimmed().toStdString();
  s.name = name_->text().trimmed().toStdString();
  s.source.width = v("source.width");
  s.source.height = v("source.height");
  s.source.frameRateNum = v("source.fps");
  s.inputs = contribution_->isChecked() ? inputs_->inputs() : std::vector<InputSpec>{};
  s.failover.lossMs = v("failover.loss_ms");
  s.failover.blackMs = v("failover.black_ms");
  s.failover.silenceMs = v("failover.silence_ms");
  s.failover.freezeMs = v("failover.freeze_ms");
  s.failover.autoReturn = autoReturn_->isChecked();
  s.failover.returnHoldoffMs = v("failover.return_holdoff_ms");
  s.redundancy.mode = cells::comboValue(redundancy_).toStdString();
  if (s.redundancy.pipelines() == 1) s.redundancy.preferred = 0;  // the only pipeline there is
  s.video = ladder_->renditions();
  s.audio.id = audioId_->text().trimmed().toStdString();
  s.audio.bitrateBps = int64_t{v("audio.bitrate_kbps")} * 1000;
  s.audio.channels = v("audio.channels");
  s.audio.language = audioLanguage_->text().trimmed().toStdString();
  s.audio.name = audioName_->text().trimmed().toStdString();
  s.packaging.segmentDurationMs = v("packaging.segment_ms");
  s.packaging.partDurationMs = v("packaging.part_ms");
  s.packaging.partHoldBackMs = v("packaging.part_hold_back_ms");
  s.packaging.liveWindowSegments = v("packaging.live_window_segments");
  s.packaging.dvrWindowSegments = v("packaging.dvr_window_segments");
  return s;
}

void ChannelEditor::updateSourceMode() {
  const bool inputs = contribution_->isChecked();
  inputs_->setEnabled(inputs);
  failoverBox_->setEnabled(inputs);
  if (inputs && inputs_->table()->rowCount() == 0) inputs_->addRow();
}

void ChannelEditor::revalidate() {
  if (loading_) return;
  const ChannelSpec s = spec();
  QString message;
  if (contribution_->isChecked() && s.inputs.empty())
    message = tr("inputs: add an input, or choose the built-in test source");
  else if (auto parsed = checked(s); !parsed)
    message = displayMessage(parsed.message(), s.id);
  validation_ = message;
  message_->setText(message);
  highlight(message);
  saveButton_->setEnabled(message.isEmpty() && pendingWhat_.isEmpty());
}

// Frames the field the message names first (the longest name on a tie:
// "source.width" over "source").
void ChannelEditor::highlight(const QString& message) {
  QWidget* named = nullptr;
  qsizetype bestAt = -1, bestLength = 0;
  for (const auto& [path, widget] : fields_) {
    widget->setStyleSheet(QString());
    const auto at = message.indexOf(path);
    if (at < 0) continue;
    if (bestAt < 0 || at < bestAt || (at == bestAt && path.size() > bestLength)) {
      named = widget;
      bestAt = at;
      bestLength = path.size();
    }
  }
  if (named) named->setStyleSheet(QStringLiteral("border: 1px solid %1;").arg(tallyColor(Tally::Down).name()));
}

bool ChannelEditor::save() {
  revalidate();
  if (!validation_.isEmpty()) {
    // Show the tab holding the field the message names.
    for (int i = 0; i < tabs_->count(); ++i)
      for (const auto& [path, widget] : fields_)
        if (!widget->styleSheet().isEmpty() && tabs_->widget(i)->isAncestorOf(widget)) tabs_->setCurrentIndex(i);
    status_->setText(tr("Not saved: %1").arg(validation_));
    return false;
  }
  if (!pendingWhat_.isEmpty()) return false;
  auto parsed = checked(spec());
  toSave_ = *parsed;  // as the schema reads it back: what the store will hold
  const control::ChannelStatus* running = client_->channel(toSave_.id);
  const bool live = running && (running->state == control::ChannelStatus::State::Running ||
                                running->state == control::ChannelStatus::State::Starting);
  if (editing_ && live && restartToApply_->isChecked()) {
    // The engine replaces only a stopped channel: stop it first, then save.
    pendingIsStop_ = true;
    pendingWhat_ = EngineClient::tr("stop %1").arg(qs(toSave_.id));
    status_->setText(tr("Stopping %1…").arg(qs(toSave_.id)));
    client_->stopChannel(toSave_.id);
  } else {
    sendSpec();
  }
  saveButton_->setEnabled(false);
  return true;
}

void ChannelEditor::sendSpec() {
  pendingIsStop_ = false;
  // EngineClient::addChannel reports under this sentence (actionFinished's what).
  pendingWhat_ = EngineClient::tr("save channel %1").arg(qs(toSave_.id));
  status_->setText(tr("Saving %1…").arg(qs(toSave_.id)));
  client_->addChannel(toSave_);
}

void ChannelEditor::onActionFinished(const QString& what, bool ok, const QString& message) {
  if (pendingWhat_.isEmpty() || what != pendingWhat_) return;
  const QString id = qs(toSave_.id);
  if (pendingIsStop_ && ok) {
    sendSpec();
    return;
  }
  pendingWhat_.clear();
  pendingIsStop_ = false;
  saveButton_->setEnabled(validation_.isEmpty());
  if (ok) {
    status_->setText(tr("Saved: %1 is starting with these settings.").arg(id));
    base_ = toSave_;
    editing_ = true;
    id_->setReadOnly(true);
  } else {
    status_->setText(tr("The engine did not save %1: %2").arg(id, message));
  }
  emit saved(id, ok, message);
  if (ok) accept();
}

}  // namespace vigil::ui
