#include "kongdb/cql/value.h"

#include <bit>
#include <cctype>
#include <cstdio>

#include "kongdb/cql/error.h"
#include "kongdb/cql/result.h"

namespace kongdb::cql {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct ConsistencyName {
  Consistency level;
  std::string_view name;
};
constexpr ConsistencyName kConsistencyNames[] = {
    {Consistency::Any, "ANY"},           {Consistency::One, "ONE"},
    {Consistency::Two, "TWO"},           {Consistency::Three, "THREE"},
    {Consistency::Quorum, "QUORUM"},     {Consistency::All, "ALL"},
    {Consistency::LocalQuorum, "LOCAL_QUORUM"}, {Consistency::EachQuorum, "EACH_QUORUM"},
    {Consistency::Serial, "SERIAL"},     {Consistency::LocalSerial, "LOCAL_SERIAL"},
    {Consistency::LocalOne, "LOCAL_ONE"},
};

}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid u;
  size_t byte = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[byte++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return u;
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 0xF]);
  }
  return s;
}

std::string Type::to_string() const {
  switch (id) {
    case TypeId::Custom: return "'" + name_or_class + "'";
    case TypeId::Ascii: return "ascii";
    case TypeId::BigInt: return "bigint";
    case TypeId::Blob: return "blob";
    case TypeId::Boolean: return "boolean";
    case TypeId::Counter: return "counter";
    case TypeId::Decimal: return "decimal";
    case TypeId::Double: return "double";
    case TypeId::Float: return "float";
    case TypeId::Int: return "int";
    case TypeId::Timestamp: return "timestamp";
    case TypeId::Uuid: return "uuid";
    case TypeId::Varchar: return "text";
    case TypeId::Varint: return "varint";
    case TypeId::TimeUuid: return "timeuuid";
    case TypeId::Inet: return "inet";
    case TypeId::Date: return "date";
    case TypeId::Time: return "time";
    case TypeId::SmallInt: return "smallint";
    case TypeId::TinyInt: return "tinyint";
    case TypeId::Duration: return "duration";
    case TypeId::Udt: return name_or_class;
    case TypeId::List:
    case TypeId::Set:
    case TypeId::Map:
    case TypeId::Tuple: {
      std::string s = id == TypeId::List ? "list<" : id == TypeId::Set ? "set<" : id == TypeId::Map ? "map<" : "tuple<";
      for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + params[i].to_string();
      return s + ">";
    }
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "type 0x%04x", static_cast<unsigned>(id));
  return buf;
}

std::string_view kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Unset: return "unset";
    case Value::Kind::Boolean: return "boolean";
    case Value::Kind::Int: return "int";
    case Value::Kind::BigInt: return "bigint";
    case Value::Kind::Double: return "double";
    case Value::Kind::Text: return "text";
    case Value::Kind::Blob: return "blob";
    case Value::Kind::Uuid: return "uuid";
    case Value::Kind::Timestamp: return "timestamp";
    case Value::Kind::List: return "list";
    case Value::Kind::Set: return "set";
    case Value::Kind::Map: return "map";
  }
  return "?";
}

std::string Value::to_string() const {
  switch (kind_) {
    case Kind::Null: return "null";
    case Kind::Unset: return "unset";
    case Kind::Boolean: return as_bool() ? "true" : "false";
    case Kind::Int:
    case Kind::BigInt:
    case Kind::Timestamp: return std::to_string(as_int64());
    case Kind::Double: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", as_double());
      return buf;
    }
    case Kind::Text: return "'" + as_text() + "'";
    case Kind::Blob: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string s = "0x";
      for (unsigned char c : as_text()) {
        s.push_back(kHex[c >> 4]);
        s.push_back(kHex[c & 0xF]);
      }
      return s;
    }
    case Kind::Uuid: return as_uuid().to_string();
    case Kind::List:
    case Kind::Set: {
      std::string s = kind_ == Kind::List ? "[" : "{";
      for (size_t i = 0; i < items().size(); ++i) s += (i ? ", " : "") + items()[i].to_string();
      return s + (kind_ == Kind::List ? "]" : "}");
    }
    case Kind::Map: {
      std::string s = "{";
      for (size_t i = 0; i < entries().size(); ++i) {
        s += (i ? ", " : "") + entries()[i].first.to_string() + ": " + entries()[i].second.to_string();
      }
      return s + "}";
    }
  }
  return "?";
}

std::string consistency_name(Consistency c) {
  for (const auto& entry : kConsistencyNames) {
    if (entry.level == c) return std::string(entry.name);
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "UNKNOWN(0x%04x)", static_cast<unsigned>(c));
  return buf;
}

std::optional<Consistency> parse_consistency(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& entry : kConsistencyNames) {
    if (entry.name == upper) return entry.level;
  }
  return std::nullopt;
}

std::optional<size_t> ResultMetadata::index_of(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

const Value* QueryResult::get(size_t row, std::string_view column) const {
  if (!metadata || row >= rows.size()) return nullptr;
  auto index = metadata->index_of(column);
  if (!index || *index >= rows[row].size()) return nullptr;
  return &rows[row][*index];
}

std::optional<bool> QueryResult::applied() const {
  const Value* v = get(0, "[applied]");
  if (!v || v->kind() != Value::Kind::Boolean) return std::nullopt;
  return v->as_bool();
}

}  // namespace kongdb::cql
