#include "editor/schema_fields.h"

#include <QComboBox>
#include <QSpinBox>

#include <nlohmann/json.hpp>

#include "control/config.h"

namespace vigil::ui::schema {
namespace {

const nlohmann::json& described() {
  static const nlohmann::json d = control::describeConfig();
  return d;
}

const nlohmann::json* field(const char* section, const char* key) {
  const auto& d = described();
  const nlohmann::json* fields = nullptr;
  if (std::string(section) == kRendition) {
    auto it = d.find("channels[].ladder");
    if (it != d.end() && it->contains("rendition")) fields = &(*it)["rendition"];
  } else if (auto it = d.find(section); it != d.end()) {
    fields = &*it;
  }
  if (!fields || !fields->is_array()) return nullptr;
  for (const auto& f : *fields)
    if (f.value("key", "") == key) return &f;
  return nullptr;
}

}  // namespace

void configureSpin(QSpinBox* spin, const char* section, const char* key) {
  const auto* f = field(section, key);
  if (!f) return;
  if (f->contains("range") && (*f)["range"].size() == 2)
    spin->setRange(static_cast<int>((*f)["range"][0].get<double>()), static_cast<int>((*f)["range"][1].get<double>()));
  spin->setToolTip(help(section, key));
}

QStringList choices(const char* section, const char* key) {
  QStringList out;
  if (const auto* f = field(section, key); f && f->contains("choices"))
    for (const auto& c : (*f)["choices"]) out << QString::fromStdString(c.get<std::string>());
  return out;
}

QString help(const char* section, const char* key) {
  const auto* f = field(section, key);
  return f ? QString::fromStdString(f->value("help", "")) : QString();
}

}  // namespace vigil::ui::schema
