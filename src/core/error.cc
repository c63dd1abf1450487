#include "kongdb/core/error.h"

#include <algorithm>
#include <vector>

namespace kongdb {
namespace {

bool is_lua_keyword(std::string_view s) {
  static constexpr std::string_view kKeywords[] = {
      "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "goto",
      "if",    "in",    "local", "nil", "not",   "or",     "repeat", "return", "then", "true",
      "until", "while"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), s) != std::end(kKeywords);
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  if (!alpha(s[0]) && s[0] != '_') return false;
  for (unsigned char c : s) {
    if (!alpha(c) && !digit(c) && c != '_') return false;
  }
  return !is_lua_keyword(s);
}

// penlight's stringx.quote_string: long brackets for multi-line text, else Lua's %q.
std::string quote_string(std::string_view s) {
  int max_eq = -1;
  std::string probe(s);
  probe += ']';
  for (size_t i = 0; i < probe.size(); ++i) {
    char open = probe[i];
    if (open != '[' && open != ']') continue;
    size_t j = i + 1;
    while (j < probe.size() && probe[j] == '=') ++j;
    if (j < probe.size() && probe[j] == open) {
      max_eq = std::max(max_eq, static_cast<int>(j - i - 1));
    }
  }
  bool has_nl = s.find('\n') != std::string_view::npos;
  bool has_cr = s.find('\r') != std::string_view::npos;
  if ((has_nl || max_eq >= 0) && !has_cr) {
    std::string eq(static_cast<size_t>(max_eq + 1), '=');
    std::string body(s);
    if (!body.empty() && body[0] == '\n') body.insert(body.begin(), '\n');
    return "[" + eq + "[" + body + "]" + eq + "]";
  }
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\0':
        out += "\\000";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

// A faithful port of the line-building logic of penlight's pretty.write.
class PrettyWriter {
 public:
  explicit PrettyWriter(std::string space) : space_(std::move(space)) {
    set_ = space_.empty() ? "=" : " = ";
  }

  std::string write(const Value& v) {
    if (!v.is_table()) {
      return v.is_string() ? quote_string(v.as_string()) : scalar(v);
    }
    writeit(v, "", space_);
    eat_last_comma();
    std::string out;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (i && !space_.empty()) out += '\n';
      out += lines_[i];
    }
    return out;
  }

 private:
  static std::string scalar(const Value& v) {
    if (v.is_null()) return "\"userdata: NULL\"";
    std::string s = v.to_lua_string();
    return s.find(' ') != std::string::npos ? quote_string(s) : s;
  }

  void put(const std::string& s) { line_ += s; }
  void putln(const std::string& s) {
    if (!line_.empty()) {
      line_ += s;
      lines_.push_back(std::move(line_));
      line_.clear();
    } else {
      lines_.push_back(s);
    }
  }
  void eat_last_comma() {
    if (!lines_.empty() && !lines_.back().empty() && lines_.back().back() == ',') {
      lines_.back().pop_back();
    }
  }

  void writeit(const Value& t, const std::string& oldindent, const std::string& indent) {
    if (t.is_string()) {
      putln(quote_string(t.as_string()) + ",");
      return;
    }
    if (!t.is_table()) {
      putln(scalar(t) + ",");
      return;
    }
    std::string newindent = indent + space_;
    putln("{");
    if (t.is_array()) {
      const Array& a = t.as_array();
      size_t i = 0;
      // The sequence part stops at the first hole, as ipairs does.
      for (; i < a.size() && !a[i].is_null(); ++i) {
        put(indent);
        writeit(a[i], indent, newindent);
      }
      for (; i < a.size(); ++i) {
        if (a[i].is_null()) continue;
        put(indent + "[" + std::to_string(i + 1) + "]" + set_);
        writeit(a[i], indent, newindent);
      }
    } else {
      std::vector<const Object::Entry*> entries;
      for (const auto& e : t.as_object()) entries.push_back(&e);
      std::sort(entries.begin(), entries.end(),
                [](const auto* a, const auto* b) { return a->first < b->first; });
      for (const auto* e : entries) {
        std::string key =
            is_identifier(e->first) ? e->first : "[" + quote_string(e->first) + "]";
        put(indent + key + set_);
        writeit(e->second, indent, newindent);
      }
    }
    eat_last_comma();
    putln(oldindent + "},");
  }

  std::string space_;
  std::string set_;
  std::vector<std::string> lines_;
  std::string line_;
};

// Sorted keys of an error table: string keys for objects, 1-based indexes for arrays.
std::vector<std::pair<std::string, const Value*>> sorted_entries(const Value& t) {
  std::vector<std::pair<std::string, const Value*>> out;
  if (t.is_array()) {
    const Array& a = t.as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_null()) out.emplace_back(std::to_string(i + 1), &a[i]);
    }
    return out;  // already in numeric order
  }
  for (const auto& [k, v] : t.as_object()) out.emplace_back(k, &v);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string message_text(const Value& v) {
  return v.is_string() ? v.as_string() : pretty_indented(v);
}

