#include "editor/cell_widgets.h"

#include "editor/schema_fields.h"

namespace vigil::ui::cells {

QComboBox* combo(const QStringList& values, const QString& emptyText) {
  auto* box = new QComboBox;
  for (const auto& v : values) box->addItem(v.isEmpty() && !emptyText.isEmpty() ? emptyText : v, v);
  return box;
}

void setComboValue(QComboBox* box, const QString& value) {
  int i = box->findData(value);
  if (i < 0) {
    box->addItem(value, value);
    i = box->count() - 1;
  }
  box->setCurrentIndex(i);
}

QString comboValue(const QComboBox* box) { return box->currentData().toString(); }

QSpinBox* spin(const char* section, const char* key, int value) {
  auto* box = new QSpinBox;
  box->setRange(0, 1'000'000'000);
  schema::configureSpin(box, section, key);
  box->setAccelerated(true);
  setSpinValue(box, value);
  return box;
}

void setSpinValue(QSpinBox* box, int value) {
  if (value < box->minimum()) box->setMinimum(value);
  if (value > box->maximum()) box->setMaximum(value);
  box->setValue(value);
}

}  // namespace vigil::ui::cells
