// Small builders for the editor's form and table cells: a value that the
// widget cannot show (a preset the list lacks) is added rather than lost, so
// an edited spec round-trips unchanged and the schema reports what is wrong.
#pragma once

#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QString>
#include <QStringList>

namespace vigil::ui::cells {

// Items show text and carry the value as data ("" may show as "auto").
QComboBox* combo(const QStringList& values, const QString& emptyText = {});
void setComboValue(QComboBox* box, const QString& value);
QString comboValue(const QComboBox* box);

// A spin box with the schema's range for section/key.
QSpinBox* spin(const char* section, const char* key, int value);
// Sets a value even where it lies outside the widget's range (the range widens:
// the schema, not the widget, reports it).
void setSpinValue(QSpinBox* box, int value);

}  // namespace vigil::ui::cells
