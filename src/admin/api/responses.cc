// Kong's Admin API replies: JSON bodies, the default messages and the error-code table of
// kong/api/endpoints.lua.
#include "admin/api/api_internal.h"
#include "kongdb/core/json.h"

namespace kongdb::admin::api {

Response json_response(int status, const Value& body) {
  Response r;
  r.status = status;
  r.headers.push_back({"content-type", "application/json; charset=utf-8"});
  r.body = json::encode(body);
  return r;
}

Response message_response(int status, std::string_view message) {
  return json_response(status, Value::object({{"message", std::string(message)}}));
}

Response not_found() { return message_response(404, "Not found"); }
Response method_not_allowed() { return message_response(405, "Method not allowed"); }

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

namespace {

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::UniqueViolation: return 409;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::OperationUnsupported: return 405;
    case ErrorCode::InvalidPrimaryKey:
    case ErrorCode::SchemaViolation:
    case ErrorCode::PrimaryKeyViolation:
    case ErrorCode::ForeignKeyViolation:
    case ErrorCode::InvalidOffset:
    case ErrorCode::InvalidSize:
    case ErrorCode::InvalidUnique:
    case ErrorCode::InvalidOptions:
    case ErrorCode::ForeignKeysUnresolved:
    case ErrorCode::ReferencedByOthers:
    case ErrorCode::InvalidForeignKey:
    case ErrorCode::InvalidUniqueGlobal:
    case ErrorCode::TransformationError:
      return 400;
    default: return 500;
  }
}

}  // namespace

Response error_response(Api& api, const Error& error) {
  const int status = status_for(error.code);
  if (status == 500) {
    api.log("admin api: " + error.to_string());
    return message_response(500, "An unexpected error occurred");
  }
  return json_response(status, error.to_value(false));
}

std::string escape_uri(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace kongdb::admin::api
