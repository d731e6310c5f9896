// A declared schema for a plain parameter struct: each field once, with its
// key, type, default (the struct's own), range and help text. The same table
// reads the config file, writes a struct back to JSON (the store keeps channel
// specs that way), and describes itself for --help-config and the console's editor.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace vigil::control {

template <typename S>
struct Field {
  std::string key;
  std::string type;  // "integer", "number", "string", "boolean", "object", "array"
  std::string help;
  int64_t min = 0;  // "number": the range in millionths
  int64_t max = 0;
  std::vector<std::string> choices;  // allowed strings; empty = any
  // Reads j into s; returns "" or an error message that names path (the field's full key).
  std::function<std::string(S&, const nlohmann::json&, const std::string& path)> read;
  std::function<nlohmann::json(const S&)> write;
};

template <typename S>
class Schema {
 public:
  explicit Schema(std::vector<Field<S>> fields) : fields_(std::move(fields)) {}

  // Reads the keys present in j over s (absent keys keep s's defaults).
  // Unknown keys are errors: a typo must not silently fall back to a default.
  Status read(const nlohmann::json& j, S& s, const std::string& where) const {
    if (!j.is_object()) return Status::error(where + ": expected an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const Field<S>* f = find(it.key());
      if (!f) return Status::error(where + "." + it.key() + ": unknown key" + suggestion());
      if (std::string err = f->read(s, it.value(), where + "." + f->key); !err.empty()) return Status::error(err);
    }
    return Status::ok();
  }

  nlohmann::json write(const S& s) const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& f : fields_) j[f.key] = f.write(s);
    return j;
  }

  nlohmann::json describe() const {
    const S defaults{};
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : fields_) {
      nlohmann::json d = {{"key", f.key}, {"type", f.type}, {"help", f.help}, {"default", f.write(defaults)}};
      if (f.type == "integer") d["range"] = {f.min, f.max};
      if (f.type == "number") d["range"] = {static_cast<double>(f.min) / 1e6, static_cast<double>(f.max) / 1e6};
      if (!f.choices.empty()) d["choices"] = f.choices;
      out.push_back(std::move(d));
    }
    return out;
  }

  const std::vector<Field<S>>& fields() const { return fields_; }

 private:
  const Field<S>* find(const std::string& key) const {
    for (const auto& f : fields_)
      if (f.key == key) return &f;
    return nullptr;
  }
  std::string suggestion() const {
    std::string keys;
    for (const auto& f : fields_) keys += (keys.empty() ? "" : ", ") + f.key;
    return " (known: " + keys + ")";
  }
  std::vector<Field<S>> fields_;
};

// Field builders.

// An integer given in one unit and stored in another (scale: kbps -> bps = 1000).
template <typename S, typename T>
Field<S> scaled(std::string key, T S::*member, int64_t scale, int64_t min, int64_t max, std::string help) {
  Field<S> f{std::move(key), "integer", std::move(help), min, max, {}, nullptr, nullptr};
  f.read = [member, min, max, scale](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    if (!j.is_number_integer()) return path + ": expected an integer";
    const int64_t v = j.get<int64_t>();
    if (v < min || v > max) return path + ": must be between " + std::to_string(min) + " and " + std::to_string(max);
    s.*member = static_cast<T>(v * scale);
    return "";
  };
  f.write = [member, scale](const S& s) { return nlohmann::json(static_cast<int64_t>(s.*member) / scale); };
  return f;
}

template <typename S, typename T>
Field<S> integer(std::string key, T S::*member, int64_t min, int64_t max, std::string help) {
  return scaled<S, T>(std::move(key), member, 1, min, max, std::move(help));
}

// A real number in [min, max] (kept to the millionth in the range).
template <typename S>
Field<S> number(std::string key, double S::*member, double min, double max, std::string help) {
  Field<S> f{std::move(key), "number", std::move(help), 0, 0, {}, nullptr, nullptr};
  f.min = std::llround(min * 1e6);
  f.max = std::llround(max * 1e6);
  f.read = [member, min, max](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    if (!j.is_number()) return path + ": expected a number";
    const double v = j.get<double>();
    if (!(v >= min && v <= max))
      return path + ": must be between " + nlohmann::json(min).dump() + " and " + nlohmann::json(max).dump();
    s.*member = v;
    return "";
  };
  f.write = [member](const S& s) { return nlohmann::json(s.*member); };
  return f;
}

template <typename S>
Field<S> string(std::string key, std::string S::*member, std::vector<std::string> choices, size_t maxLength,
                std::string help, std::function<bool(const std::string&)> valid = nullptr) {
  Field<S> f{std::move(key), "string", std::move(help), 0, static_cast<int64_t>(maxLength), choices, nullptr, nullptr};
  f.read = [member, choices, maxLength, valid](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    if (!j.is_string()) return path + ": expected a string";
    auto v = j.get<std::string>();
    if (v.size() > maxLength) return path + ": longer than " + std::to_string(maxLength) + " characters";
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string all;
      for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
      return path + ": must be one of: " + all;
    }
    if (valid && !valid(v)) return path + ": invalid value '" + v + "'";
    s.*member = std::move(v);
    return "";
  };
  f.write = [member](const S& s) { return nlohmann::json(s.*member); };
  return f;
}

template <typename S>
Field<S> boolean(std::string key, bool S::*member, std::string help) {
  Field<S> f{std::move(key), "boolean", std::move(help), 0, 1, {}, nullptr, nullptr};
  f.read = [member](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    if (!j.is_boolean()) return path + ": expected true or false";
    s.*member = j.get<bool>();
    return "";
  };
  f.write = [member](const S& s) { return nlohmann::json(s.*member); };
  return f;
}

// A list of strings, each checked by valid.
template <typename S>
Field<S> stringList(std::string key, std::vector<std::string> S::*member, size_t maxItems, std::string help,
                    std::function<bool(const std::string&)> valid) {
  Field<S> f{std::move(key), "array", std::move(help), 0, static_cast<int64_t>(maxItems), {}, nullptr, nullptr};
  f.read = [member, maxItems, valid](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    if (!j.is_array() || j.size() > maxItems)
      return path + ": expected a list of at most " + std::to_string(maxItems) + " strings";
    std::vector<std::string> out;
    for (const auto& item : j) {
      if (!item.is_string() || !valid(item.get<std::string>())) return path + ": invalid entry " + item.dump();
      out.push_back(item.get<std::string>());
    }
    s.*member = std::move(out);
    return "";
  };
  f.write = [member](const S& s) { return nlohmann::json(s.*member); };
  return f;
}

// A nested struct with its own schema.
template <typename S, typename T>
Field<S> object(std::string key, T S::*member, const Schema<T>& schema, std::string help) {
  Field<S> f{key, "object", std::move(help), 0, 0, {}, nullptr, nullptr};
  f.read = [member, &schema](S& s, const nlohmann::json& j, const std::string& path) -> std::string {
    Status st = schema.read(j, s.*member, path);
    return st ? "" : st.message();
  };
  f.write = [member, &schema](const S& s) { return schema.write(s.*member); };
  return f;
}

}  // namespace vigil::control
