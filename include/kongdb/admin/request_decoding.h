// Request decoding for the Admin API: what Kong gets from nginx + lapis + kong/api/arguments.lua
// before an endpoint runs. Pure functions over a Request; no sockets, no schemas.
//
//   auto d = admin::decode_request(req);          // Decoded<DecodedRequest>
//   if (!d) return 400 {"message": d.error().message};
//   d->target.segments == {"services", "abc"};    // percent-decoded, dot segments resolved
//   d->args.uri   == {"size": "2"}                // query string, Kong's nested keys
//   d->args.post  == {"paths": ["/a", "/b"], "service": {"id": "..."}}   // body
//
// Values stay strings (or `true` for a bare `?key`, as ngx.req.get_uri_args gives it); the
// handler coerces them by schema, as Kong's arguments.infer does. JSON bodies are the parsed
// JSON value, untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/admin/http.h"
#include "kongdb/core/value.h"

namespace kongdb::admin {

/// Kong reads at most this many query / form / multipart arguments (max_uri_args,
/// max_post_args) and answers 400 "Too many arguments" beyond it.
inline constexpr size_t kMaxArguments = 1000;
/// Deepest key path accepted (`a.b[1][c]...`); deeper keys are refused, not recursed into.
inline constexpr size_t kMaxKeyDepth = 32;
/// Largest array index accepted in `paths[N]=`; arrays are materialised with null holes.
inline constexpr int64_t kMaxArrayIndex = 1000;
/// Total array slots (values plus null holes) one request may materialise.
inline constexpr size_t kMaxArraySlots = 100000;

/// Why a request could not be decoded. Always answered as 400 {"message": message}.
struct DecodeError {
  std::string message;
};
template <class T>
using Decoded = tl::expected<T, DecodeError>;

/// RFC 3986 percent-decoding. A '%' not followed by two hex digits is an error.
/// `plus_is_space` is for query strings and form bodies, where '+' means ' '.
Decoded<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

struct Target {
  std::string path;                   ///< decoded and normalised, e.g. "/services/abc"
  std::vector<std::string> segments;  ///< {"services", "abc"}; empty segments dropped
  std::string query;                  ///< raw text after '?', still percent-encoded
};

/// Splits a request target (origin-form "/p?q" or absolute-form "http://h/p?q") into decoded
/// path segments and the raw query. Segments are split before decoding, so "%2F" stays inside
/// its segment. "." and ".." are resolved as nginx does; ".." above the root, NUL bytes and
/// invalid percent-encoding are errors.
Decoded<Target> decode_target(std::string_view target);

/// One raw argument before nesting: a decoded name with its values in arrival order.
/// A value-less `?flag` is the boolean true.
struct RawArgument {
  std::string name;
  std::vector<Value> values;
};

/// Splits `a=1&b=2&a=3` (query string or x-www-form-urlencoded body) into arguments grouped
/// by decoded name in first-seen order, '+' as space. Empty names are skipped, as nginx does.
Decoded<std::vector<RawArgument>> split_urlencoded(std::string_view text);

/// Kong's arguments_decoder + combine: nests `paths[]=`, `paths[1]=`, `config.minute=`,
/// `config[foo]=`, `service.id=` and merges repeated names into arrays. Bracket keys that are
/// not numbers (`config[foo]`) nest only for POST, PUT and PATCH; for other methods the name
/// is kept literally, as Kong does. The result is always an Object.
Decoded<Value> nest_arguments(const std::vector<RawArgument>& arguments, std::string_view method);

/// split_urlencoded + nest_arguments.
Decoded<Value> decode_urlencoded(std::string_view text, std::string_view method);

/// multipart/form-data (RFC 7578): every named part becomes an argument whose value is the
/// part's content (files included), then nested like a form. `content_type` carries the
/// boundary. A missing boundary or malformed body is an error.
Decoded<Value> decode_multipart(std::string_view body, std::string_view content_type,
                                std::string_view method);

enum class BodyKind {
  None,       ///< no Content-Type
  Json,       ///< application/json...
  Form,       ///< application/x-www-form-urlencoded...
  Multipart,  ///< multipart/form-data...
  Other,      ///< any other type: Kong keeps the raw body and decodes nothing
};

/// Classifies a Content-Type header value the way kong/api/arguments.lua does (case-insensitive
/// prefix match).
BodyKind classify_content_type(std::string_view content_type);

/// Kong's `self.args`.
struct Arguments {
  Value uri = Value::object();   ///< the decoded query string
  Value post = Value::object();  ///< the decoded body; for JSON, the JSON value as sent
  BodyKind body_kind = BodyKind::None;
  /// The raw body when body_kind is Other (Kong's args.body); empty otherwise.
  std::string raw_body;
};

/// Query + body. A JSON body that does not parse is 400 "Cannot parse JSON body" for POST,
/// PUT and PATCH (an empty body included); other methods ignore it, as Kong does.
Decoded<Arguments> decode_arguments(const Request& request, std::string_view query);

struct DecodedRequest {
  Target target;
  Arguments args;
};

/// decode_target + decode_arguments.
Decoded<DecodedRequest> decode_request(const Request& request);

}  // namespace kongdb::admin
