// The engine speaks std::string (UTF-8); widgets speak QString.
#pragma once

#include <QString>

#include <string>

namespace vigil::ui {

inline QString qs(const std::string& s) { return QString::fromStdString(s); }

}  // namespace vigil::ui
