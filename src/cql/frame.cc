#include "cql/frame.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cql/wire.h"

namespace kongdb::cql::frame {
namespace {

// QUERY / EXECUTE flags (§4.1.4) and BATCH flags (§4.1.7).
constexpr uint8_t kValues = 0x01;
constexpr uint8_t kPageSize = 0x04;
constexpr uint8_t kPagingState = 0x08;
constexpr uint8_t kSerialConsistency = 0x10;
constexpr uint8_t kDefaultTimestamp = 0x20;

// Rows metadata flags (§4.2.5.2).
constexpr int32_t kGlobalTableSpec = 0x01;
constexpr int32_t kHasMorePages = 0x02;
constexpr int32_t kNoMetadata = 0x04;

tl::unexpected<Error> malformed(std::string what) {
  return fail(ErrorCode::MalformedResponse, std::move(what));
}

uint8_t parameter_flags(const QueryParameters& p, bool has_values) {
  uint8_t flags = 0;
  if (has_values) flags |= kValues;
  if (p.page_size) flags |= kPageSize;
  if (p.paging_state) flags |= kPagingState;
  if (p.serial_consistency) flags |= kSerialConsistency;
  if (p.default_timestamp_us) flags |= kDefaultTimestamp;
  return flags;
}

// The optional fields after the values, in flag order.
void write_parameter_tail(const QueryParameters& p, wire::Writer& w) {
  if (p.page_size) w.i32(*p.page_size);
  if (p.paging_state) w.bytes(*p.paging_state);
  if (p.serial_consistency) w.u16(static_cast<uint16_t>(*p.serial_consistency));
  if (p.default_timestamp_us) w.i64(*p.default_timestamp_us);
}

Result<void> write_bound_values(const std::vector<Column>& columns, const std::vector<Value>& values,
                                wire::Writer& w) {
  if (values.size() != columns.size()) {
    return fail(ErrorCode::InvalidValue, "the statement has " + std::to_string(columns.size()) +
                                             " bind markers, " + std::to_string(values.size()) +
                                             " values were given");
  }
  w.u16(static_cast<uint16_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto r = wire::encode_value(columns[i].type, values[i], w); !r) {
      Error e = r.error();
      e.message = "bind marker " + std::to_string(i) + " (" + columns[i].name + "): " + e.message;
      return tl::unexpected(std::move(e));
    }
  }
  return {};
}

Result<void> write_inferred_values(const std::vector<Value>& values, wire::Writer& w) {
  if (values.size() > 0xFFFF) return fail(ErrorCode::InvalidValue, "more than 65535 values");
  w.u16(static_cast<uint16_t>(values.size()));
  for (const Value& v : values) {
    if (auto r = wire::encode_value(v, w); !r) return r;
  }
  return {};
}

ResultMetadata read_columns(wire::Reader& r, int32_t flags, int32_t count) {
  ResultMetadata m;
  // Each column spec takes at least 4 bytes (two empty strings and a type id).
  if (count < 0 || static_cast<uint64_t>(count) * 4 > r.remaining()) {
    r.fail("column count " + std::to_string(count) + " does not fit the frame");
    return m;
  }
  std::string keyspace, table;
  if (flags & kGlobalTableSpec) {
    keyspace = std::string(r.string());
    table = std::string(r.string());
  }
  m.columns.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    Column c;
    if (flags & kGlobalTableSpec) {
      c.keyspace = keyspace;
      c.table = table;
    } else {
      c.keyspace = std::string(r.string());
      c.table = std::string(r.string());
    }
    c.name = std::string(r.string());
    c.type = r.type_option();
    m.columns.push_back(std::move(c));
  }
  return m;
}

// Rows metadata (§4.2.5.2): flags, count, [paging state], [columns unless no_metadata].
struct RowsMetadata {
  ResultMetadata columns;
  int32_t column_count = 0;
  bool has_metadata = true;
  std::optional<std::string> paging_state;
};

RowsMetadata read_rows_metadata(wire::Reader& r) {
  RowsMetadata m;
  int32_t flags = r.i32();
  m.column_count = r.i32();
  if (!r.ok()) return m;
  if (flags & kHasMorePages) {
    bool is_null = false;
    std::string_view state = r.bytes(is_null);
    if (!is_null) m.paging_state = std::string(state);
  }
  if (flags & kNoMetadata) {
    m.has_metadata = false;
    return m;
  }
  m.columns = read_columns(r, flags, m.column_count);
  return m;
}

