#include "ingest/amf0.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace vigil::ingest::amf0 {
namespace {

constexpr uint8_t kObjectEnd = 0x09;
constexpr uint8_t kTypedObject = 0x10;  // read as an Object (the class name is dropped)

void putU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void putU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}
void putDouble(std::vector<uint8_t>& out, double d) {
  const auto bits = std::bit_cast<uint64_t>(d);
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(bits >> s));
}
void putKey(std::vector<uint8_t>& out, const std::string& key) {
  const size_t n = std::min<size_t>(key.size(), 0xffff);  // keys are short names; a longer one is cut
  putU16(out, static_cast<uint16_t>(n));
  out.insert(out.end(), key.begin(), key.begin() + static_cast<std::ptrdiff_t>(n));
}
void putProperties(std::vector<uint8_t>& out, const std::vector<Property>& props) {
  for (const auto& p : props) {
    putKey(out, p.key);
    encode(p.value, out);
  }
  putU16(out, 0);
  out.push_back(kObjectEnd);
}

class Reader {
 public:
  Reader(std::span<const uint8_t> in, size_t& offset) : in_(in), at_(offset) {}
  size_t remaining() const { return in_.size() - at_; }
  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = in_[at_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = static_cast<uint16_t>(in_[at_] << 8 | in_[at_ + 1]);
    at_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = uint32_t{in_[at_]} << 24 | uint32_t{in_[at_ + 1]} << 16 | uint32_t{in_[at_ + 2]} << 8 | in_[at_ + 3];
    at_ += 4;
    return true;
  }
  bool f64(double& v) {
    if (remaining() < 8) return false;
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | in_[at_ + static_cast<size_t>(i)];
    at_ += 8;
    v = std::bit_cast<double>(bits);
    return true;
  }
  bool bytes(size_t n, std::string& s) {
    if (remaining() < n) return false;
    s.assign(reinterpret_cast<const char*>(in_.data() + at_), n);
    at_ += n;
    return true;
  }
  // The object-end marker (an empty key then 0x09) is next.
  bool atObjectEnd() const {
    return remaining() >= 3 && in_[at_] == 0 && in_[at_ + 1] == 0 && in_[at_ + 2] == kObjectEnd;
  }
  void skip(size_t n) { at_ += n; }

 private:
  std::span<const uint8_t> in_;
  size_t& at_;
};

// Equality of values read off the wire: NaN equals NaN here.
bool sameNumber(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

Status truncated() { return Status::error("AMF0: truncated value"); }

Result<Value> decodeAt(Reader& r, int depth);

Status decodeProperties(Reader& r, int depth, std::vector<Property>& props) {
  for (;;) {
    if (r.atObjectEnd()) {
      r.skip(3);
      return Status::ok();
    }
    uint16_t keyLen = 0;
    std::string key;
    if (!r.u16(keyLen) || !r.bytes(keyLen, key)) return truncated();
    if (keyLen == 0) return Status::error("AMF0: empty property name without the object end marker");
    auto v = decodeAt(r, depth + 1);
    if (!v) return v.status();
    props.push_back(Property{std::move(key), std::move(*v)});
  }
}

Result<Value> decodeAt(Reader& r, int depth) {
  if (depth > kMaxDepth) return Status::error("AMF0: nested deeper than " + std::to_string(kMaxDepth));
  uint8_t marker = 0;
  if (!r.u8(marker)) return truncated();
  Value v;
  switch (marker) {
    case static_cast<uint8_t>(Type::Number):
      v.type = Type::Number;
      if (!r.f64(v.number)) return truncated();
      return v;
    case static_cast<uint8_t>(Type::Boolean): {
      uint8_t b = 0;
      if (!r.u8(b)) return truncated();
      return Value::makeBoolean(b != 0);
    }
    case static_cast<uint8_t>(Type::String): {
      uint16_t n = 0;
      v.type = Type::String;
      if (!r.u16(n) || !r.bytes(n, v.string)) return truncated();
      return v;
    }
    case static_cast<uint8_t>(Type::LongString): {
      uint32_t n = 0;
      v.type = Type::LongString;
      if (!r.u32(n) || !r.bytes(n, v.string)) return truncated();
      return v;
    }
    case kTypedObject: {
      uint16_t n = 0;
      std::string className;
      if (!r.u16(n) || !r.bytes(n, className)) return truncated();
      [[fallthrough]];
    }
    case static_cast<uint8_t>(Type::Object):
      v.type = Type::Object;
      if (Status s = decodeProperties(r, depth, v.properties); !s) return s;
      return v;
    case static_cast<uint8_t>(Type::EcmaArray): {
      uint32_t count = 0;  // advisory: the properties run to the end marker
      v.type = Type::EcmaArray;
      if (!r.u32(count)) return truncated();
      if (Status s = decodeProperties(r, depth, v.properties); !s) return s;
      return v;
    }
    case static_cast<uint8_t>(Type::StrictArray): {
      uint32_t count = 0;
      v.type = Type::StrictArray;
      if (!r.u32(count)) return truncated();
      if (count > r.remaining()) return truncated();  // every element takes at least a byte
      v.elements.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        auto e = decodeAt(r, depth + 1);
        if (!e) return e.status();
        v.elements.push_back(std::move(*e));
      }
      return v;
    }
    case static_cast<uint8_t>(Type::Date): {
      uint16_t tz = 0;
      v.type = Type::Date;
      if (!r.f64(v.number) || !r.u16(tz)) return truncated();
      v.timezone = static_cast<int16_t>(tz);
      return v;
    }
    case static_cast<uint8_t>(Type::Null):
      return v;
    case static_cast<uint8_t>(Type::Undefined):
      return Value::makeUndefined();
    default:
      return Status::error("AMF0: unsupported type marker " + std::to_string(marker));
  }
}

}  // namespace

