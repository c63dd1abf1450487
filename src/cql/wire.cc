#include "cql/wire.h"

#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>

namespace kongdb::cql::wire {
namespace {

constexpr int kMaxTypeDepth = 16;

template <class T>
void put_big_endian(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v);
  char buf[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) {
    buf[sizeof(T) - 1 - i] = static_cast<char>(u & 0xFF);
    u = static_cast<U>(u >> 8);
  }
  out.append(buf, sizeof(T));
}

template <class T>
T get_big_endian(std::string_view b) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | static_cast<uint8_t>(b[i]));
  return static_cast<T>(u);
}

tl::unexpected<Error> invalid(const Type& t, const Value& v, std::string_view why = {}) {
  std::string msg = "cannot bind " + std::string(kind_name(v.kind())) + " " + v.to_string() +
                    " to a " + t.to_string() + " column";
  if (!why.empty()) msg += ": " + std::string(why);
  return fail(ErrorCode::InvalidValue, std::move(msg));
}

bool is_integer_kind(const Value& v) {
  return v.kind() == Value::Kind::Int || v.kind() == Value::Kind::BigInt;
}

// Writes the content of a non-null value (no length prefix).
Result<void> encode_content(const Type& t, const Value& v, std::string& out);

Result<void> encode_element(const Type& t, const Value& v, std::string& out) {
  if (v.is_null() || v.is_unset()) return invalid(t, v, "collections cannot hold null or unset");
  size_t at = out.size();
  out.append(4, '\0');
  if (auto r = encode_content(t, v, out); !r) return r;
  std::string len;
  put_big_endian<int32_t>(len, static_cast<int32_t>(out.size() - at - 4));
  std::memcpy(out.data() + at, len.data(), 4);
  return {};
}

Result<void> encode_content(const Type& t, const Value& v, std::string& out) {
  using K = Value::Kind;
  auto integer_in = [&](int64_t lo, int64_t hi) -> Result<int64_t> {
    if (!is_integer_kind(v)) return invalid(t, v);
    int64_t i = v.as_int64();
    if (i < lo || i > hi) return invalid(t, v, "out of range");
    return i;
  };
  switch (t.id) {
    case TypeId::Boolean:
      if (v.kind() != K::Boolean) return invalid(t, v);
      out.push_back(v.as_bool() ? 1 : 0);
      return {};
    case TypeId::TinyInt: {
      auto i = integer_in(INT8_MIN, INT8_MAX);
      if (!i) return tl::unexpected(i.error());
      put_big_endian<int8_t>(out, static_cast<int8_t>(*i));
      return {};
    }
    case TypeId::SmallInt: {
      auto i = integer_in(INT16_MIN, INT16_MAX);
      if (!i) return tl::unexpected(i.error());
      put_big_endian<int16_t>(out, static_cast<int16_t>(*i));
      return {};
    }
    case TypeId::Int: {
      auto i = integer_in(INT32_MIN, INT32_MAX);
      if (!i) return tl::unexpected(i.error());
      put_big_endian<int32_t>(out, static_cast<int32_t>(*i));
      return {};
    }
    case TypeId::BigInt:
    case TypeId::Counter:
    case TypeId::Time:
    case TypeId::Timestamp:
      if (!is_integer_kind(v) && v.kind() != K::Timestamp) return invalid(t, v);
      put_big_endian<int64_t>(out, v.as_int64());
      return {};
    case TypeId::Double:
    case TypeId::Float: {
      double d;
      if (v.kind() == K::Double) {
        d = v.as_double();
      } else if (is_integer_kind(v)) {
        d = static_cast<double>(v.as_int64());
      } else {
        return invalid(t, v);
      }
      if (t.id == TypeId::Double) {
        put_big_endian<uint64_t>(out, std::bit_cast<uint64_t>(d));
      } else {
        put_big_endian<uint32_t>(out, std::bit_cast<uint32_t>(static_cast<float>(d)));
      }
      return {};
    }
    case TypeId::Ascii:
    case TypeId::Varchar:
      if (v.kind() != K::Text) return invalid(t, v);
      out.append(v.as_text());
      return {};
    case TypeId::Uuid:
    case TypeId::TimeUuid:
      if (v.kind() == K::Uuid) {
        out.append(reinterpret_cast<const char*>(v.as_uuid().bytes.data()), 16);
        return {};
      }
      if (v.kind() == K::Text) {
        auto u = Uuid::parse(v.as_text());
        if (!u) return invalid(t, v, "not a UUID");
        out.append(reinterpret_cast<const char*>(u->bytes.data()), 16);
        return {};
      }
      return invalid(t, v);
    case TypeId::List:
    case TypeId::Set: {
      if ((v.kind() != K::List && v.kind() != K::Set) || t.params.size() != 1) return invalid(t, v);
      put_big_endian<int32_t>(out, static_cast<int32_t>(v.items().size()));
      for (const Value& item : v.items()) {
        if (auto r = encode_element(t.params[0], item, out); !r) return r;
      }
      return {};
    }
    case TypeId::Map: {
      if (v.kind() != K::Map || t.params.size() != 2) return invalid(t, v);
      put_big_endian<int32_t>(out, static_cast<int32_t>(v.entries().size()));
      for (const auto& [key, value] : v.entries()) {
        if (auto r = encode_element(t.params[0], key, out); !r) return r;
        if (auto r = encode_element(t.params[1], value, out); !r) return r;
      }
      return {};
    }
    case TypeId::Blob:
      if (v.kind() != K::Blob && v.kind() != K::Text) return invalid(t, v);
      out.append(v.as_text());
      return {};
    default:
      // decimal, varint, inet, date, duration, custom, UDT, tuple: the caller serializes.
      if (v.kind() != K::Blob) return invalid(t, v, "pass the serialized bytes as a blob");
      out.append(v.as_text());
      return {};
  }
}