Result<void> read_rows(wire::Reader& r, const ResultMetadata* known_columns, QueryResult& out) {
  RowsMetadata m = read_rows_metadata(r);
  if (!r.ok()) return malformed("rows metadata: " + r.error());
  if (m.column_count < 0) return malformed("negative column count");
  const bool use_known =
      !m.has_metadata && known_columns && known_columns->columns.size() == static_cast<size_t>(m.column_count);
  if (use_known) m.columns = *known_columns;
  const size_t columns = m.has_metadata || use_known ? m.columns.columns.size() : static_cast<size_t>(m.column_count);
  int32_t row_count = r.i32();
  if (!r.ok()) return malformed("rows count: " + r.error());
  // Every cell takes at least its 4-byte length, which bounds the row count before allocating.
  if (row_count < 0 || (columns == 0 && row_count > 0) ||
      static_cast<uint64_t>(row_count) * columns * 4 > r.remaining()) {
    return malformed("row count " + std::to_string(row_count) + " of " + std::to_string(columns) +
                     " columns does not fit the frame");
  }
  // Without metadata (and none known), cells read back as raw bytes under unnamed columns.
  if (m.columns.columns.size() != columns && row_count > 0) m.columns.columns.resize(columns);
  out.rows.reserve(static_cast<size_t>(row_count));
  for (int32_t i = 0; i < row_count; ++i) {
    Row row;
    row.reserve(columns);
    for (size_t c = 0; c < columns; ++c) {
      bool is_null = false;
      std::string_view cell = r.bytes(is_null);
      if (!r.ok()) return malformed("row " + std::to_string(i) + ": " + r.error());
      if (is_null) {
        row.emplace_back();
        continue;
      }
      auto v = wire::decode_value(m.columns.columns[c].type, cell);
      if (!v) {
        return malformed("row " + std::to_string(i) + " column " + m.columns.columns[c].name + ": " +
                         v.error().message);
      }
      row.push_back(std::move(*v));
    }
    out.rows.push_back(std::move(row));
  }
  out.metadata = std::make_shared<const ResultMetadata>(std::move(m.columns));
  out.paging_state = std::move(m.paging_state);
  return {};
}

Result<void> read_prepared(wire::Reader& r, PreparedInfo& out) {
  out.id = std::string(r.short_bytes());
  int32_t flags = r.i32();
  int32_t count = r.i32();
  int32_t pk_count = r.i32();
  if (!r.ok()) return malformed("prepared metadata: " + r.error());
  if (pk_count < 0 || static_cast<uint64_t>(pk_count) * 2 > r.remaining()) {
    return malformed("prepared metadata: partition key count " + std::to_string(pk_count));
  }
  for (int32_t i = 0; i < pk_count; ++i) out.partition_key_indexes.push_back(r.u16());
  out.bind_columns = read_columns(r, flags, count).columns;
  RowsMetadata result = read_rows_metadata(r);
  if (!r.ok()) return malformed("prepared metadata: " + r.error());
  out.result_metadata = std::make_shared<const ResultMetadata>(std::move(result.columns));
  return {};
}

void read_schema_change(wire::Reader& r, SchemaChange& out) {
  out.change_type = std::string(r.string());
  out.target = std::string(r.string());
  out.keyspace = std::string(r.string());
  if (out.target == "KEYSPACE") return;
  out.name = std::string(r.string());
  if (out.target == "FUNCTION" || out.target == "AGGREGATE") out.argument_types = r.string_list();
}