Value Value::makeNumber(double n) {
  Value v;
  v.type = Type::Number;
  v.number = n;
  return v;
}
Value Value::makeBoolean(bool b) {
  Value v;
  v.type = Type::Boolean;
  v.boolean = b;
  return v;
}
Value Value::makeString(std::string s) {
  Value v;
  v.type = s.size() > 0xffff ? Type::LongString : Type::String;
  v.string = std::move(s);
  return v;
}
Value Value::makeUndefined() {
  Value v;
  v.type = Type::Undefined;
  return v;
}
Value Value::makeObject(std::vector<Property> properties) {
  Value v;
  v.type = Type::Object;
  v.properties = std::move(properties);
  return v;
}

const Value* Value::find(std::string_view key) const {
  for (const auto& p : properties)
    if (p.key == key) return &p.value;
  return nullptr;
}

bool Value::operator==(const Value& o) const {
  if (type != o.type) return false;
  switch (type) {
    case Type::Number:
      return sameNumber(number, o.number);
    case Type::Boolean:
      return boolean == o.boolean;
    case Type::String:
    case Type::LongString:
      return string == o.string;
    case Type::Object:
    case Type::EcmaArray:
      return properties == o.properties;
    case Type::StrictArray:
      return elements == o.elements;
    case Type::Date:
      return sameNumber(number, o.number) && timezone == o.timezone;
    case Type::Null:
    case Type::Undefined:
      return true;
  }
  return false;
}

void encode(const Value& v, std::vector<uint8_t>& out) {
  switch (v.type) {
    case Type::Number:
      out.push_back(static_cast<uint8_t>(Type::Number));
      putDouble(out, v.number);
      return;
    case Type::Boolean:
      out.push_back(static_cast<uint8_t>(Type::Boolean));
      out.push_back(v.boolean ? 1 : 0);
      return;
    case Type::String:
    case Type::LongString:
      if (v.type == Type::String && v.string.size() <= 0xffff) {  // a LongString stays one
        out.push_back(static_cast<uint8_t>(Type::String));
        putU16(out, static_cast<uint16_t>(v.string.size()));
      } else {
        out.push_back(static_cast<uint8_t>(Type::LongString));
        putU32(out, static_cast<uint32_t>(std::min<size_t>(v.string.size(), 0xffffffffu)));
      }
      out.insert(out.end(), v.string.begin(),
                 v.string.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(v.string.size(), 0xffffffffu)));
      return;
    case Type::Object:
      out.push_back(static_cast<uint8_t>(Type::Object));
      putProperties(out, v.properties);
      return;
    case Type::EcmaArray:
      out.push_back(static_cast<uint8_t>(Type::EcmaArray));
      putU32(out, static_cast<uint32_t>(v.properties.size()));
      putProperties(out, v.properties);
      return;
    case Type::StrictArray:
      out.push_back(static_cast<uint8_t>(Type::StrictArray));
      putU32(out, static_cast<uint32_t>(v.elements.size()));
      for (const auto& e : v.elements) encode(e, out);
      return;
    case Type::Date:
      out.push_back(static_cast<uint8_t>(Type::Date));
      putDouble(out, v.number);
      putU16(out, static_cast<uint16_t>(v.timezone));
      return;
    case Type::Null:
    case Type::Undefined:
      out.push_back(static_cast<uint8_t>(v.type));
      return;
  }
}

Result<Value> decode(std::span<const uint8_t> in, size_t& offset) {
  if (offset > in.size()) return truncated();
  Reader r(in, offset);
  return decodeAt(r, 0);
}

Result<std::vector<Value>> decodeAll(std::span<const uint8_t> in) {
  std::vector<Value> values;
  size_t offset = 0;
  while (offset < in.size()) {
    auto v = decode(in, offset);
    if (!v) return v.status();
    values.push_back(std::move(*v));
  }
  return values;
}

}  // namespace vigil::ingest::amf0
