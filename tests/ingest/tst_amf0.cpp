// AMF0: every supported type round-trips; what publishers send decodes; the
// decoder is bounded against hostile input (depth, truncation, counts).
#include <QtTest>

#include <cmath>
#include <random>

#include "ingest/amf0.h"

using namespace vigil::ingest::amf0;

namespace {

std::vector<uint8_t> bytesOf(std::initializer_list<int> b) {
  std::vector<uint8_t> out;
  for (int v : b) out.push_back(static_cast<uint8_t>(v));
  return out;
}

Value roundTrip(const Value& v) {
  std::vector<uint8_t> bytes;
  encode(v, bytes);
  size_t offset = 0;
  auto back = decode(bytes, offset);
  if (!back) qFatal("decode: %s", back.message().c_str());
  if (offset != bytes.size()) qFatal("decode left %zu bytes", bytes.size() - offset);
  return *back;
}

}  // namespace

class TstAmf0 : public QObject {
  Q_OBJECT

 private slots:
  void everyTypeRoundTrips() {
    Value date;
    date.type = Type::Date;
    date.number = 1.7e12;
    date.timezone = -60;
    Value ecma;
    ecma.type = Type::EcmaArray;
    ecma.properties = {{"duration", Value::makeNumber(0)}, {"width", Value::makeNumber(1920)}};
    Value strict;
    strict.type = Type::StrictArray;
    strict.elements = {Value::makeNumber(1), Value::makeString("two"), Value::makeNull()};
    const std::vector<Value> values{
        Value::makeNumber(0),
        Value::makeNumber(-123.456),
        Value::makeNumber(std::nan("")),
        Value::makeNumber(INFINITY),
        Value::makeBoolean(true),
        Value::makeBoolean(false),
        Value::makeString(""),
        Value::makeString("connect"),
        Value::makeString(std::string(70000, 'x')),  // a long string
        Value::makeNull(),
        Value::makeUndefined(),
        Value::makeObject({}),
        Value::makeObject({{"app", Value::makeString("live")},
                           {"nested", Value::makeObject({{"deep", Value::makeBoolean(true)}})},
                           {"list", strict}}),
        ecma,
        strict,
        date,
    };
    for (const auto& v : values) QVERIFY(roundTrip(v) == v);
    QCOMPARE(Value::makeString(std::string(70000, 'x')).type, Type::LongString);
    Value shortLong;  // a long string that happens to be short keeps its type
    shortLong.type = Type::LongString;
    shortLong.string = "abc";
    QVERIFY(roundTrip(shortLong) == shortLong);
    // A whole command, as decodeAll reads it.
    std::vector<uint8_t> bytes;
    for (const auto& v : values) encode(v, bytes);
    auto all = decodeAll(bytes);
    QVERIFY(all);
    QCOMPARE(all->size(), values.size());
    QVERIFY(*all == values);
  }

  // The bytes of ffmpeg's publish command: "publish", 5, null, "key", "live".
  void decodesAPublishCommand() {
    const auto bytes =
        bytesOf({0x02, 0x00, 0x07, 'p',  'u',  'b',  'l', 'i', 's', 'h',  0x00, 0x40, 0x14, 0,   0,   0,  0,
                 0,    0,    0x05, 0x02, 0x00, 0x03, 'k', 'e', 'y', 0x02, 0x00, 0x04, 'l',  'i', 'v', 'e'});
    auto all = decodeAll(bytes);
    QVERIFY(all);
    QCOMPARE(all->size(), size_t{5});
    QCOMPARE((*all)[0].string, std::string("publish"));
    QCOMPARE((*all)[1].number, 5.0);
    QCOMPARE((*all)[2].type, Type::Null);
    QCOMPARE((*all)[3].string, std::string("key"));
    // A typed object reads as an object.
    const auto typed = bytesOf({0x10, 0x00, 0x01, 'C', 0x00, 0x01, 'a', 0x05, 0x00, 0x00, 0x09});
    size_t offset = 0;
    auto t = decode(typed, offset);
    QVERIFY(t);
    QCOMPARE(t->type, Type::Object);
    QVERIFY(t->find("a") && t->find("a")->type == Type::Null);
  }

  void hostileInputIsRefused() {
    auto fails = [](const std::vector<uint8_t>& b) { return !decodeAll(b); };
    QVERIFY(fails(bytesOf({0x00, 0x40})));                          // truncated number
    QVERIFY(fails(bytesOf({0x02, 0x00, 0x10, 'a'})));               // string longer than the bytes
    QVERIFY(fails(bytesOf({0x0c, 0xff, 0xff, 0xff, 0xff, 'a'})));   // long string longer than the bytes
    QVERIFY(fails(bytesOf({0x0a, 0xff, 0xff, 0xff, 0xff, 0x05})));  // strict array count over the bytes
    QVERIFY(fails(bytesOf({0x03, 0x00, 0x01, 'a', 0x05})));         // object without its end
    QVERIFY(fails(bytesOf({0x03, 0x00, 0x00, 0x05})));              // empty key, no end marker
    QVERIFY(fails(bytesOf({0x07, 0x00, 0x01})));                    // reference: unsupported
    QVERIFY(fails(bytesOf({0x11})));                                // AMF3 switch: unsupported
    QVERIFY(fails(bytesOf({0xff})));
    // Nesting: kMaxDepth levels decode, one more does not.
    auto nested = [](int levels) {
      std::vector<uint8_t> b;
      for (int i = 0; i < levels; ++i) b.insert(b.end(), {0x03, 0x00, 0x01, 'a'});
      b.push_back(0x05);
      for (int i = 0; i < levels; ++i) b.insert(b.end(), {0x00, 0x00, 0x09});
      return b;
    };
    QVERIFY(decodeAll(nested(kMaxDepth)));
    QVERIFY(!decodeAll(nested(kMaxDepth + 1)));
    QVERIFY(!decodeAll(nested(100000)));  // no stack overflow
  }

  // Random and mutated input never crashes (and ASan sees no overread).
  void randomInputIsHarmless() {
    std::mt19937 rng(1);
    std::vector<uint8_t> seed;
    encode(Value::makeObject({{"app", Value::makeString("live")}, {"n", Value::makeNumber(1)}}), seed);
    int decoded = 0;
    for (int i = 0; i < 20000; ++i) {
      std::vector<uint8_t> b = seed;
      if (i % 2) {
        b.resize(rng() % 64);
        for (auto& c : b) c = static_cast<uint8_t>(rng() % 16);  // mostly valid markers
      } else {
        for (int k = 0; k < 3; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
        b.resize(rng() % (b.size() + 1));
      }
      decoded += decodeAll(b).isOk();
    }
    qInfo("%d of 20000 random inputs decoded", decoded);
  }
};

QTEST_GUILESS_MAIN(TstAmf0)
#include "tst_amf0.moc"
