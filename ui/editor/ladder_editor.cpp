#include "editor/ladder_editor.h"

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

template <typename W>
W* cell(const QTableWidget* t, int row, int col) {
  return qobject_cast<W*>(t->cellWidget(row, col));
}

}  // namespace

LadderEditor::LadderEditor(std::function<TestSourceSpec()> source, QWidget* parent)
    : QWidget(parent), source_(std::move(source)) {
  setObjectName(QStringLiteral("ladderEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  auto* presets = new QHBoxLayout;
  preset_ = new QComboBox;
  preset_->setObjectName(QStringLiteral("ladderPreset"));
  preset_->addItem(tr("Product default (capped at the source)"), QStringLiteral("default"));
  preset_->addItem(tr("Demo (small, real time on two cores)"), QStringLiteral("demo"));
  auto* apply = new QPushButton(tr("Use preset"));
  apply->setObjectName(QStringLiteral("applyLadderPreset"));
  auto* add = new QPushButton(tr("Add rendition"));
  add->setObjectName(QStringLiteral("addRendition"));
  auto* remove = new QPushButton(tr("Remove rendition"));
  remove->setObjectName(QStringLiteral("removeRendition"));
  presets->addWidget(preset_, 1);
  presets->addWidget(apply);
  presets->addSpacing(12);
  presets->addWidget(add);
  presets->addWidget(remove);
  layout->addLayout(presets);

  table_ = new QTableWidget(0, ColumnCount);
  table_->setObjectName(QStringLiteral("ladderTable"));
  table_->setHorizontalHeaderLabels({tr("Id"), tr("Width"), tr("Height"), tr("fps"), tr("Bitrate (kbps)"),
                                     tr("Maxrate (kbps)"), tr("Buffer (kbit)"), tr("x264 preset"), tr("Profile"),
                                     tr("Level")});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setMinimumHeight(160);
  layout->addWidget(table_);

  connect(apply, &QPushButton::clicked, this, [this] { applyPreset(preset_->currentData().toString()); });
  connect(add, &QPushButton::clicked, this, &LadderEditor::addRow);
  connect(remove, &QPushButton::clicked, this,
          [this] { removeRow(table_->currentRow() >= 0 ? table_->currentRow() : table_->rowCount() - 1); });
}

void LadderEditor::setRenditions(const std::vector<VideoRenditionSpec>& renditions) {
  table_->setRowCount(0);
  base_.clear();
  for (const auto& r : renditions) insertRow(table_->rowCount(), r);
  emit changed();
}

std::vector<VideoRenditionSpec> LadderEditor::renditions() const {
  std::vector<VideoRenditionSpec> out;
  for (int row = 0; row < table_->rowCount(); ++row) out.push_back(rowSpec(row));
  return out;
}

void LadderEditor::applyPreset(const QString& name) {
  const TestSourceSpec src = source_();
  setRenditions(name == QLatin1String("demo") ? demoLadder() : defaultLadder(src.width, src.height, src.frameRateNum));
}

void LadderEditor::addRow() {
  VideoRenditionSpec r;
  if (table_->rowCount() > 0) {
    r = rowSpec(table_->rowCount() - 1);
  } else {
    const TestSourceSpec src = source_();
    r = defaultLadder(src.width, src.height, src.frameRateNum).back();
  }
  std::set<std::string> used;
  for (const auto& existing : renditions()) used.insert(existing.id);
  for (int n = table_->rowCount();; ++n)
    if (!used.count("v" + std::to_string(n))) {
      r.id = "v" + std::to_string(n);
      break;
    }
  insertRow(table_->rowCount(), r);
  emit changed();
}

void LadderEditor::removeRow(int row) {
  if (row < 0 || row >= table_->rowCount()) return;
  table_->removeRow(row);
  base_.erase(base_.begin() + row);
  emit changed();
}

void LadderEditor::insertRow(int row, const VideoRenditionSpec& r) {
  using namespace cells;
  const char* s = schema::kRendition;
  table_->insertRow(row);
  base_.insert(base_.begin() + row, r);
  auto* id = new QLineEdit(QString::fromStdString(r.id));
  id->setToolTip(schema::help(s, "id"));
  table_->setCellWidget(row, Id, id);
  table_->setCellWidget(row, Width, spin(s, "width", r.width));
  table_->setCellWidget(row, Height, spin(s, "height", r.height));
  table_->setCellWidget(row, Fps, spin(s, "fps", r.frameRateNum));
  table_->setCellWidget(row, BitrateKbps, spin(s, "bitrate_kbps", static_cast<int>(r.bitrateBps / 1000)));
  table_->setCellWidget(row, MaxrateKbps, spin(s, "maxrate_kbps", static_cast<int>(r.maxrateBps / 1000)));
  table_->setCellWidget(row, BufsizeKbits, spin(s, "bufsize_kbits", static_cast<int>(r.bufsizeBits / 1000)));
  auto* preset = combo(schema::choices(s, "preset"));
  setComboValue(preset, QString::fromStdString(r.preset));
  table_->setCellWidget(row, Preset, preset);
  auto* profile = combo(schema::choices(s, "profile"));
  setComboValue(profile, QString::fromStdString(r.profile));
  table_->setCellWidget(row, Profile, profile);
  auto* level = combo(schema::choices(s, "level"), tr("auto"));
  setComboValue(level, QString::fromStdString(r.level));
  table_->setCellWidget(row, Level, level);

  connect(id, &QLineEdit::textChanged, this, &LadderEditor::changed);
  for (int col : {Width, Height, Fps, BitrateKbps, MaxrateKbps, BufsizeKbits})
    connect(cell<QSpinBox>(table_, row, col), &QSpinBox::valueChanged, this, &LadderEditor::changed);
  for (int col : {Preset, Profile, Level})
    connect(cell<QComboBox>(table_, row, col), &QComboBox::currentIndexChanged, this, &LadderEditor::changed);
}

VideoRenditionSpec LadderEditor::rowSpec(int row) const {
  using namespace cells;
  VideoRenditionSpec r = base_.at(static_cast<size_t>(row));
  r.id = cell<QLineEdit>(table_, row, Id)->text().trimmed().toStdString();
  r.width = cell<QSpinBox>(table_, row, Width)->value();
  r.height = cell<QSpinBox>(table_, row, Height)->value();
  r.frameRateNum = cell<QSpinBox>(table_, row, Fps)->value();
  r.bitrateBps = int64_t{cell<QSpinBox>(table_, row, BitrateKbps)->value()} * 1000;
  r.maxrateBps = int64_t{cell<QSpinBox>(table_, row, MaxrateKbps)->value()} * 1000;
  r.bufsizeBits = int64_t{cell<QSpinBox>(table_, row, BufsizeKbits)->value()} * 1000;
  r.preset = comboValue(cell<QComboBox>(table_, row, Preset)).toStdString();
  r.profile = comboValue(cell<QComboBox>(table_, row, Profile)).toStdString();
  r.level = comboValue(cell<QComboBox>(table_, row, Level)).toStdString();
  return r;
}

}  // namespace vigil::ui
