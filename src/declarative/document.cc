// Declarative text -> Value: JSON through the core parser, YAML through libyaml's event API
// (the library Kong's lyaml binds), building the tree directly so that depth, size and
// alias expansion are bounded while reading.
#include <yaml.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sys/stat.h>

#include "kongdb/core/json.h"
#include "declarative/yaml_scalars.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

Error parse_failure(const std::string& why) {
  const std::string message = "failed parsing declarative configuration: " + why;
  return errors::declarative_config(Value::object({{"error", message}}));
}

std::string at_line_column(size_t line, size_t column) {
  return " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
}

// 1-based line and column of a byte offset.
std::pair<size_t, size_t> line_column_at(std::string_view text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

size_t depth_of(const Value& v, size_t limit, size_t depth = 1) {
  if (depth > limit) return depth;
  size_t deepest = depth;
  if (v.is_array()) {
    for (const Value& e : v.as_array()) deepest = std::max(deepest, depth_of(e, limit, depth + 1));
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object()) deepest = std::max(deepest, depth_of(e, limit, depth + 1));
  }
  return deepest;
}

Result<Value> decode_json(std::string_view text, const Limits& limits) {
  auto parsed = json::parse(text);
  if (!parsed) {
    // The core parser reports "... at offset N"; people need a line and column.
    std::string why = parsed.error();
    const auto at = why.rfind(" at offset ");
    if (at != std::string::npos) {
      size_t offset = 0;
      const char* begin = why.data() + at + 11;
      std::from_chars(begin, why.data() + why.size(), offset);
      auto [line, column] = line_column_at(text, offset);
      why = why.substr(0, at) + at_line_column(line, column);
    }
    return parse_failure(why);
  }
  if (depth_of(*parsed, limits.max_depth) > limits.max_depth) {
    return parse_failure("nesting deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  return std::move(*parsed);
}

size_t node_count(const Value& v) {
  size_t n = 1;
  if (v.is_array()) {
    for (const Value& e : v.as_array()) n += node_count(e);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object()) n += node_count(e);
  }
  return n;
}

bool all_of_chars(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return !s.empty();
}

// YAML 1.1 implicit typing of a plain scalar, as lyaml resolves it (null, booleans, integers
// in decimal/hex/octal, floats including .inf/.nan); anything else is a string.
}  // namespace

