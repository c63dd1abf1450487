// Port of kong/api/arguments_decoder.lua (decode) and kong/api/arguments.lua (combine).
//
// Kong works on Lua tables, whose integer and string keys are distinct and which may mix
// both; the port keeps that model (LuaTable) so merges behave the same, and turns the result
// into a Value at the end: integer keys 1..n become an Array (holes are null), tables with
// string keys become Objects (integer keys written as decimal strings, as cjson does).
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admin/request/ascii.h"
#include "kongdb/admin/request_decoding.h"

namespace kongdb::admin {
namespace {

struct LuaTable;

/// A Lua value: a scalar (string or true) or a table.
struct Node {
  Value scalar;
  std::unique_ptr<LuaTable> table;

  static Node of(Value v) { return Node{std::move(v), nullptr}; }
  static Node empty_table();
  bool is_table() const { return table != nullptr; }
};

struct Key {
  bool is_integer = false;
  int64_t integer = 0;
  std::string string;
};

struct LuaTable {
  std::map<int64_t, Node> integers;
  std::vector<std::pair<std::string, Node>> strings;  // insertion order
  std::unordered_map<std::string, size_t> string_index;  // key -> position in `strings`

  Node* find(const Key& key) {
    if (key.is_integer) {
      auto it = integers.find(key.integer);
      return it == integers.end() ? nullptr : &it->second;
    }
    auto it = string_index.find(key.string);
    return it == string_index.end() ? nullptr : &strings[it->second].second;
  }
  Node& set(const Key& key, Node value) {
    if (key.is_integer) return integers[key.integer] = std::move(value);
    if (Node* existing = find(key)) return *existing = std::move(value);
    string_index.emplace(key.string, strings.size());
    strings.emplace_back(key.string, std::move(value));
    return strings.back().second;
  }
  /// Lua's `#t` for the tables built here: the first border from 1.
  int64_t length() const {
    int64_t n = 0;
    for (auto it = integers.find(1); it != integers.end() && it->first == n + 1; ++it) ++n;
    return n;
  }
};

Node Node::empty_table() { return Node{Value(), std::make_unique<LuaTable>()}; }

Key string_key(std::string s) { return Key{false, 0, std::move(s)}; }
Key integer_key(int64_t i) { return Key{true, i, {}}; }

/// Lua's tonumber() on a string: decimal or hex, optional sign, surrounding whitespace.
std::optional<double> lua_tonumber(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  if (body.front() == '-' || body.front() == '+') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    double v = 0;
    for (char c : body.substr(2)) {
      int d = (c >= '0' && c <= '9') ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    return negative ? -v : v;
  }
  // Decimal: digits [. digits] [e [sign] digits], at least one digit in the mantissa.
  size_t i = 0, digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  std::string copy(s);
  return std::strtod(copy.c_str(), nullptr);
}

/// `%5B(.*?)%5D` -> `[$1]`, case-insensitive: Kong unescapes brackets a client encoded twice.
std::string unescape_brackets(std::string_view name) {
  std::string out;
  size_t pos = 0;
  while (pos < name.size()) {
    size_t open = std::string_view::npos;
    for (size_t i = pos; i + 3 <= name.size(); ++i)
      if (ascii::starts_with_ignoring_case(name.substr(i), "%5b")) {
        open = i;
        break;
      }
    if (open == std::string_view::npos) break;
    size_t close = std::string_view::npos;
    for (size_t i = open + 3; i + 3 <= name.size(); ++i)
      if (ascii::starts_with_ignoring_case(name.substr(i), "%5d")) {
        close = i;
        break;
      }
    if (close == std::string_view::npos) break;
    out.append(name.substr(pos, open - pos));
    out += '[';
    out.append(name.substr(open + 3, close - open - 3));
    out += ']';
    pos = close + 3;
  }
  out.append(name.substr(pos));
  return out;
}

/// Kong splits a name on dots outside brackets: `([^.](?:\[[^\]]*\])*)+`, matched repeatedly.
std::vector<std::string> split_on_dots(std::string_view name) {
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos < name.size()) {
    if (name[pos] == '.') {
      ++pos;
      continue;
    }
    size_t start = pos;
    while (pos < name.size() && name[pos] != '.') {
      ++pos;  // one non-dot character, then any complete bracket groups
      while (pos < name.size() && name[pos] == '[') {
        size_t close = name.find(']', pos + 1);
        if (close == std::string_view::npos) break;
        pos = close + 1;
      }
    }
    names.emplace_back(name.substr(start, pos - start));
  }
  return names;
}

struct ParamKeys {
  std::string param;
  std::vector<std::string> keys;
  bool is_map = false;
};

/// `foo[bar][21].key` -> foo, {bar, 21, key}; nullopt when the name has no keys.
std::optional<ParamKeys> param_name_and_keys(std::string_view name) {
  size_t delimiter = name.find_first_of("[.", 1);
  if (delimiter == std::string_view::npos) return std::nullopt;
  ParamKeys out;
  out.param = std::string(name.substr(0, delimiter));
  std::string_view rest = name.substr(delimiter);
  size_t pos = 0;
  while (pos < rest.size()) {
    if (rest[pos] == '.' && pos + 1 < rest.size() && rest[pos + 1] != '[' && rest[pos + 1] != '.') {
      size_t end = rest.find_first_of("[.", pos + 1);
      if (end == std::string_view::npos) end = rest.size();
      out.keys.emplace_back(rest.substr(pos + 1, end - pos - 1));
      pos = end;
    } else if (rest[pos] == '[' && rest.find(']', pos + 1) != std::string_view::npos) {
      size_t close = rest.find(']', pos + 1);
      std::string key(rest.substr(pos + 1, close - pos - 1));
      if (!key.empty() && !lua_tonumber(key)) out.is_map = true;
      out.keys.push_back(std::move(key));
      pos = close + 1;
    } else {
      ++pos;
    }
  }
  if (out.keys.empty()) return std::nullopt;
  return out;
}

bool method_allows_maps(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

class Nester {
 public:
  explicit Nester(std::string_view method) : maps_allowed_(method_allows_maps(method)) {}

  /// decode_arg: one raw argument -> a table holding just its path.
  LuaTable decode_argument(const std::string& raw_name, Node value) {
    LuaTable container;
    if (raw_name.front() == '.' || raw_name.back() == '.') {
      // Kong stores these under a literal "name" key (a slip); the raw name is kept here.
      container.set(string_key(raw_name), std::move(value));
      return container;
    }
    std::string name = unescape_brackets(raw_name);
    size_t delimiters = 0;
    for (char c : name)
      if (c == '.' || c == '[') ++delimiters;
    if (delimiters >= kMaxKeyDepth) {
      fail("Argument name nested too deeply: '" + raw_name + "'");
      return container;
    }
    std::vector<std::string> names = split_on_dots(name);
    if (names.empty()) {
      decode_complex(name, std::move(value), container);
      return container;
    }
    LuaTable* bucket = &container;
    for (size_t i = 0; i + 1 < names.size() && bucket; ++i)
      bucket = decode_complex(names[i], Node::empty_table(), *bucket);
    if (bucket) decode_complex(names.back(), std::move(value), *bucket);
    return container;
  }

  std::optional<DecodeError> error;

 private:
  void fail(std::string message) {
    if (!error) error = DecodeError{std::move(message)};
  }

  /// A path segment as Kong's nest_path sees it: numbers index arrays.
  std::optional<int64_t> array_index(const std::string& segment, const std::string& name) {
    std::optional<double> number = lua_tonumber(segment);
    if (!number) return std::nullopt;
    if (!(*number >= 1 && *number <= static_cast<double>(kMaxArrayIndex)) ||
        std::floor(*number) != *number) {
      fail("Invalid array index in argument '" + name + "' (must be between 1 and " +
           std::to_string(kMaxArrayIndex) + ")");
      return 0;
    }
    return static_cast<int64_t>(*number);
  }

  /// decode_complex_arg: nested when the name has keys, else a plain key. Returns the table
  /// later names of the same argument go into (meaningful when `value` is a table).
  LuaTable* decode_complex(const std::string& name, Node value, LuaTable& container) {
    std::optional<ParamKeys> parsed = param_name_and_keys(name);
    if (parsed && (!parsed->is_map || maps_allowed_)) {
      std::vector<std::string> path;
      path.reserve(parsed->keys.size() + 1);
      path.push_back(std::move(parsed->param));
      for (auto& k : parsed->keys) path.push_back(std::move(k));
      return nest_path(container, path, std::move(value), name);
    }
    Node& stored = container.set(string_key(name), std::move(value));
    return stored.is_table() ? stored.table.get() : nullptr;
  }

  /// nest_path on a fresh container: builds the chain of tables for `path`.
  LuaTable* nest_path(LuaTable& root, const std::vector<std::string>& path, Node value,
                      const std::string& name) {
    LuaTable* container = &root;
    for (size_t i = 0; i < path.size(); ++i) {
      const std::string& segment = path[i];
      std::optional<int64_t> index = array_index(segment, name);
      if (error) return nullptr;
      bool last = i + 1 == path.size();
      if (segment.empty() || index) {
        if (last) {
          if (index) {
            Node& stored = container->set(integer_key(*index), std::move(value));
            return stored.is_table() ? stored.table.get() : nullptr;
          }
          if (value.is_table()) {
            // `paths[]` with repeated values: each value appended in order.
            int64_t n = container->length();
            for (auto& [k, v] : value.table->integers) container->set(integer_key(n + k), std::move(v));
            return container;
          }
          container->set(integer_key(container->length() + 1), std::move(value));
          return container;
        }
        Node& child = container->set(integer_key(index.value_or(1)), Node::empty_table());
        container = child.table.get();
      } else {
        if (last) {
          Node& stored = container->set(string_key(segment), std::move(value));
          return stored.is_table() ? stored.table.get() : nullptr;
        }
        Node& child = container->set(string_key(segment), Node::empty_table());
        container = child.table.get();
      }
    }
    return container;
  }

  bool maps_allowed_;
};

/// combine_arg: merges one decoded argument into the result, making arrays of repeated names.
void combine(LuaTable& to, Node arg) {
  if (!arg.is_table()) {
    to.set(integer_key(to.length() + 1), std::move(arg));
    return;
  }
  auto merge = [&](const Key& key, Node value) {
    Node* existing = to.find(key);
    if (!existing) {
      to.set(key, std::move(value));
    } else if (existing->is_table()) {
      combine(*existing->table, std::move(value));
    } else {
      Node wrapped = Node::empty_table();
      wrapped.table->set(integer_key(1), std::move(*existing));
      combine(*wrapped.table, std::move(value));
      *existing = std::move(wrapped);
    }
  };
  for (auto& [k, v] : arg.table->integers) merge(integer_key(k), std::move(v));
  for (auto& [k, v] : arg.table->strings) merge(string_key(k), std::move(v));
}

class Converter {
 public:
  std::optional<DecodeError> error;

  Value convert(Node& node) {
    if (!node.is_table()) return std::move(node.scalar);
    return convert_table(*node.table, false);
  }

  Value convert_table(LuaTable& table, bool force_object) {
    if (!force_object && table.strings.empty() && !table.integers.empty() &&
        table.integers.begin()->first >= 1) {
      auto size = static_cast<size_t>(table.integers.rbegin()->first);
      slots_ += size;
      if (slots_ > kMaxArraySlots) {
        if (!error) error = DecodeError{"Too many array elements in arguments"};
        return Value();
      }
      Array array(size);
      for (auto& [k, v] : table.integers) array[static_cast<size_t>(k - 1)] = convert(v);
      return Value(std::move(array));
    }
    Object object;
    for (auto& [k, v] : table.integers) object.set(std::to_string(k), convert(v));
    for (auto& [k, v] : table.strings) object.set(k, convert(v));
    return Value(std::move(object));
  }

 private:
  size_t slots_ = 0;
};

}  // namespace

Decoded<Value> nest_arguments(const std::vector<RawArgument>& arguments, std::string_view method) {
  if (arguments.size() > kMaxArguments) return tl::unexpected(DecodeError{"Too many arguments"});
  Nester nester(method);
  LuaTable combined;
  for (const RawArgument& argument : arguments) {
    if (argument.name.empty() || argument.values.empty()) continue;
    Node value;
    if (argument.values.size() == 1) {
      value = Node::of(argument.values.front());
    } else {
      value = Node::empty_table();
      int64_t i = 0;
      for (const Value& v : argument.values) value.table->set(integer_key(++i), Node::of(v));
    }
    LuaTable decoded = nester.decode_argument(argument.name, std::move(value));
    if (nester.error) return tl::unexpected(*nester.error);
    combine(combined, Node{Value(), std::make_unique<LuaTable>(std::move(decoded))});
  }
  Converter converter;
  Value out = converter.convert_table(combined, true);
  if (converter.error) return tl::unexpected(*converter.error);
  return out;
}

Decoded<Value> decode_urlencoded(std::string_view text, std::string_view method) {
  auto arguments = split_urlencoded(text);
  if (!arguments) return tl::unexpected(arguments.error());
  return nest_arguments(*arguments, method);
}

}  // namespace kongdb::admin