std::string violations_message(const std::vector<std::string>& buf, std::string_view one_fmt_prefix,
                               std::string_view many_suffix) {
  if (buf.size() == 1) {
    return std::string(one_fmt_prefix) + " (" + buf[0] + ")";
  }
  std::string joined;
  for (size_t i = 0; i < buf.size(); ++i) {
    if (i) joined += "; ";
    joined += buf[i];
  }
  return std::to_string(buf.size()) + " " + std::string(many_suffix) + " (" + joined + ")";
}

}  // namespace

std::string pretty_compact(const Value& v) { return PrettyWriter("").write(v); }
std::string pretty_indented(const Value& v) { return PrettyWriter("  ").write(v); }

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidPrimaryKey:
      return "invalid primary key";
    case ErrorCode::SchemaViolation:
      return "schema violation";
    case ErrorCode::PrimaryKeyViolation:
      return "primary key violation";
    case ErrorCode::ForeignKeyViolation:
      return "foreign key violation";
    case ErrorCode::UniqueViolation:
      return "unique constraint violation";
    case ErrorCode::NotFound:
      return "not found";
    case ErrorCode::InvalidOffset:
      return "invalid offset";
    case ErrorCode::DatabaseError:
      return "database error";
    case ErrorCode::InvalidSize:
      return "invalid size";
    case ErrorCode::InvalidUnique:
      return "invalid unique %s";
    case ErrorCode::InvalidOptions:
      return "invalid options";
    case ErrorCode::OperationUnsupported:
      return "operation unsupported";
    case ErrorCode::ForeignKeysUnresolved:
      return "foreign keys unresolved";
    case ErrorCode::DeclarativeConfig:
      return "invalid declarative configuration";
    case ErrorCode::TransformationError:
      return "transformation error";
    case ErrorCode::InvalidForeignKey:
      return "invalid foreign key";
    case ErrorCode::InvalidWorkspace:
      return "invalid workspace";
    case ErrorCode::InvalidUniqueGlobal:
      return "invalid global query";
    case ErrorCode::ReferencedByOthers:
      return "referenced by others";
  }
  return "unknown error";
}

std::string Error::to_string() const {
  const std::string& text = message.empty() ? name : message;
  return strategy.empty() ? text : "[" + strategy + "] " + text;
}

Value Error::to_value(bool with_strategy) const {
  Object o;
  o.set("code", static_cast<int>(code));
  o.set("name", name);
  o.set("message", message.empty() ? Value() : Value(message));
  if (!fields.is_null()) {
    o.set(code == ErrorCode::InvalidOptions ? "options" : "fields", fields);
  }
  if (with_strategy && !strategy.empty()) {
    o.set("strategy", strategy);
  }
  return Value(std::move(o));
}

