// CQL values and types: what a statement binds and what a row holds.
//
// A Value is typed the way CQL is (an `int` is not a `bigint`, a `timestamp` is not a `bigint`),
// null is distinct from unset (an unset bind leaves the column alone), and an empty collection
// comes back from Cassandra as null because it stores no cells for it.
//
//   Value row_id = Value::uuid(*Uuid::parse("0b6e1f7c-2d0a-4a33-8a3c-5e5b2c1d9f00"));
//   Value tags = Value::set({Value::text("a"), Value::text("b")});
//   if (v.kind() == Value::Kind::Text) use(v.as_text());
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kongdb::cql {

/// 16 raw bytes, big-endian as on the wire; text form is lowercase 8-4-4-4-12.
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  /// nullopt unless `text` is 36 characters of 8-4-4-4-12 hex (any case).
  static std::optional<Uuid> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const Uuid&) const = default;
};

/// Option ids of the protocol's [option] type (native_protocol_v4.spec §4.2.5.2).
enum class TypeId : uint16_t {
  Custom = 0x00, Ascii = 0x01, BigInt = 0x02, Blob = 0x03, Boolean = 0x04, Counter = 0x05,
  Decimal = 0x06, Double = 0x07, Float = 0x08, Int = 0x09, Timestamp = 0x0B, Uuid = 0x0C,
  Varchar = 0x0D, Varint = 0x0E, TimeUuid = 0x0F, Inet = 0x10, Date = 0x11, Time = 0x12,
  SmallInt = 0x13, TinyInt = 0x14, Duration = 0x15, List = 0x20, Map = 0x21, Set = 0x22,
  Udt = 0x30, Tuple = 0x31,
};

/// A column or bind-marker type. Collections carry their element types in `params` (list, set:
/// one; map: key then value; tuple: each element); a UDT carries its field names and types.
struct Type {
  TypeId id = TypeId::Blob;
  std::vector<Type> params;
  std::vector<std::string> field_names;  // UDT only, parallel to params
  std::string name_or_class;             // UDT: "keyspace.name"; custom: the Java class

  static Type of(TypeId id) { return Type{id, {}, {}, {}}; }
  static Type list_of(Type element) { return Type{TypeId::List, {std::move(element)}, {}, {}}; }
  static Type set_of(Type element) { return Type{TypeId::Set, {std::move(element)}, {}, {}}; }
  static Type map_of(Type key, Type value) {
    return Type{TypeId::Map, {std::move(key), std::move(value)}, {}, {}};
  }
  /// CQL spelling: "int", "list<text>", "map<text, bigint>".
  std::string to_string() const;
  bool operator==(const Type&) const = default;
};

class Value {
 public:
  enum class Kind {
    Null, Unset, Boolean, Int, BigInt, Double, Text, Blob, Uuid, Timestamp, List, Set, Map,
  };
  using Items = std::vector<Value>;
  using Entries = std::vector<std::pair<Value, Value>>;

  Value() = default;  // null
  static Value null() { return Value(); }
  /// Leaves the bound column untouched (protocol v4 [value] length -2).
  static Value unset() { return Value(Kind::Unset, std::monostate{}); }
  static Value boolean(bool b) { return Value(Kind::Boolean, b); }
  /// CQL int, smallint and tinyint.
  static Value int32(int32_t i) { return Value(Kind::Int, int64_t{i}); }
  /// CQL bigint, counter, time.
  static Value int64(int64_t i) { return Value(Kind::BigInt, i); }
  /// CQL double and float.
  static Value float64(double d) { return Value(Kind::Double, d); }
  /// CQL text, varchar and ascii (UTF-8 bytes).
  static Value text(std::string s) { return Value(Kind::Text, std::move(s)); }
  /// Raw bytes: blob, and the types this client does not interpret (decimal, varint, inet, ...).
  static Value blob(std::string bytes) { return Value(Kind::Blob, std::move(bytes)); }
  static Value uuid(const Uuid& u) { return Value(Kind::Uuid, u); }
  /// Milliseconds since the Unix epoch (CQL timestamp).
  static Value timestamp(int64_t ms) { return Value(Kind::Timestamp, ms); }
  static Value list(Items items) { return Value(Kind::List, std::move(items)); }
  static Value set(Items items) { return Value(Kind::Set, std::move(items)); }
  static Value map(Entries entries) { return Value(Kind::Map, std::move(entries)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_unset() const { return kind_ == Kind::Unset; }

  // Accessors: calling one for another kind is a programming error (std::get throws).
  bool as_bool() const { return std::get<bool>(data_); }
  /// Int, BigInt and Timestamp.
  int64_t as_int64() const { return std::get<int64_t>(data_); }
  double as_double() const { return std::get<double>(data_); }
  /// Text and Blob.
  const std::string& as_text() const { return std::get<std::string>(data_); }
  const Uuid& as_uuid() const { return std::get<Uuid>(data_); }
  /// List and Set elements.
  const Items& items() const { return std::get<Items>(data_); }
  const Entries& entries() const { return std::get<Entries>(data_); }

  /// A short readable form for messages and tests: 1, 'abc', [1, 2], {'k': 1}, null.
  std::string to_string() const;
  bool operator==(const Value& other) const = default;

 private:
  using Data = std::variant<std::monostate, bool, int64_t, double, std::string, Uuid, Items, Entries>;
  template <class T>
  Value(Kind kind, T&& data) : kind_(kind), data_(std::forward<T>(data)) {}

  Kind kind_ = Kind::Null;
  Data data_;
};

std::string_view kind_name(Value::Kind kind);

/// Statement consistency levels ([consistency], §3).
enum class Consistency : uint16_t {
  Any = 0x00, One = 0x01, Two = 0x02, Three = 0x03, Quorum = 0x04, All = 0x05,
  LocalQuorum = 0x06, EachQuorum = 0x07, Serial = 0x08, LocalSerial = 0x09, LocalOne = 0x0A,
};

/// "QUORUM", "LOCAL_ONE", ...; "UNKNOWN(0x..)" for a value outside the protocol's list.
std::string consistency_name(Consistency c);
/// Parses Kong's spelling (case-insensitive: "one", "local_quorum", ...).
std::optional<Consistency> parse_consistency(std::string_view name);

}  // namespace kongdb::cql