Type inferred_type(const Value& v) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::Boolean: return Type::of(TypeId::Boolean);
    case K::Int: return Type::of(TypeId::Int);
    case K::BigInt: return Type::of(TypeId::BigInt);
    case K::Double: return Type::of(TypeId::Double);
    case K::Text: return Type::of(TypeId::Varchar);
    case K::Uuid: return Type::of(TypeId::Uuid);
    case K::Timestamp: return Type::of(TypeId::Timestamp);
    case K::List:
    case K::Set: {
      Type element = v.items().empty() ? Type::of(TypeId::Blob) : inferred_type(v.items()[0]);
      return v.kind() == K::List ? Type::list_of(element) : Type::set_of(element);
    }
    case K::Map:
      if (v.entries().empty()) return Type::map_of(Type::of(TypeId::Blob), Type::of(TypeId::Blob));
      return Type::map_of(inferred_type(v.entries()[0].first), inferred_type(v.entries()[0].second));
    default: return Type::of(TypeId::Blob);
  }
}

}  // namespace

Result<Value> decode_value(const Type& t, std::string_view b, int depth);

namespace {

// Reads up to `n` [bytes] cells into `out`, cell i decoded as types[i % types.size()]; a null
// cell is a null value. With `may_end_early` (UDT and tuple values) missing trailing cells are
// allowed.
Result<void> decode_cells(Reader& r, size_t n, const std::vector<Type>& types, int depth,
                          Value::Items& out, bool may_end_early = false) {
  out.reserve(n);
  for (size_t i = 0; i < n && !(may_end_early && r.remaining() == 0); ++i) {
    bool is_null = false;
    std::string_view cell = r.bytes(is_null);
    if (!r.ok()) return fail(ErrorCode::MalformedResponse, r.error());
    if (is_null) {
      out.emplace_back();
      continue;
    }
    auto item = decode_value(types[i % types.size()], cell, depth + 1);
    if (!item) return tl::unexpected(item.error());
    out.push_back(std::move(*item));
  }
  return {};
}

}  // namespace

void Writer::u16(uint16_t v) { put_big_endian(out_, v); }
void Writer::i32(int32_t v) { put_big_endian(out_, v); }
void Writer::i64(int64_t v) { put_big_endian(out_, v); }
void Writer::string(std::string_view s) {
  u16(static_cast<uint16_t>(s.size()));
  raw(s.substr(0, 0xFFFF));
}
void Writer::long_string(std::string_view s) {
  i32(static_cast<int32_t>(s.size()));
  raw(s);
}
void Writer::bytes(std::string_view b) {
  i32(static_cast<int32_t>(b.size()));
  raw(b);
}
void Writer::short_bytes(std::string_view b) {
  u16(static_cast<uint16_t>(b.size()));
  raw(b.substr(0, 0xFFFF));
}
void Writer::string_map(const std::map<std::string, std::string>& m) {
  u16(static_cast<uint16_t>(m.size()));
  for (const auto& [k, v] : m) {
    string(k);
    string(v);
  }
}
void Writer::string_list(const std::vector<std::string>& l) {
  u16(static_cast<uint16_t>(l.size()));
  for (const auto& s : l) string(s);
}
size_t Writer::begin_length() {
  size_t at = out_.size();
  out_.append(4, '\0');
  return at;
}
void Writer::fill_length(size_t at) {
  std::string len;
  put_big_endian<int32_t>(len, static_cast<int32_t>(out_.size() - at - 4));
  std::memcpy(out_.data() + at, len.data(), 4);
}