namespace errors {

Error make(ErrorCode code, std::string message, Value fields) {
  return Error{code, std::string(error_code_name(code)), std::move(message), std::move(fields), {}};
}

Error invalid_primary_key(const Value& pk_errors) {
  return make(ErrorCode::InvalidPrimaryKey,
              "invalid primary key: '" + pretty_compact(pk_errors) + "'", pk_errors);
}

Error invalid_foreign_key(const Value& fk_errors) {
  return make(ErrorCode::InvalidForeignKey,
              "invalid foreign key: '" + pretty_compact(fk_errors) + "'", fk_errors);
}

Error schema_violation(const Value& field_errors) {
  std::vector<std::string> buf;
  if (const Value* entity = field_errors.find("@entity"); entity && entity->is_array()) {
    for (const Value& e : entity->as_array()) buf.push_back(message_text(e));
  }
  if (field_errors.is_object()) {
    for (const auto& [name, value] : sorted_entries(field_errors)) {
      if (name == "@entity") continue;
      if (value->is_table()) {
        for (const auto& [sub, sub_value] : sorted_entries(*value)) {
          buf.push_back(name + "." + sub + ": " + message_text(*sub_value));
        }
      } else {
        buf.push_back(name + ": " + message_text(*value));
      }
    }
  }
  return make(ErrorCode::SchemaViolation,
              violations_message(buf, "schema violation", "schema violations"), field_errors);
}

Error primary_key_violation(const Value& pk) {
  return make(ErrorCode::PrimaryKeyViolation,
              "primary key violation on key '" + pretty_compact(pk) + "'", pk);
}

Error foreign_key_violation_invalid_reference(const Value& fk, const std::string& field_name,
                                              const std::string& parent_name) {
  return make(ErrorCode::ForeignKeyViolation,
              "the foreign key '" + pretty_compact(fk) + "' does not reference an existing '" +
                  parent_name + "' entity.",
              Value::object({{field_name, fk}}));
}

Error foreign_key_violation_restricted(const std::string& parent_name,
                                       const std::string& child_name) {
  return make(ErrorCode::ForeignKeyViolation,
              "an existing '" + child_name + "' entity references this '" + parent_name + "' entity",
              Value::object({{"@referenced_by", child_name}}));
}

Error foreign_keys_unresolved(Value unresolved) {
  std::vector<std::string> buf;
  if (unresolved.is_object()) {
    std::vector<std::string> names;
    for (const auto& [k, _] : unresolved.as_object()) names.push_back(k);
    std::sort(names.begin(), names.end());
    for (const std::string& field_name : names) {
      Value& field_errors = *unresolved.find(field_name);
      if (!field_errors.is_object()) {
        buf.push_back(field_name + ": " + message_text(field_errors));
        continue;
      }
      std::vector<std::string> subs;
      for (const auto& [k, _] : field_errors.as_object()) subs.push_back(k);
      std::sort(subs.begin(), subs.end());
      for (const std::string& sub : subs) {
        Value& v = *field_errors.find(sub);
        if (v.is_object()) {
          const Value* n = v.find("name");
          const Value* val = v.find("value");
          const Value* parent = v.find("parent");
          Value shown = Value::object({{n ? n->to_lua_string() : "", val ? *val : Value()}});
          v = Value("the foreign key cannot be resolved with '" + pretty_compact(shown) +
                    "' for an existing '" + (parent ? parent->to_lua_string() : "") + "' entity");
        }
        buf.push_back(field_name + "." + sub + ": " + message_text(v));
      }
    }
  }
  return make(ErrorCode::ForeignKeysUnresolved,
              violations_message(buf, "foreign key unresolved", "foreign keys unresolved"),
              std::move(unresolved));
}

Error unique_violation(const Value& unique_key) {
  std::string shown = pretty_compact(unique_key);
  static constexpr std::string_view kNull = "\"userdata: NULL\"";
  for (size_t pos; (pos = shown.find(kNull)) != std::string::npos;) {
    shown.replace(pos, kNull.size(), "null");
  }
  return make(ErrorCode::UniqueViolation, "UNIQUE violation detected on '" + shown + "'",
              unique_key);
}

Error not_found(const Value& pk) {
  return make(ErrorCode::NotFound,
              "could not find the entity with primary key '" + pretty_compact(pk) + "'", pk);
}

Error not_found_by_field(const Value& filter) {
  return make(ErrorCode::NotFound, "could not find the entity with '" + pretty_compact(filter) + "'",
              filter);
}

Error invalid_offset(std::string_view offset, std::string_view why) {
  return make(ErrorCode::InvalidOffset,
              "'" + std::string(offset) + "' is not a valid offset: " + std::string(why));
}

Error database_error(std::string message) {
  if (message.empty()) message = std::string(error_code_name(ErrorCode::DatabaseError));
  return make(ErrorCode::DatabaseError, std::move(message));
}

Error invalid_size(std::string message) { return make(ErrorCode::InvalidSize, std::move(message)); }

Error invalid_unique(std::string_view field_name, std::string message) {
  Error e = make(ErrorCode::InvalidUnique, std::move(message));
  e.name = "invalid unique " + std::string(field_name);
  return e;
}

Error invalid_options(const Value& option_errors) {
  std::vector<std::string> buf;
  if (option_errors.is_object()) {
    for (const auto& [name, value] : sorted_entries(option_errors)) {
      if (value->is_table()) {
        for (const auto& [sub, sub_value] : sorted_entries(*value)) {
          buf.push_back(name + "." + sub + ": " + message_text(*sub_value));
        }
      } else {
        buf.push_back(name + ": " + message_text(*value));
      }
    }
  }
  return make(ErrorCode::InvalidOptions,
              violations_message(buf, "invalid option", "option violations"), option_errors);
}

Error operation_unsupported(std::string message) {
  return make(ErrorCode::OperationUnsupported, std::move(message));
}

Error declarative_config(const Value& field_errors) {
  return make(ErrorCode::DeclarativeConfig,
              "declarative config is invalid: " + pretty_compact(field_errors), field_errors);
}

Error transformation_error(std::string message) {
  if (message.empty()) message = std::string(error_code_name(ErrorCode::TransformationError));
  return make(ErrorCode::TransformationError, std::move(message));
}

Error invalid_workspace(std::string_view ws_id) {
  return make(ErrorCode::InvalidWorkspace, "invalid workspace '" + std::string(ws_id) + "'");
}

Error invalid_unique_global(std::string_view field_name) {
  return make(ErrorCode::InvalidUniqueGlobal,
              "unique key " + std::string(field_name) + " is invalid for global query");
}

Error referenced_by_others(std::string message) {
  return make(ErrorCode::ReferencedByOthers, std::move(message));
}

}  // namespace errors
}  // namespace kongdb
