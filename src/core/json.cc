#include "kongdb/core/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>
#include <vector>

namespace kongdb::json {
namespace {

namespace bj = boost::json;

// Builds Values straight from SAX events: no intermediate DOM.
class ValueBuilder {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  Value result;

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_array_begin(bj::error_code&) {
    stack_.push_back(Frame{Value(Array{}), {}});
    return true;
  }
  bool on_array_end(std::size_t, bj::error_code&) { return close(); }
  bool on_object_begin(bj::error_code&) {
    stack_.push_back(Frame{Value(Object{}), {}});
    return true;
  }
  bool on_object_end(std::size_t, bj::error_code&) { return close(); }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    buf_.append(s.data(), s.size());
    put(Value(std::move(buf_)));
    buf_.clear();
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    buf_.append(s.data(), s.size());
    stack_.back().key = std::move(buf_);
    buf_.clear();
    return true;
  }
  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(int64_t i, bj::string_view, bj::error_code&) {
    put(Value(static_cast<long long>(i)));
    return true;
  }
  bool on_uint64(uint64_t u, bj::string_view, bj::error_code&) {
    put(Value(static_cast<double>(u)));
    return true;
  }
  bool on_double(double d, bj::string_view, bj::error_code&) {
    put(Value(d));
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    put(Value(b));
    return true;
  }
  bool on_null(bj::error_code&) {
    put(Value());
    return true;
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }

 private:
  struct Frame {
    Value container;
    std::string key;
  };

  void put(Value v) {
    if (stack_.empty()) {
      result = std::move(v);
      return;
    }
    Frame& top = stack_.back();
    if (top.container.is_array()) {
      top.container.as_array().push_back(std::move(v));
    } else {
      // Duplicate keys: the last one wins, as in cjson.
      top.container.as_object().set(std::move(top.key), std::move(v));
    }
  }

  bool close() {
    Value done = std::move(stack_.back().container);
    stack_.pop_back();
    put(std::move(done));
    return true;
  }

  std::vector<Frame> stack_;
  std::string buf_;
};

void append_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    // JSON has no inf/nan; cjson refuses them too, null keeps output parseable.
    out += "null";
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, res.ptr);
}

void encode_to(std::string& out, const Value& v, int indent, int depth) {
  auto newline = [&](int d) {
    if (indent > 0) {
      out += '\n';
      out.append(static_cast<size_t>(d * indent), ' ');
    }
  };
  switch (v.kind()) {
    case Value::Kind::Null:
      out += "null";
      break;
    case Value::Kind::Boolean:
      out += v.as_boolean() ? "true" : "false";
      break;
    case Value::Kind::Integer:
      out += std::to_string(v.as_integer());
      break;
    case Value::Kind::Float:
      append_number(out, v.as_number());
      break;
    case Value::Kind::String:
      append_quoted(out, v.as_string());
      break;
    case Value::Kind::Array: {
      const Array& a = v.as_array();
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        encode_to(out, a[i], indent, depth + 1);
      }
      if (!a.empty()) newline(depth);
      out += ']';
      break;
    }
    case Value::Kind::Object: {
      const Object& o = v.as_object();
      out += '{';
      bool first = true;
      for (const auto& [k, item] : o) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        append_quoted(out, k);
        out += indent > 0 ? ": " : ":";
        encode_to(out, item, indent, depth + 1);
      }
      if (!o.empty()) newline(depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

tl::expected<Value, std::string> parse(std::string_view text) {
  bj::parse_options opts;
  opts.max_depth = kMaxDepth;
  bj::basic_parser<ValueBuilder> parser(opts);
  bj::error_code ec;
  size_t n = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) {
    ec = bj::error::extra_data;
  }
  if (ec) {
    return tl::unexpected("invalid JSON: " + ec.message() + " at offset " + std::to_string(n));
  }
  return std::move(parser.handler().result);
}

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string encode(const Value& value) {
  std::string out;
  encode_to(out, value, 0, 0);
  return out;
}

std::string encode_pretty(const Value& value) {
  std::string out;
  encode_to(out, value, 2, 0);
  return out;
}

}  // namespace kongdb::json