Value resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  static const char* const kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char* const kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  for (const char* t : kTrue) {
    if (s == t) return Value(true);
  }
  for (const char* f : kFalse) {
    if (s == f) return Value(false);
  }
  std::string_view body = s;
  bool negative = false;
  if (body.front() == '-' || body.front() == '+') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  int base = 10;
  std::string_view digits = body;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    digits = body.substr(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
    base = 8;
    digits = body.substr(2);
  }
  if ((base == 16 && all_of_chars(digits, +[](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) ||
      (base != 16 && all_of_chars(digits, +[](char c) { return c >= '0' && c <= '9'; }))) {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) return Value(negative ? -n : n);
    // Too large for an integer: a float, as Lua would read it.
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    return Value(negative ? -HUGE_VAL : HUGE_VAL);
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return Value(std::nan(""));
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = 0;
  size_t int_digits = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits > 0 && i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    size_t j = i + 1;
    if (j < body.size() && (body[j] == '+' || body[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < body.size() && is_digit(body[j])) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;
  }
  if (int_digits + frac_digits > 0 && i == body.size()) {
    errno = 0;
    double d = std::strtod(s.c_str(), nullptr);
    if (errno == 0 || std::isinf(d)) return Value(d);
  }
  return Value(s);
}

namespace {

// Builds the tree from libyaml events with explicit stacks (no recursion on the input).
class YamlReader {
 public:
  YamlReader(std::string_view text, const Limits& limits) : limits_(limits) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~YamlReader() { yaml_parser_delete(&parser_); }
  YamlReader(const YamlReader&) = delete;
  YamlReader& operator=(const YamlReader&) = delete;

  Result<Value> read() {
    yaml_event_t event;
    for (;;) {
      if (!yaml_parser_parse(&parser_, &event)) return syntax_error();
      const yaml_event_type_t type = event.type;
      auto result = on_event(event);
      yaml_event_delete(&event);
      if (!result) return result.error();
      if (type == YAML_STREAM_END_EVENT || (type == YAML_DOCUMENT_END_EVENT && have_root_)) break;
    }
    if (!have_root_) return Value();
    return std::move(root_);
  }

 private:
  struct Frame {
    Value container;
    std::string key;       // mappings: the key awaiting its value
    bool expecting_key = true;
    std::string anchor;
  };

  Error syntax_error() {
    std::string why = parser_.problem ? parser_.problem : "invalid YAML";
    if (parser_.context) why = std::string(parser_.context) + ": " + why;
    return parse_failure(why + at_line_column(parser_.problem_mark.line + 1, parser_.problem_mark.column + 1));
  }

  Error error_at(const yaml_event_t& event, const std::string& why) {
    return parse_failure(why + at_line_column(event.start_mark.line + 1, event.start_mark.column + 1));
  }

  static std::string anchor_of(const unsigned char* anchor) {
    return anchor ? reinterpret_cast<const char*>(anchor) : std::string();
  }

  Result<void> on_event(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (stack_.size() + 1 > limits_.max_depth) {
          return error_at(event, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
        }
        if (!stack_.empty() && is_key_position()) return error_at(event, "a mapping key must be a scalar");
        Frame frame;
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        frame.container = sequence ? Value(Array{}) : Value(Object{});
        frame.anchor = anchor_of(sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor);
        stack_.push_back(std::move(frame));
        ++nodes_;
        return {};
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        if (!frame.anchor.empty()) remember(frame.anchor, frame.container);
        return add(event, std::move(frame.container));
      }
      case YAML_SCALAR_EVENT: {
        std::string text(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        ++nodes_;
        if (!stack_.empty() && is_key_position()) {
          stack_.back().key = std::move(text);
          stack_.back().expecting_key = false;
          return {};
        }
        Value v = scalar_value(event, std::move(text));
        const std::string anchor = anchor_of(event.data.scalar.anchor);
        if (!anchor.empty()) remember(anchor, v);
        return add(event, std::move(v));
      }
      case YAML_ALIAS_EVENT: {
        const std::string name = anchor_of(event.data.alias.anchor);
        auto found = anchors_.find(name);
        if (found == anchors_.end()) return error_at(event, "unknown alias '" + name + "'");
        alias_nodes_ += found->second.nodes;
        if (alias_nodes_ > limits_.max_alias_nodes && alias_nodes_ > nodes_) {
          return error_at(event, "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
                                     " nodes");
        }
        if (!stack_.empty() && is_key_position()) {
          if (!found->second.value.is_string()) return error_at(event, "a mapping key must be a scalar");
          stack_.back().key = found->second.value.as_string();
          stack_.back().expecting_key = false;
          return {};
        }
        return add(event, Value(found->second.value));
      }
      default:
        return {};
    }
  }

  bool is_key_position() const {
    const Frame& top = stack_.back();
    return top.container.is_object() && top.expecting_key;
  }

  Value scalar_value(const yaml_event_t& event, std::string text) const {
    const char* tag = reinterpret_cast<const char*>(event.data.scalar.tag);
    if (tag && std::strcmp(tag, YAML_STR_TAG) == 0) return Value(std::move(text));
    if (event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return Value(std::move(text));
    return resolve_plain_scalar(text);
  }

  void remember(const std::string& anchor, const Value& v) { anchors_[anchor] = {v, node_count(v)}; }

  Result<void> add(const yaml_event_t& event, Value v) {
    if (stack_.empty()) {
      if (!have_root_) {
        root_ = std::move(v);
        have_root_ = true;
      }
      return {};
    }
    Frame& top = stack_.back();
    if (top.container.is_array()) {
      top.container.as_array().push_back(std::move(v));
    } else {
      (void)event;
      // A repeated key replaces the earlier value, as lyaml's tables do.
      top.container.as_object().set(std::move(top.key), std::move(v));
      top.key.clear();
      top.expecting_key = true;
    }
    return {};
  }

  struct Anchored {
    Value value;
    size_t nodes = 0;
  };

  yaml_parser_t parser_;
  const Limits& limits_;
  std::vector<Frame> stack_;
  std::map<std::string, Anchored> anchors_;
  Value root_;
  bool have_root_ = false;
  size_t nodes_ = 0;
  size_t alias_nodes_ = 0;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<Format> format_of(std::string_view filename) {
  if (ends_with(filename, ".json")) return Format::Json;
  if (ends_with(filename, ".yml") || ends_with(filename, ".yaml")) return Format::Yaml;
  const std::string message =
      "unknown file type: " + std::string(filename) + ". (Accepted types: json, yaml)";
  return errors::declarative_config(Value::object({{"error", message}}));
}

Result<Value> decode(std::string_view text, Format format, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return parse_failure("the input is " + std::to_string(text.size()) + " bytes, more than the " +
                         std::to_string(limits.max_bytes) + " accepted");
  }
  if (format == Format::Json) return decode_json(text, limits);
  YamlReader reader(text, limits);
  return reader.read();
}

Result<Value> decode_file(const std::string& path, const Limits& limits) {
  auto format = format_of(path);
  if (!format) return format.error();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return parse_failure("cannot read " + path + ": " + std::strerror(errno));
  }
  if (static_cast<uint64_t>(st.st_size) > limits.max_bytes) {
    return parse_failure(path + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                         std::to_string(limits.max_bytes) + " accepted");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return parse_failure("cannot read " + path + ": " + std::strerror(errno));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return decode(text, *format, limits);
}

}  // namespace kongdb::declarative
