// Value: the dynamic value every layer exchanges (entities, options, error trees).
//
// It mirrors what Kong manipulates as Lua tables decoded from JSON:
//   null (ngx.null, an explicit null; an *absent* key is simply missing from its Object),
//   boolean, integer (kept distinct from float so JSON round-trips "5" as 5),
//   float, string (bytes, not necessarily UTF-8), array and object.
// Schema types map onto these: `set` is an Array whose elements are unique after
// process_auto_fields, `map` and `record` are Objects; an empty Array is `[]` and an
// empty Object is `{}` (Kong's cjson array_mt distinction).
//
//   Value v = Value::object({{"name", "mockbin"}, {"port", 80}});
//   if (const Value* p = v.find("port"); p && p->is_integer()) use(p->as_integer());
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kongdb {

class Value;

/// An ordered string-keyed map: insertion order is kept so output follows schema order.
class Object {
 public:
  using Entry = std::pair<std::string, Value>;
  using iterator = std::vector<Entry>::iterator;
  using const_iterator = std::vector<Entry>::const_iterator;

  Object() = default;
  Object(std::initializer_list<Entry> entries);

  /// nullptr when the key is absent.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// Inserts or replaces; returns the stored value.
  Value& set(std::string key, Value value);
  /// Adds without looking for an existing key: the caller guarantees `key` is new.
  Value& append(std::string key, Value value);
  /// Returns the existing value or inserts a null one.
  Value& operator[](std::string_view key);
  bool erase(std::string_view key);

  // Defined after Value: they need it complete.
  size_t size() const;
  bool empty() const;
  void reserve(size_t n);
  iterator begin();
  iterator end();
  const_iterator begin() const;
  const_iterator end() const;

  /// Order-insensitive equality, as Lua tables compare.
  bool operator==(const Object& other) const;

 private:
  std::vector<Entry> entries_;
};

using Array = std::vector<Value>;

struct Null {
  bool operator==(const Null&) const = default;
};

class Value {
 public:
  enum class Kind : uint8_t { Null, Boolean, Integer, Float, String, Array, Object };

  Value() = default;  // null
  Value(Null) {}
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(int64_t{i}) {}
  Value(long i) : data_(int64_t{i}) {}
  Value(long long i) : data_(int64_t{i}) {}
  Value(unsigned i) : data_(int64_t{i}) {}
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(kongdb::Array a) : data_(std::move(a)) {}
  Value(kongdb::Object o) : data_(std::move(o)) {}

  static Value array(std::initializer_list<Value> items = {}) { return Value(kongdb::Array(items)); }
  static Value object(std::initializer_list<Object::Entry> entries = {}) {
    return Value(kongdb::Object(entries));
  }

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_boolean() const { return kind() == Kind::Boolean; }
  bool is_integer() const { return kind() == Kind::Integer; }
  bool is_float() const { return kind() == Kind::Float; }
  bool is_number() const { return is_integer() || is_float(); }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }
  /// Array or Object: what Lua would call a table.
  bool is_table() const { return is_array() || is_object(); }

  bool as_boolean() const { return std::get<bool>(data_); }
  int64_t as_integer() const { return std::get<int64_t>(data_); }
  /// Any number as a double.
  double as_number() const;
  const std::string& as_string() const { return std::get<std::string>(data_); }
  std::string& as_string() { return std::get<std::string>(data_); }
  const kongdb::Array& as_array() const { return std::get<kongdb::Array>(data_); }
  kongdb::Array& as_array() { return std::get<kongdb::Array>(data_); }
  const kongdb::Object& as_object() const { return std::get<kongdb::Object>(data_); }
  kongdb::Object& as_object() { return std::get<kongdb::Object>(data_); }

  /// Object lookup; nullptr when not an object or the key is absent.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);

  /// Kong's "non-empty": not null, not "", not an empty table.
  bool is_nonempty() const;

  /// Deep equality with Lua semantics: 1 == 1.0, objects compare order-insensitively.
  bool operator==(const Value& other) const;

  /// Kong's tostring() of a scalar as it appears in messages (numbers like Lua's %.14g).
  std::string to_lua_string() const;

 private:
  std::variant<Null, bool, int64_t, double, std::string, kongdb::Array, kongdb::Object> data_;
};

inline size_t Object::size() const { return entries_.size(); }
inline bool Object::empty() const { return entries_.empty(); }
inline void Object::reserve(size_t n) { entries_.reserve(n); }
inline Object::iterator Object::begin() { return entries_.begin(); }
inline Object::iterator Object::end() { return entries_.end(); }
inline Object::const_iterator Object::begin() const { return entries_.begin(); }
inline Object::const_iterator Object::end() const { return entries_.end(); }

/// Lua's tostring() of a number ("%.14g"; integral values print without a decimal point).
std::string lua_number_string(double d);

/// A short name of the kind, for diagnostics ("string", "table", ...), Lua-style.
std::string_view lua_type_name(const Value& v);

}  // namespace kongdb
