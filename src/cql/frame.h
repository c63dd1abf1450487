// Protocol v4 frames: the 9-byte header, request bodies, and the decoding of every response
// message (native_protocol_v4.spec §2, §4). Pure functions over bytes: no sockets here, so the
// unit tests and the fuzzer drive them directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/cql/error.h"
#include "kongdb/cql/result.h"
#include "kongdb/cql/value.h"

namespace kongdb::cql::frame {

constexpr uint8_t kRequestVersion = 0x04;
constexpr uint8_t kResponseVersion = 0x84;
constexpr size_t kHeaderSize = 9;
/// The protocol's limit on a frame body (§2.5).
constexpr int32_t kMaxBodyLength = 256 * 1024 * 1024;

enum class Opcode : uint8_t {
  Error = 0x00, Startup = 0x01, Ready = 0x02, Authenticate = 0x03, Options = 0x05,
  Supported = 0x06, Query = 0x07, Result = 0x08, Prepare = 0x09, Execute = 0x0A,
  Register = 0x0B, Event = 0x0C, Batch = 0x0D, AuthChallenge = 0x0E, AuthResponse = 0x0F,
  AuthSuccess = 0x10,
};

enum HeaderFlag : uint8_t {
  kCompression = 0x01, kTracing = 0x02, kCustomPayload = 0x04, kWarning = 0x08,
};

struct Header {
  uint8_t version = kResponseVersion;
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::Error;
  int32_t length = 0;
};

/// Parses a response header (exactly kHeaderSize bytes). Rejects another protocol version, a
/// request-direction frame, a negative or oversized length: MalformedResponse.
Result<Header> decode_header(std::string_view bytes);
/// Appends a request header for `body_length` bytes.
void encode_header(std::string& out, int16_t stream, Opcode opcode, size_t body_length);

/// A request body ready to be framed under any stream id.
struct Request {
  Opcode opcode = Opcode::Options;
  std::string body;
};

/// The per-statement parameters of QUERY, EXECUTE and BATCH.
struct QueryParameters {
  Consistency consistency = Consistency::One;
  std::optional<Consistency> serial_consistency;
  std::optional<int32_t> page_size;
  std::optional<std::string> paging_state;
  std::optional<int64_t> default_timestamp_us;
};

enum class BatchType : uint8_t { Logged = 0, Unlogged = 1, Counter = 2 };

/// One statement of a BATCH: a prepared statement (when `prepared` is set) or a query string.
struct BatchEntry {
  Prepared prepared;
  std::string query;
  std::vector<Value> values;
};

Request options();
Request startup(const std::map<std::string, std::string>& options);
Request auth_response(std::string_view token);
/// SASL PLAIN token for PasswordAuthenticator: "\0user\0password".
std::string sasl_plain_token(std::string_view username, std::string_view password);
Request prepare(std::string_view query);
/// Values are encoded from their own kinds (no metadata for a plain QUERY).
Result<Request> query(std::string_view query, const std::vector<Value>& values,
                      const QueryParameters& params);
/// Values are encoded for the statement's bind markers; the count must match.
Result<Request> execute(const PreparedInfo& prepared, const std::vector<Value>& values,
                        const QueryParameters& params);
Result<Request> batch(BatchType type, const std::vector<BatchEntry>& entries,
                      const QueryParameters& params);
/// `USE "keyspace"` with the name quoted as a CQL identifier.
Request use_keyspace(std::string_view keyspace);
Request register_events(const std::vector<std::string>& events);

/// A decoded response. A server ERROR is a successfully decoded response with `error` set;
/// decode_response itself fails only for malformed bytes.
struct Response {
  Opcode opcode = Opcode::Error;
  std::optional<Uuid> tracing_id;
  std::vector<std::string> warnings;
  std::optional<Error> error;                                  // ERROR
  QueryResult result;                                          // RESULT other than Prepared
  std::optional<PreparedInfo> prepared;                        // RESULT Prepared (no query/keyspace)
  std::string authenticator;                                   // AUTHENTICATE
  std::string auth_token;                                      // AUTH_CHALLENGE, AUTH_SUCCESS
  std::map<std::string, std::vector<std::string>> supported;  // SUPPORTED
};

/// Decodes a response body. `known_columns` (a prepared statement's result metadata) decodes
/// rows whose metadata the server skipped.
Result<Response> decode_response(const Header& header, std::string_view body,
                                 const ResultMetadata* known_columns = nullptr);

}  // namespace kongdb::cql::frame
