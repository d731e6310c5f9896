// AMF0 (Action Message Format, version 0), the encoding of RTMP command and
// data messages: enough of it to read what publishers send (connect,
// releaseStream, FCPublish, createStream, publish, @setDataFrame) and to
// write the server's answers. Decoding is bounded: nesting depth, and every
// count and length checked against the bytes that remain, so hostile input
// costs at most its own size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil::ingest::amf0 {

enum class Type : uint8_t {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  Null = 0x05,
  Undefined = 0x06,
  EcmaArray = 0x08,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
};

struct Property;

// One AMF0 value: a tagged value type. Which members hold it depends on type:
// Number and Date: number (a Date's milliseconds, plus timezone); Boolean:
// boolean; String and LongString: string; Object and EcmaArray: properties
// (in order); StrictArray: elements.
struct Value {
  // Defined below Property: a vector's members need its element complete.
  Value();
  ~Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;

  Type type = Type::Null;
  double number = 0;
  bool boolean = false;
  int16_t timezone = 0;
  std::string string;
  std::vector<Property> properties;
  std::vector<Value> elements;

  static Value makeNumber(double n);
  static Value makeBoolean(bool b);
  static Value makeString(std::string s);  // a LongString when over 65535 bytes
  static Value makeNull() { return Value(); }
  static Value makeUndefined();
  static Value makeObject(std::vector<Property> properties);

  bool isString() const { return type == Type::String || type == Type::LongString; }
  // The property named key of an Object or EcmaArray; null when absent.
  const Value* find(std::string_view key) const;

  bool operator==(const Value&) const;
};

struct Property {
  std::string key;
  Value value;
  bool operator==(const Property&) const = default;
};

inline Value::Value() = default;
inline Value::~Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;

inline constexpr int kMaxDepth = 16;

// Appends the encoding of v to out.
void encode(const Value& v, std::vector<uint8_t>& out);
// Decodes one value at offset (advanced past it).
Result<Value> decode(std::span<const uint8_t> in, size_t& offset);
// Decodes every value of a command or data message.
Result<std::vector<Value>> decodeAll(std::span<const uint8_t> in);

}  // namespace vigil::ingest::amf0
