#include "kongdb/cql/error.h"

#include <cstdio>

namespace kongdb::cql {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ServerError: return "server_error";
    case ErrorCode::ProtocolError: return "protocol_error";
    case ErrorCode::BadCredentials: return "bad_credentials";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Overloaded: return "overloaded";
    case ErrorCode::IsBootstrapping: return "is_bootstrapping";
    case ErrorCode::TruncateError: return "truncate_error";
    case ErrorCode::WriteTimeout: return "write_timeout";
    case ErrorCode::ReadTimeout: return "read_timeout";
    case ErrorCode::ReadFailure: return "read_failure";
    case ErrorCode::FunctionFailure: return "function_failure";
    case ErrorCode::WriteFailure: return "write_failure";
    case ErrorCode::CdcWriteFailure: return "cdc_write_failure";
    case ErrorCode::CasWriteUnknown: return "cas_write_unknown";
    case ErrorCode::SyntaxError: return "syntax_error";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::Invalid: return "invalid";
    case ErrorCode::ConfigError: return "config_error";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::Unprepared: return "unprepared";
    case ErrorCode::ClientTimeout: return "client_timeout";
    case ErrorCode::ConnectionError: return "connection_error";
    case ErrorCode::MalformedResponse: return "malformed_response";
    case ErrorCode::NoHostAvailable: return "no_host_available";
    case ErrorCode::InvalidValue: return "invalid_value";
    case ErrorCode::SchemaAgreementTimeout: return "schema_agreement_timeout";
    case ErrorCode::TlsError: return "tls_error";
    case ErrorCode::SessionClosed: return "session_closed";
  }
  return "unknown_error";
}

bool is_server_error(ErrorCode code) { return static_cast<int32_t>(code) < 0x10000; }

std::string Error::to_string() const {
  char code_text[16];
  std::snprintf(code_text, sizeof code_text, "0x%04x", static_cast<unsigned>(code));
  std::string s = "[" + std::string(name()) + (is_server_error(code) ? std::string(" ") + code_text : "") +
                  "] " + message;
  switch (code) {
    case ErrorCode::Unavailable:
      s += " (consistency " + (consistency ? consistency_name(*consistency) : "?") + ", required " +
           std::to_string(required) + ", alive " + std::to_string(alive) + ")";
      break;
    case ErrorCode::ReadTimeout:
    case ErrorCode::WriteTimeout:
    case ErrorCode::ReadFailure:
    case ErrorCode::WriteFailure:
    case ErrorCode::CasWriteUnknown:
      s += " (consistency " + (consistency ? consistency_name(*consistency) : "?") + ", received " +
           std::to_string(alive) + " of " + std::to_string(required);
      if (failures) s += ", " + std::to_string(failures) + " failed";
      if (!write_type.empty()) s += ", write type " + write_type;
      s += ")";
      break;
    default: break;
  }
  if (!node.empty()) s += " on " + node;
  return s;
}

}  // namespace kongdb::cql