void Reader::fail(std::string why) {
  if (ok_) error_ = std::move(why);
  ok_ = false;
}

bool Reader::need(size_t n, const char* what) {
  if (!ok_) return false;
  if (data_.size() - pos_ < n) {
    fail(std::string("truncated ") + what + " (needs " + std::to_string(n) + " bytes, " +
         std::to_string(data_.size() - pos_) + " left)");
    return false;
  }
  return true;
}

uint8_t Reader::u8() {
  if (!need(1, "byte")) return 0;
  return static_cast<uint8_t>(data_[pos_++]);
}
uint16_t Reader::u16() {
  if (!need(2, "[short]")) return 0;
  auto v = get_big_endian<uint16_t>(data_.substr(pos_));
  pos_ += 2;
  return v;
}
int32_t Reader::i32() {
  if (!need(4, "[int]")) return 0;
  auto v = get_big_endian<int32_t>(data_.substr(pos_));
  pos_ += 4;
  return v;
}
int64_t Reader::i64() {
  if (!need(8, "[long]")) return 0;
  auto v = get_big_endian<int64_t>(data_.substr(pos_));
  pos_ += 8;
  return v;
}
std::string_view Reader::raw(size_t n) {
  if (!need(n, "bytes")) return {};
  auto v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}
std::string_view Reader::string() { return raw(u16()); }
std::string_view Reader::long_string() {
  int32_t n = i32();
  if (n < 0) {
    fail("negative [long string] length");
    return {};
  }
  return raw(static_cast<size_t>(n));
}
std::string_view Reader::bytes(bool& is_null) {
  int32_t n = i32();
  is_null = n < 0;
  if (n < 0) return {};
  return raw(static_cast<size_t>(n));
}
std::string_view Reader::short_bytes() { return raw(u16()); }
std::vector<std::string> Reader::string_list() {
  std::vector<std::string> out;
  uint16_t n = u16();
  for (uint16_t i = 0; i < n && ok_; ++i) out.emplace_back(string());
  if (!ok_) out.clear();
  return out;
}
std::map<std::string, std::vector<std::string>> Reader::string_multimap() {
  std::map<std::string, std::vector<std::string>> out;
  uint16_t n = u16();
  for (uint16_t i = 0; i < n && ok_; ++i) {
    std::string key(string());
    out[key] = string_list();
  }
  if (!ok_) out.clear();
  return out;
}
void Reader::skip_bytes_map() {
  uint16_t n = u16();
  bool is_null = false;
  for (uint16_t i = 0; i < n && ok_; ++i) {
    string();
    bytes(is_null);
  }
}
Uuid Reader::uuid() {
  Uuid u;
  std::string_view b = raw(16);
  if (b.size() == 16) std::memcpy(u.bytes.data(), b.data(), 16);
  return u;
}

Type Reader::type_option(int depth) {
  Type t;
  if (depth > kMaxTypeDepth) {
    fail("type nested deeper than " + std::to_string(kMaxTypeDepth) + " levels");
    return t;
  }
  uint16_t id = u16();
  t.id = static_cast<TypeId>(id);
  switch (t.id) {
    case TypeId::Custom: t.name_or_class = std::string(string()); break;
    case TypeId::List:
    case TypeId::Set: t.params.push_back(type_option(depth + 1)); break;
    case TypeId::Map:
      t.params.push_back(type_option(depth + 1));
      t.params.push_back(type_option(depth + 1));
      break;
    case TypeId::Udt: {
      std::string keyspace(string());
      t.name_or_class = keyspace + "." + std::string(string());
      uint16_t n = u16();
      for (uint16_t i = 0; i < n && ok_; ++i) {
        t.field_names.emplace_back(string());
        t.params.push_back(type_option(depth + 1));
      }
      break;
    }
    case TypeId::Tuple: {
      uint16_t n = u16();
      for (uint16_t i = 0; i < n && ok_; ++i) t.params.push_back(type_option(depth + 1));
      break;
    }
    default:
      if (id > static_cast<uint16_t>(TypeId::Duration) || id == 0x0A) {
        fail("unknown type option 0x" + [&] {
          char buf[8];
          std::snprintf(buf, sizeof buf, "%04x", id);
          return std::string(buf);
        }());
      }
  }
  return t;
}

