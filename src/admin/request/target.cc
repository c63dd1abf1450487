// Percent-decoding, request-target splitting and the key=value splitting of query strings.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kongdb/admin/request_decoding.h"
#include "admin/request/ascii.h"

namespace kongdb::admin {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

DecodeError invalid_encoding() { return DecodeError{"Invalid percent-encoding in request"}; }

}  // namespace

Decoded<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return tl::unexpected(invalid_encoding());
      int hi = hex_digit(text[i + 1]);
      int lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return tl::unexpected(invalid_encoding());
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Decoded<Target> decode_target(std::string_view target) {
  // absolute-form (RFC 9112 3.2.2): drop scheme and authority.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (ascii::starts_with_ignoring_case(target, scheme)) {
      size_t path_start = target.find_first_of("/?", scheme.size());
      target = path_start == std::string_view::npos ? std::string_view("/")
                                                    : target.substr(path_start);
      break;
    }
  }
  Target out;
  size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  if (raw_path.empty() && question != std::string_view::npos) raw_path = "/";
  if (raw_path.empty() || raw_path.front() != '/')
    return tl::unexpected(DecodeError{"Invalid request target"});

  size_t pos = 1;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    std::string_view raw_segment = raw_path.substr(pos, slash - pos);
    pos = slash + 1;
    if (raw_segment.empty()) continue;
    auto segment = percent_decode(raw_segment);
    if (!segment) return tl::unexpected(segment.error());
    if (segment->find('\0') != std::string::npos)
      return tl::unexpected(DecodeError{"Invalid request target"});
    if (*segment == ".") continue;
    if (*segment == "..") {
      if (out.segments.empty()) return tl::unexpected(DecodeError{"Invalid request target"});
      out.segments.pop_back();
      continue;
    }
    out.segments.push_back(std::move(*segment));
  }
  out.path = "/";
  for (size_t i = 0; i < out.segments.size(); ++i) {
    if (i > 0) out.path += '/';
    out.path += out.segments[i];
  }
  return out;
}

Decoded<std::vector<RawArgument>> split_urlencoded(std::string_view text) {
  std::vector<RawArgument> arguments;
  std::unordered_map<std::string, size_t> index;  // name -> position in `arguments`
  size_t pieces = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view piece = text.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    if (++pieces > kMaxArguments) return tl::unexpected(DecodeError{"Too many arguments"});
    size_t eq = piece.find('=');
    auto name = percent_decode(piece.substr(0, eq), true);
    if (!name) return tl::unexpected(name.error());
    if (name->empty()) continue;
    Value value = true;
    if (eq != std::string_view::npos) {
      auto decoded = percent_decode(piece.substr(eq + 1), true);
      if (!decoded) return tl::unexpected(decoded.error());
      value = std::move(*decoded);
    }
    auto [it, inserted] = index.try_emplace(*name, arguments.size());
    if (inserted) arguments.push_back(RawArgument{std::move(*name), {}});
    arguments[it->second].values.push_back(std::move(value));
  }
  return arguments;
}

}  // namespace kongdb::admin
