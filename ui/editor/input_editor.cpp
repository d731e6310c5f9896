#include "editor/input_editor.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

#include "editor/cell_widgets.h"
#include "editor/schema_fields.h"

namespace vigil::ui {
namespace {

constexpr const char* kSection = "channels[].inputs[]";

template <typename W>
W* cell(const QTableWidget* t, int row, int col) {
  return qobject_cast<W*>(t->cellWidget(row, col));
}

QString joinCidrs(const std::vector<std::string>& cidrs) {
  QStringList out;
  for (const auto& c : cidrs) out << QString::fromStdString(c);
  return out.join(QStringLiteral(", "));
}

std::vector<std::string> splitCidrs(const QString& text) {
  std::vector<std::string> out;
  for (const auto& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
    if (const QString t = part.trimmed(); !t.isEmpty()) out.push_back(t.toStdString());
  return out;
}

}  // namespace

InputEditor::InputEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("inputEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add input"));
  add->setObjectName(QStringLiteral("addInput"));
  auto* remove = new QPushButton(tr("Remove input"));
  remove->setObjectName(QStringLiteral("removeInput"));
  reveal_ = new QCheckBox(tr("Show keys and passphrases"));
  reveal_->setObjectName(QStringLiteral("revealSecrets"));
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch(1);
  buttons->addWidget(reveal_);
  layout->addLayout(buttons);

  table_ = new QTableWidget(0, ColumnCount);
  table_->setObjectName(QStringLiteral("inputTable"));
  table_->setHorizontalHeaderLabels({tr("Protocol"), tr("Id"), tr("RTMP application"), tr("RTMP stream key"),
                                     tr("SRT passphrase"), tr("SRT key length"), tr("SRT latency (ms)"),
                                     tr("Allowed callers (CIDR, comma separated)")});
  auto* header = table_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  // Free text: wide enough to read what was typed, not just the header.
  for (int col : {Id, App, Key, Passphrase}) {
    header->setSectionResizeMode(col, QHeaderView::Interactive);
    table_->setColumnWidth(col, 150);
  }
  header->setStretchLastSection(true);
  table_->setColumnWidth(Allow, 260);
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setMinimumHeight(110);
  layout->addWidget(table_);

  connect(add, &QPushButton::clicked, this, &InputEditor::addRow);
  connect(remove, &QPushButton::clicked, this,
          [this] { removeRow(table_->currentRow() >= 0 ? table_->currentRow() : table_->rowCount() - 1); });
  connect(reveal_, &QCheckBox::toggled, this, &InputEditor::setSecretsRevealed);
}

void InputEditor::setInputs(const std::vector<InputSpec>& inputs) {
  table_->setRowCount(0);
  for (const auto& in : inputs) insertRow(table_->rowCount(), in);
  emit changed();
}

std::vector<InputSpec> InputEditor::inputs() const {
  std::vector<InputSpec> out;
  for (int row = 0; row < table_->rowCount(); ++row) {
    InputSpec in;
    in.type = cells::comboValue(cell<QComboBox>(table_, row, Type)).toStdString();
    in.id = cell<QLineEdit>(table_, row, Id)->text().trimmed().toStdString();
    in.app = cell<QLineEdit>(table_, row, App)->text().trimmed().toStdString();
    in.key = cell<QLineEdit>(table_, row, Key)->text().toStdString();
    in.passphrase = cell<QLineEdit>(table_, row, Passphrase)->text().toStdString();
    in.pbkeylen = cells::comboValue(cell<QComboBox>(table_, row, KeyLength)).toInt();
    in.latencyMs = cell<QSpinBox>(table_, row, LatencyMs)->value();
    in.allowCidrs = splitCidrs(cell<QLineEdit>(table_, row, Allow)->text());
    out.push_back(std::move(in));
  }
  return out;
}

void InputEditor::addRow() {
  InputSpec in;
  std::set<std::string> used;
  for (const auto& existing : inputs()) used.insert(existing.id);
  // The first input is the primary; the next ones are its backups.
  in.id = used.count("primary") ? "backup" : "primary";
  for (int n = 2; used.count(in.id); ++n) in.id = "backup" + std::to_string(n);
  insertRow(table_->rowCount(), in);
  emit changed();
}

void InputEditor::removeRow(int row) {
  if (row < 0 || row >= table_->rowCount()) return;
  table_->removeRow(row);
  emit changed();
}

void InputEditor::setSecretsRevealed(bool revealed) {
  if (reveal_->isChecked() != revealed) reveal_->setChecked(revealed);  // comes back here
  const auto mode = revealed ? QLineEdit::Normal : QLineEdit::Password;
  for (int row = 0; row < table_->rowCount(); ++row)
    for (int col : {Key, Passphrase}) cell<QLineEdit>(table_, row, col)->setEchoMode(mode);
}

bool InputEditor::secretsRevealed() const { return reveal_->isChecked(); }

void InputEditor::insertRow(int row, const InputSpec& in) {
  table_->insertRow(row);
  auto* type = cells::combo(schema::choices(kSection, "type"));
  cells::setComboValue(type, QString::fromStdString(in.type));
  type->setToolTip(schema::help(kSection, "type"));
  table_->setCellWidget(row, Type, type);
  auto line = [&](int col, const std::string& text, const char* key, bool secret) {
    auto* edit = new QLineEdit(QString::fromStdString(text));
    edit->setToolTip(schema::help(kSection, key));
    if (secret) edit->setEchoMode(secretsRevealed() ? QLineEdit::Normal : QLineEdit::Password);
    table_->setCellWidget(row, col, edit);
    connect(edit, &QLineEdit::textChanged, this, &InputEditor::changed);
  };
  line(Id, in.id, "id", false);
  line(App, in.app, "app", false);
  line(Key, in.key, "key", true);
  line(Passphrase, in.passphrase, "passphrase", true);
  // The key lengths AES allows (validateChannel checks the same three).
  auto* keyLength = cells::combo({QStringLiteral("16"), QStringLiteral("24"), QStringLiteral("32")});
  cells::setComboValue(keyLength, QString::number(in.pbkeylen));
  keyLength->setToolTip(schema::help(kSection, "pbkeylen"));
  table_->setCellWidget(row, KeyLength, keyLength);
  auto* latency = cells::spin(kSection, "latency_ms", in.latencyMs);
  table_->setCellWidget(row, LatencyMs, latency);
  line(Allow, joinCidrs(in.allowCidrs).toStdString(), "allow", false);

  connect(keyLength, &QComboBox::currentIndexChanged, this, &InputEditor::changed);
  connect(latency, &QSpinBox::valueChanged, this, &InputEditor::changed);
  connect(type, &QComboBox::currentIndexChanged, this, [this, type] {
    if (const int r = rowOf(type); r >= 0) updateEnabled(r);
    emit changed();
  });
  updateEnabled(row);
}

// Only the protocol's own fields are editable; the others keep their values.
void InputEditor::updateEnabled(int row) {
  const bool rtmp = cells::comboValue(cell<QComboBox>(table_, row, Type)) == QLatin1String("rtmp");
  for (int col : {App, Key}) table_->cellWidget(row, col)->setEnabled(rtmp);
  for (int col : {Passphrase, KeyLength, LatencyMs}) table_->cellWidget(row, col)->setEnabled(!rtmp);
}

int InputEditor::rowOf(QWidget* cellWidget) const {
  for (int row = 0; row < table_->rowCount(); ++row)
    if (table_->cellWidget(row, Type) == cellWidget) return row;
  return -1;
}

}  // namespace vigil::ui