Result<void> encode_value(const Type& t, const Value& v, Writer& w) {
  if (v.is_null()) {
    w.null_bytes();
    return {};
  }
  if (v.is_unset()) {
    w.unset_value();
    return {};
  }
  std::string content;
  if (auto r = encode_content(t, v, content); !r) return r;
  w.bytes(content);
  return {};
}

Result<void> encode_value(const Value& v, Writer& w) { return encode_value(inferred_type(v), v, w); }

Result<Value> decode_value(const Type& t, std::string_view b, int depth) {
  auto bad = [&](std::string why) {
    return fail(ErrorCode::MalformedResponse, "bad " + t.to_string() + " cell: " + why);
  };
  auto want = [&](size_t n) { return b.size() == n; };
  switch (t.id) {
    case TypeId::Boolean:
      if (!want(1)) return bad("expected 1 byte");
      return Value::boolean(b[0] != 0);
    case TypeId::TinyInt:
      if (!want(1)) return bad("expected 1 byte");
      return Value::int32(get_big_endian<int8_t>(b));
    case TypeId::SmallInt:
      if (!want(2)) return bad("expected 2 bytes");
      return Value::int32(get_big_endian<int16_t>(b));
    case TypeId::Int:
      if (!want(4)) return bad("expected 4 bytes");
      return Value::int32(get_big_endian<int32_t>(b));
    case TypeId::BigInt:
    case TypeId::Counter:
    case TypeId::Time:
      if (!want(8)) return bad("expected 8 bytes");
      return Value::int64(get_big_endian<int64_t>(b));
    case TypeId::Timestamp:
      if (!want(8)) return bad("expected 8 bytes");
      return Value::timestamp(get_big_endian<int64_t>(b));
    case TypeId::Double:
      if (!want(8)) return bad("expected 8 bytes");
      return Value::float64(std::bit_cast<double>(get_big_endian<uint64_t>(b)));
    case TypeId::Float:
      if (!want(4)) return bad("expected 4 bytes");
      return Value::float64(std::bit_cast<float>(get_big_endian<uint32_t>(b)));
    case TypeId::Ascii:
    case TypeId::Varchar: return Value::text(std::string(b));
    case TypeId::Uuid:
    case TypeId::TimeUuid: {
      if (!want(16)) return bad("expected 16 bytes");
      Uuid u;
      std::memcpy(u.bytes.data(), b.data(), 16);
      return Value::uuid(u);
    }
    case TypeId::List:
    case TypeId::Set:
    case TypeId::Map: {
      if (depth > kMaxTypeDepth) return bad("nested too deep");
      const size_t per_item = t.id == TypeId::Map ? 2 : 1;
      if (t.params.size() != per_item) return bad("collection type without element types");
      Reader r(b);
      int32_t n = r.i32();
      // Each element takes at least its 4-byte length: bounds the count before reserving.
      if (!r.ok() || n < 0 || static_cast<uint64_t>(n) * per_item * 4 > r.remaining()) {
        return bad("element count " + std::to_string(n) + " does not fit " +
                   std::to_string(b.size()) + " bytes");
      }
      Value::Items items;
      if (auto r2 = decode_cells(r, static_cast<size_t>(n) * per_item, t.params, depth, items); !r2) {
        return bad(r2.error().message);
      }
      if (t.id == TypeId::List) return Value::list(std::move(items));
      if (t.id == TypeId::Set) return Value::set(std::move(items));
      Value::Entries entries;
      entries.reserve(items.size() / 2);
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        entries.emplace_back(std::move(items[i]), std::move(items[i + 1]));
      }
      return Value::map(std::move(entries));
    }
    case TypeId::Udt:
    case TypeId::Tuple: {
      // A tuple reads back as a list of its elements, a UDT as a map from field name to value;
      // trailing fields may be absent (added to the type after the value was written).
      if (depth > kMaxTypeDepth) return bad("nested too deep");
      Reader r(b);
      Value::Items items;
      if (auto r2 = decode_cells(r, t.params.size(), t.params, depth, items, true); !r2) {
        return bad(r2.error().message);
      }
      if (t.id == TypeId::Tuple) return Value::list(std::move(items));
      Value::Entries fields;
      for (size_t i = 0; i < items.size() && i < t.field_names.size(); ++i) {
        fields.emplace_back(Value::text(t.field_names[i]), std::move(items[i]));
      }
      return Value::map(std::move(fields));
    }
    default: return Value::blob(std::string(b));
  }
}

}  // namespace kongdb::cql::wire
