// Request bodies by content type (kong/api/arguments.lua `load` and lapis' json_params):
// JSON, x-www-form-urlencoded and multipart/form-data; anything else is kept raw.
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admin/request/ascii.h"
#include "kongdb/admin/request_decoding.h"
#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

/// substr that yields "" past the end instead of throwing.
std::string_view slice(std::string_view text, size_t pos, size_t count) {
  return pos >= text.size() ? std::string_view() : text.substr(pos, count);
}

DecodeError malformed_multipart() { return DecodeError{"Cannot parse multipart/form-data body"}; }

/// A quoted or bare parameter value, quotes removed ("a\"b" -> a"b).
std::string unquote(std::string_view value) {
  value = ascii::trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    std::string out;
    std::string_view inner = value.substr(1, value.size() - 2);
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size() && value.front() == '"') ++i;
      out.push_back(inner[i]);
    }
    return out;
  }
  return std::string(value);
}

/// Splits `form-data; name="a;b"; filename=x` into lower-cased parameter names and values,
/// honouring quotes. The first element (the disposition type) is skipped.
std::vector<std::pair<std::string, std::string>> header_parameters(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string_view> pieces;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (c == '\\' && quoted) {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      pieces.push_back(header.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(header.substr(start));
  for (size_t i = 1; i < pieces.size(); ++i) {
    std::string_view piece = ascii::trim(pieces[i]);
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    params.emplace_back(ascii::lowered(ascii::trim(piece.substr(0, eq))),
                        unquote(piece.substr(eq + 1)));
  }
  return params;
}

std::string boundary_of(std::string_view content_type) {
  for (auto& [name, value] : header_parameters(content_type))
    if (name == "boundary") return value;
  return {};
}

/// The form field name of one part's headers; empty when the part has none.
Decoded<std::string> part_name(std::string_view headers) {
  std::string name;
  std::string utf8_name;
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t end = headers.find("\r\n", pos);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return tl::unexpected(malformed_multipart());
    if (ascii::lowered(ascii::trim(line.substr(0, colon))) != "content-disposition") continue;
    for (auto& [param, value] : header_parameters(line.substr(colon + 1))) {
      if (param == "name" && name.empty()) name = value;
      // RFC 5987 `name*=utf-8''percent-encoded` wins over `name=`.
      if (param == "name*" && ascii::starts_with_ignoring_case(value, "utf-8''")) {
        auto decoded = percent_decode(std::string_view(value).substr(7));
        if (!decoded) return tl::unexpected(decoded.error());
        utf8_name = std::move(*decoded);
      }
    }
  }
  return utf8_name.empty() ? name : utf8_name;
}

}  // namespace

BodyKind classify_content_type(std::string_view content_type) {
  content_type = ascii::trim(content_type);
  if (content_type.empty()) return BodyKind::None;
  if (ascii::starts_with_ignoring_case(content_type, "application/x-www-form-urlencoded"))
    return BodyKind::Form;
  if (ascii::starts_with_ignoring_case(content_type, "application/json")) return BodyKind::Json;
  if (ascii::starts_with_ignoring_case(content_type, "multipart/form-data"))
    return BodyKind::Multipart;
  return BodyKind::Other;
}

Decoded<Value> decode_multipart(std::string_view body, std::string_view content_type,
                                std::string_view method) {
  std::string boundary = boundary_of(content_type);
  if (boundary.empty() || boundary.size() > 200) return tl::unexpected(malformed_multipart());
  const std::string delimiter = "--" + boundary;
  const std::string next_delimiter = "\r\n" + delimiter;

  std::vector<RawArgument> arguments;
  std::unordered_map<std::string, size_t> index;  // name -> position in `arguments`
  size_t parts = 0;

  // The preamble ends at the first delimiter, which may open the body.
  size_t pos;
  if (slice(body, 0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    size_t first = body.find(next_delimiter);
    if (first == std::string_view::npos) return tl::unexpected(malformed_multipart());
    pos = first + next_delimiter.size();
  }
  while (true) {
    if (slice(body, pos, 2) == "--") break;  // close delimiter; the epilogue is ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (slice(body, pos, 2) != "\r\n") return tl::unexpected(malformed_multipart());
    pos += 2;
    size_t headers_end;
    if (slice(body, pos, 2) == "\r\n") {
      headers_end = pos;  // a part without headers
    } else {
      headers_end = body.find("\r\n\r\n", pos);
      if (headers_end == std::string_view::npos) return tl::unexpected(malformed_multipart());
      headers_end += 2;
    }
    std::string_view headers = body.substr(pos, headers_end - pos);
    if (!headers.empty()) headers.remove_suffix(2);
    size_t content_start = headers_end + 2;
    size_t content_end = body.find(next_delimiter, content_start);
    if (content_end == std::string_view::npos) return tl::unexpected(malformed_multipart());
    if (++parts > kMaxArguments) return tl::unexpected(DecodeError{"Too many arguments"});
    auto name = part_name(headers);
    if (!name) return tl::unexpected(name.error());
    if (!name->empty()) {
      auto [it, inserted] = index.try_emplace(*name, arguments.size());
      if (inserted) arguments.push_back(RawArgument{std::move(*name), {}});
      arguments[it->second].values.emplace_back(
          std::string(body.substr(content_start, content_end - content_start)));
    }
    pos = content_end + next_delimiter.size();
  }
  return nest_arguments(arguments, method);
}

Decoded<Arguments> decode_arguments(const Request& request, std::string_view query) {
  Arguments args;
  auto uri = decode_urlencoded(query, request.method);
  if (!uri) return tl::unexpected(uri.error());
  args.uri = std::move(*uri);

  std::string_view content_type = request.header("content-type");
  args.body_kind = classify_content_type(content_type);
  const bool needs_body =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  switch (args.body_kind) {
    case BodyKind::None:
      break;
    case BodyKind::Json: {
      auto parsed = json::parse(request.body);
      if (parsed) {
        args.post = std::move(*parsed);
      } else if (needs_body) {
        return tl::unexpected(DecodeError{"Cannot parse JSON body"});
      }
      break;
    }
    case BodyKind::Form: {
      auto post = decode_urlencoded(request.body, request.method);
      if (!post) return tl::unexpected(post.error());
      args.post = std::move(*post);
      break;
    }
    case BodyKind::Multipart: {
      auto post = decode_multipart(request.body, content_type, request.method);
      if (!post) return tl::unexpected(post.error());
      args.post = std::move(*post);
      break;
    }
    case BodyKind::Other:
      args.raw_body = request.body;
      break;
  }
  return args;
}

Decoded<DecodedRequest> decode_request(const Request& request) {
  auto target = decode_target(request.target);
  if (!target) return tl::unexpected(target.error());
  auto args = decode_arguments(request, target->query);
  if (!args) return tl::unexpected(args.error());
  return DecodedRequest{std::move(*target), std::move(*args)};
}

}  // namespace kongdb::admin