Error read_error(wire::Reader& r) {
  Error e;
  e.code = static_cast<ErrorCode>(r.i32());
  e.message = std::string(r.string());
  auto consistency = [&] { e.consistency = static_cast<Consistency>(r.u16()); };
  // Details are best effort: a server error stays a server error even if they are cut short.
  switch (e.code) {
    case ErrorCode::Unavailable:
      consistency();
      e.required = r.i32();
      e.alive = r.i32();
      break;
    case ErrorCode::WriteTimeout:
      consistency();
      e.alive = r.i32();
      e.required = r.i32();
      e.write_type = std::string(r.string());
      break;
    case ErrorCode::ReadTimeout:
      consistency();
      e.alive = r.i32();
      e.required = r.i32();
      e.data_present = r.u8() != 0;
      break;
    case ErrorCode::ReadFailure:
      consistency();
      e.alive = r.i32();
      e.required = r.i32();
      e.failures = r.i32();
      e.data_present = r.u8() != 0;
      break;
    case ErrorCode::WriteFailure:
      consistency();
      e.alive = r.i32();
      e.required = r.i32();
      e.failures = r.i32();
      e.write_type = std::string(r.string());
      break;
    case ErrorCode::CasWriteUnknown:
      consistency();
      e.alive = r.i32();
      e.required = r.i32();
      break;
    case ErrorCode::FunctionFailure:
      e.keyspace = std::string(r.string());
      e.table = std::string(r.string());  // the function's name
      break;
    case ErrorCode::AlreadyExists:
      e.keyspace = std::string(r.string());
      e.table = std::string(r.string());
      break;
    case ErrorCode::Unprepared: e.unprepared_id = std::string(r.short_bytes()); break;
    default: break;
  }
  return e;
}

}  // namespace

Result<Header> decode_header(std::string_view bytes) {
  if (bytes.size() != kHeaderSize) return malformed("frame header must be 9 bytes");
  wire::Reader r(bytes);
  Header h;
  h.version = r.u8();
  h.flags = r.u8();
  h.stream = static_cast<int16_t>(r.u16());
  h.opcode = static_cast<Opcode>(r.u8());
  h.length = r.i32();
  if (h.version != kResponseVersion) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "frame version 0x%02x, expected 0x%02x (protocol v4 response)",
                  h.version, kResponseVersion);
    return malformed(buf);
  }
  if (h.length < 0 || h.length > kMaxBodyLength) {
    return malformed("frame body length " + std::to_string(h.length) + " outside 0.." +
                     std::to_string(kMaxBodyLength));
  }
  return h;
}

void encode_header(std::string& out, int16_t stream, Opcode opcode, size_t body_length) {
  wire::Writer w(out);
  w.u8(kRequestVersion);
  w.u8(0);
  w.u16(static_cast<uint16_t>(stream));
  w.u8(static_cast<uint8_t>(opcode));
  w.i32(static_cast<int32_t>(body_length));
}

Request options() { return Request{Opcode::Options, {}}; }

Request startup(const std::map<std::string, std::string>& options) {
  Request req{Opcode::Startup, {}};
  wire::Writer(req.body).string_map(options);
  return req;
}

Request auth_response(std::string_view token) {
  Request req{Opcode::AuthResponse, {}};
  wire::Writer(req.body).bytes(token);
  return req;
}

std::string sasl_plain_token(std::string_view username, std::string_view password) {
  std::string token;
  token.push_back('\0');
  token.append(username);
  token.push_back('\0');
  token.append(password);
  return token;
}

Request prepare(std::string_view query) {
  Request req{Opcode::Prepare, {}};
  wire::Writer(req.body).long_string(query);
  return req;
}

Result<Request> query(std::string_view query, const std::vector<Value>& values,
                      const QueryParameters& params) {
  Request req{Opcode::Query, {}};
  wire::Writer w(req.body);
  w.long_string(query);
  w.u16(static_cast<uint16_t>(params.consistency));
  w.u8(parameter_flags(params, !values.empty()));
  if (!values.empty()) {
    if (auto r = write_inferred_values(values, w); !r) return tl::unexpected(r.error());
  }
  write_parameter_tail(params, w);
  return req;
}

Result<Request> execute(const PreparedInfo& prepared, const std::vector<Value>& values,
                        const QueryParameters& params) {
  Request req{Opcode::Execute, {}};
  wire::Writer w(req.body);
  w.short_bytes(prepared.id);
  w.u16(static_cast<uint16_t>(params.consistency));
  w.u8(parameter_flags(params, !prepared.bind_columns.empty() || !values.empty()));
  if (!prepared.bind_columns.empty() || !values.empty()) {
    if (auto r = write_bound_values(prepared.bind_columns, values, w); !r) {
      return tl::unexpected(r.error());
    }
  }
  write_parameter_tail(params, w);
  return req;
}

