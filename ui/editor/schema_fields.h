// Editor widgets configured from the engine's one channel schema
// (control::describeConfig): ranges, choices and help text are read, never
// restated, so the console cannot drift from what the engine accepts.
#pragma once

#include <QString>
#include <QStringList>

class QComboBox;
class QSpinBox;
class QWidget;

namespace vigil::ui::schema {

// section: a describeConfig() key, e.g. "channels[].packaging"; key: the field
// ("part_ms"). Ranges and help are applied when the schema knows the field.
void configureSpin(QSpinBox* spin, const char* section, const char* key);
// The allowed strings of a field (empty: any).
QStringList choices(const char* section, const char* key);
// The field's help text, for tooltips.
QString help(const char* section, const char* key);

// The ladder's rendition fields live under "channels[].ladder" / "rendition".
inline constexpr const char* kRendition = "channels[].ladder.rendition";

}  // namespace vigil::ui::schema
