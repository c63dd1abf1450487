// Errors of the CQL client as values: what the server answered (its code, name, message and the
// details of unavailable/timeout/failure errors) or what went wrong on this side (timeout, a
// connection lost, a malformed frame, no node reachable, a value that does not fit its column).
//
//   cql::Result<QueryResult> r = session.execute(stmt);
//   if (!r && r.error().code == ErrorCode::Unavailable) retry_later(r.error().to_string());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "kongdb/cql/value.h"

namespace kongdb::cql {

/// Server codes are the protocol's ([int] code, §9); client-side conditions use codes above
/// 0x10000 so one switch covers both.
enum class ErrorCode : int32_t {
  ServerError = 0x0000,
  ProtocolError = 0x000A,
  BadCredentials = 0x0100,
  Unavailable = 0x1000,
  Overloaded = 0x1001,
  IsBootstrapping = 0x1002,
  TruncateError = 0x1003,
  WriteTimeout = 0x1100,
  ReadTimeout = 0x1200,
  ReadFailure = 0x1300,
  FunctionFailure = 0x1400,
  WriteFailure = 0x1500,
  CdcWriteFailure = 0x1600,
  CasWriteUnknown = 0x1700,
  SyntaxError = 0x2000,
  Unauthorized = 0x2100,
  Invalid = 0x2200,
  ConfigError = 0x2300,
  AlreadyExists = 0x2400,
  Unprepared = 0x2500,

  /// No answer within the request timeout; the connection it was sent on is discarded.
  ClientTimeout = 0x10001,
  /// The connection failed or closed (mid-response included) before an answer arrived.
  ConnectionError = 0x10002,
  /// The server sent bytes that are not a valid frame or message.
  MalformedResponse = 0x10003,
  /// Every node is down or failed to connect; the message lists each node's reason.
  NoHostAvailable = 0x10004,
  /// A bound value does not fit its column type, or too many/few values.
  InvalidValue = 0x10005,
  /// The nodes did not agree on one schema version within the schema-agreement timeout.
  SchemaAgreementTimeout = 0x10006,
  /// TLS setup or handshake failure (certificate verification included).
  TlsError = 0x10007,
  /// The session is shutting down.
  SessionClosed = 0x10008,
};

/// "unavailable", "write_timeout", "syntax_error", "client_timeout", ...
std::string_view error_code_name(ErrorCode code);
bool is_server_error(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::ServerError;
  std::string message;
  /// "host:port" of the node involved, when one was.
  std::string node;

  // Details of unavailable (consistency, required, alive), read/write timeout and failure
  // (consistency, received, block_for, write_type / data_present), already_exists (keyspace,
  // table) and unprepared (the statement id); unset fields stay empty.
  std::optional<Consistency> consistency;
  int32_t required = 0;  // unavailable: replicas required; timeouts/failures: block_for
  int32_t alive = 0;     // unavailable: replicas alive; timeouts/failures: received
  int32_t failures = 0;  // read/write failure: replicas that failed
  std::string write_type;
  bool data_present = false;
  std::string keyspace;
  std::string table;
  std::string unprepared_id;

  std::string_view name() const { return error_code_name(code); }
  /// "[unavailable 0x1000] Cannot achieve consistency level ALL (required 2, alive 1) on 127.0.0.1:9042"
  std::string to_string() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string node = {}) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.node = std::move(node);
  return tl::unexpected<Error>(std::move(e));
}

}  // namespace kongdb::cql