Result<Request> batch(BatchType type, const std::vector<BatchEntry>& entries,
                      const QueryParameters& params) {
  if (entries.size() > 0xFFFF) return fail(ErrorCode::InvalidValue, "more than 65535 statements");
  Request req{Opcode::Batch, {}};
  wire::Writer w(req.body);
  w.u8(static_cast<uint8_t>(type));
  w.u16(static_cast<uint16_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    const BatchEntry& entry = entries[i];
    Result<void> r;
    if (entry.prepared) {
      w.u8(1);
      w.short_bytes(entry.prepared->id);
      r = write_bound_values(entry.prepared->bind_columns, entry.values, w);
    } else {
      w.u8(0);
      w.long_string(entry.query);
      r = write_inferred_values(entry.values, w);
    }
    if (!r) {
      Error e = r.error();
      e.message = "batch statement " + std::to_string(i) + ": " + e.message;
      return tl::unexpected(std::move(e));
    }
  }
  w.u16(static_cast<uint16_t>(params.consistency));
  uint8_t flags = 0;
  if (params.serial_consistency) flags |= kSerialConsistency;
  if (params.default_timestamp_us) flags |= kDefaultTimestamp;
  w.u8(flags);
  if (params.serial_consistency) w.u16(static_cast<uint16_t>(*params.serial_consistency));
  if (params.default_timestamp_us) w.i64(*params.default_timestamp_us);
  return req;
}

Request use_keyspace(std::string_view keyspace) {
  std::string statement = "USE \"";
  for (char c : keyspace) statement += c == '"' ? std::string("\"\"") : std::string(1, c);
  statement += '"';
  return *query(statement, {}, QueryParameters{});
}

Request register_events(const std::vector<std::string>& events) {
  Request req{Opcode::Register, {}};
  wire::Writer(req.body).string_list(events);
  return req;
}

Result<Response> decode_response(const Header& header, std::string_view body,
                                 const ResultMetadata* known_columns) {
  if (header.flags & kCompression) {
    return malformed("compressed frame, but no compression was negotiated");
  }
  wire::Reader r(body);
  Response out;
  out.opcode = header.opcode;
  // Prefixes in the order the server writes them: tracing id, warnings, custom payload.
  if (header.flags & kTracing) out.tracing_id = r.uuid();
  if (header.flags & kWarning) out.warnings = r.string_list();
  if (header.flags & kCustomPayload) r.skip_bytes_map();
  if (!r.ok()) return malformed("frame prefix: " + r.error());

  switch (header.opcode) {
    case Opcode::Error:
      out.error = read_error(r);
      if (!out.error->message.empty() || r.ok()) return out;
      return malformed("error body: " + r.error());
    case Opcode::Ready:
    case Opcode::Event:  // events are not registered for; one arriving is ignored
      return out;
    case Opcode::Authenticate: out.authenticator = std::string(r.string()); break;
    case Opcode::Supported: out.supported = r.string_multimap(); break;
    case Opcode::AuthChallenge:
    case Opcode::AuthSuccess: {
      bool is_null = false;
      out.auth_token = std::string(r.bytes(is_null));
      break;
    }
    case Opcode::Result: {
      int32_t kind = r.i32();
      if (!r.ok()) return malformed("result kind: " + r.error());
      out.result.kind = static_cast<ResultKind>(kind);
      switch (out.result.kind) {
        case ResultKind::Void: break;
        case ResultKind::Rows:
          if (auto rows = read_rows(r, known_columns, out.result); !rows) {
            return tl::unexpected(rows.error());
          }
          break;
        case ResultKind::SetKeyspace: out.result.keyspace = std::string(r.string()); break;
        case ResultKind::Prepared: {
          PreparedInfo info;
          if (auto p = read_prepared(r, info); !p) return tl::unexpected(p.error());
          out.prepared = std::move(info);
          break;
        }
        case ResultKind::SchemaChange: {
          SchemaChange change;
          read_schema_change(r, change);
          out.result.schema_change = std::move(change);
          break;
        }
        default: return malformed("unknown result kind " + std::to_string(kind));
      }
      break;
    }
    default:
      return malformed("unexpected opcode " + std::to_string(static_cast<int>(header.opcode)) +
                       " in a response");
  }
  if (!r.ok()) return malformed(r.error());
  out.result.tracing_id = out.tracing_id;
  out.result.warnings = out.warnings;
  return out;
}

}  // namespace kongdb::cql::frame
