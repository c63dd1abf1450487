// Protocol v4 frames from hand-built bytes: headers, request bodies, every response message the
// client reads, the prefixes it must skip, and malformed or truncated input (an error, never a
// crash or a misread).
#include <gtest/gtest.h>

#include "cql/frame.h"
#include "cql/wire.h"

namespace kongdb::cql {
namespace {

using frame::Header;
using frame::Opcode;

Header header_for(Opcode opcode, const std::string& body, uint8_t flags = 0) {
  Header h;
  h.opcode = opcode;
  h.flags = flags;
  h.length = static_cast<int32_t>(body.size());
  return h;
}

// RESULT Rows of (id uuid, name text, port int, tags set<text>) with a global table spec.
std::string rows_body(int32_t row_count, bool has_more_pages = false) {
  std::string body;
  wire::Writer w(body);
  w.i32(2);  // Rows
  w.i32(0x01 | (has_more_pages ? 0x02 : 0));
  w.i32(4);
  if (has_more_pages) w.bytes("state-1");
  w.string("kong");
  w.string("services");
  w.string("id");
  w.u16(0x0C);
  w.string("name");
  w.u16(0x0D);
  w.string("port");
  w.u16(0x09);
  w.string("tags");
  w.u16(0x22);
  w.u16(0x0D);
  w.i32(row_count);
  for (int32_t i = 0; i < row_count; ++i) {
    w.bytes(std::string(16, static_cast<char>(i)));
    w.bytes("svc" + std::to_string(i));
    if (i % 2) {
      w.null_bytes();
    } else {
      std::string port;
      wire::Writer(port).i32(8000 + i);
      w.bytes(port);
    }
    std::string tags;
    wire::Writer t(tags);
    t.i32(1);
    t.bytes("t");
    w.bytes(tags);
  }
  return body;
}

TEST(CqlFrame, ParsesAResponseHeader) {
  auto h = frame::decode_header(std::string("\x84\x08\x00\x2a\x08\x00\x00\x01\x00", 9));
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->stream, 42);
  EXPECT_EQ(h->opcode, Opcode::Result);
  EXPECT_EQ(h->flags, frame::kWarning);
  EXPECT_EQ(h->length, 256);
}

TEST(CqlFrame, RefusesHeadersOfAnotherVersionOrLength) {
  auto v3 = frame::decode_header(std::string("\x83\x00\x00\x01\x08\x00\x00\x00\x00", 9));
  ASSERT_FALSE(v3);
  EXPECT_EQ(v3.error().code, ErrorCode::MalformedResponse);
  EXPECT_NE(v3.error().message.find("0x83"), std::string::npos);
  EXPECT_FALSE(frame::decode_header(std::string("\x04\x00\x00\x01\x08\x00\x00\x00\x00", 9)));
  EXPECT_FALSE(frame::decode_header(std::string("\x84\x00\x00\x01\x08\xff\xff\xff\xff", 9)));
  EXPECT_FALSE(frame::decode_header(std::string("\x84\x00\x00\x01\x08\x7f\x00\x00\x00", 9)));
  EXPECT_FALSE(frame::decode_header("short"));
}

TEST(CqlFrame, RequestHeaderCarriesVersionStreamOpcodeAndLength) {
  std::string out;
  frame::encode_header(out, 300, Opcode::Query, 17);
  EXPECT_EQ(out, std::string("\x04\x00\x01\x2c\x07\x00\x00\x00\x11", 9));
}

TEST(CqlFrame, StartupIsAStringMap) {
  auto req = frame::startup({{"CQL_VERSION", "3.0.0"}});
  EXPECT_EQ(req.opcode, Opcode::Startup);
  EXPECT_EQ(req.body, std::string("\x00\x01\x00\x0b" "CQL_VERSION\x00\x05" "3.0.0", 22));
}

TEST(CqlFrame, SaslPlainTokenIsNulSeparated) {
  EXPECT_EQ(frame::sasl_plain_token("kong", "secret"), std::string("\0kong\0secret", 12));
}

TEST(CqlFrame, QueryCarriesConsistencyFlagsAndOptionalFieldsInOrder) {
  frame::QueryParameters p;
  p.consistency = Consistency::Quorum;
  p.page_size = 100;
  p.paging_state = std::string("ps");
  p.serial_consistency = Consistency::LocalSerial;
  auto req = frame::query("SELECT 1", {Value::int32(7)}, p);
  ASSERT_TRUE(req);
  std::string expected;
  wire::Writer w(expected);
  w.long_string("SELECT 1");
  w.u16(0x0004);
  w.u8(0x01 | 0x04 | 0x08 | 0x10);
  w.u16(1);
  w.bytes(std::string("\0\0\0\7", 4));
  w.i32(100);
  w.bytes("ps");
  w.u16(0x0009);
  EXPECT_EQ(req->body, expected);
}

TEST(CqlFrame, ExecuteChecksTheNumberOfBoundValues) {
  PreparedInfo prepared;
  prepared.id = "abc";
  prepared.bind_columns = {Column{"ks", "t", "id", Type::of(TypeId::Int)}};
  auto none = frame::execute(prepared, {}, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::InvalidValue);
  auto wrong = frame::execute(prepared, {Value::text("x")}, {});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("bind marker 0 (id)"), std::string::npos);
  EXPECT_TRUE(frame::execute(prepared, {Value::unset()}, {}));
}

TEST(CqlFrame, DecodesRowsWithMetadataAndNulls) {
  std::string body = rows_body(3);
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  const QueryResult& q = r->result;
  ASSERT_EQ(q.kind, ResultKind::Rows);
  ASSERT_EQ(q.size(), 3u);
  ASSERT_EQ(q.metadata->columns.size(), 4u);
  EXPECT_EQ(q.metadata->columns[3].type.to_string(), "set<text>");
  EXPECT_EQ(q.metadata->columns[0].keyspace, "kong");
  EXPECT_EQ(*q.get(2, "name"), Value::text("svc2"));
  EXPECT_EQ(*q.get(0, "port"), Value::int32(8000));
  EXPECT_TRUE(q.get(1, "port")->is_null());
  EXPECT_EQ(*q.get(0, "tags"), Value::set({Value::text("t")}));
  EXPECT_EQ(q.get(0, "missing"), nullptr);
  EXPECT_EQ(q.get(3, "name"), nullptr);
  EXPECT_FALSE(q.paging_state);
}

TEST(CqlFrame, KeepsThePagingStateOfAPartialResult) {
  std::string body = rows_body(1, true);
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->result.paging_state, "state-1");
}

TEST(CqlFrame, SkipsTracingWarningsAndCustomPayloadPrefixes) {
  std::string body;
  wire::Writer w(body);
  w.raw(std::string(16, '\x11'));  // tracing id
  w.string_list({"Aggregation query used without partition key"});
  w.u16(1);  // custom payload: one entry
  w.string("k");
  w.bytes("v");
  w.raw(rows_body(1));
  auto r = frame::decode_response(
      header_for(Opcode::Result, body, frame::kTracing | frame::kWarning | frame::kCustomPayload), body);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->result.warnings.size(), 1u);
  EXPECT_EQ(r->result.warnings[0], "Aggregation query used without partition key");
  ASSERT_TRUE(r->result.tracing_id);
  EXPECT_EQ(r->result.tracing_id->bytes[0], 0x11);
  EXPECT_EQ(r->result.size(), 1u);
}

TEST(CqlFrame, ReadsTheAppliedColumnOfAConditionalWrite) {
  std::string body;
  wire::Writer w(body);
  w.i32(2);
  w.i32(0x01);
  w.i32(2);
  w.string("ks");
  w.string("t");
  w.string("[applied]");
  w.u16(0x04);
  w.string("name");
  w.u16(0x0D);
  w.i32(1);
  w.bytes(std::string("\0", 1));
  w.bytes("existing");
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->result.applied(), false);
  EXPECT_EQ(*r->result.get(0, "name"), Value::text("existing"));
}

TEST(CqlFrame, DecodesPreparedStatementMetadata) {
  std::string body;
  wire::Writer w(body);
  w.i32(4);
  w.short_bytes("\x01\x02\x03");
  w.i32(0x01);  // global table spec
  w.i32(2);
  w.i32(1);  // one partition key
  w.u16(0);
  w.string("ks");
  w.string("t");
  w.string("id");
  w.u16(0x0C);
  w.string("tags");
  w.u16(0x20);
  w.u16(0x0D);
  w.i32(0x04);  // result metadata: no_metadata
  w.i32(0);
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->prepared);
  EXPECT_EQ(r->prepared->id, "\x01\x02\x03");
  ASSERT_EQ(r->prepared->bind_columns.size(), 2u);
  EXPECT_EQ(r->prepared->bind_columns[1].type.to_string(), "list<text>");
  EXPECT_EQ(r->prepared->partition_key_indexes, std::vector<uint16_t>{0});
}

TEST(CqlFrame, DecodesSchemaChangeSetKeyspaceAndVoid) {
  std::string change;
  wire::Writer w(change);
  w.i32(5);
  w.string("CREATED");
  w.string("TABLE");
  w.string("kong");
  w.string("services");
  auto r = frame::decode_response(header_for(Opcode::Result, change), change);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->result.schema_change);
  EXPECT_EQ(r->result.schema_change->name, "services");

  std::string use;
  wire::Writer(use).i32(3);
  wire::Writer(use).string("kong");
  auto set = frame::decode_response(header_for(Opcode::Result, use), use);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->result.keyspace, "kong");

  std::string v = std::string("\0\0\0\1", 4);
  auto nothing = frame::decode_response(header_for(Opcode::Result, v), v);
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->result.kind, ResultKind::Void);
}

TEST(CqlFrame, ServerErrorsKeepTheirCodeMessageAndDetails) {
  std::string body;
  wire::Writer w(body);
  w.i32(0x1000);
  w.string("Cannot achieve consistency level ALL");
  w.u16(0x0005);
  w.i32(2);
  w.i32(1);
  auto r = frame::decode_response(header_for(Opcode::Error, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->error);
  const Error& e = *r->error;
  EXPECT_EQ(e.code, ErrorCode::Unavailable);
  EXPECT_EQ(e.name(), "unavailable");
  EXPECT_EQ(e.consistency, Consistency::All);
  EXPECT_EQ(e.required, 2);
  EXPECT_EQ(e.alive, 1);
  EXPECT_EQ(e.to_string(),
            "[unavailable 0x1000] Cannot achieve consistency level ALL (consistency ALL, required 2, alive 1)");
}

TEST(CqlFrame, WriteTimeoutAndUnpreparedDetails) {
  std::string timeout;
  wire::Writer w(timeout);
  w.i32(0x1100);
  w.string("Operation timed out");
  w.u16(0x0004);
  w.i32(1);
  w.i32(2);
  w.string("CAS");
  auto t = frame::decode_response(header_for(Opcode::Error, timeout), timeout);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->error->write_type, "CAS");
  EXPECT_EQ(t->error->alive, 1);
  EXPECT_EQ(t->error->required, 2);

  std::string unprepared;
  wire::Writer u(unprepared);
  u.i32(0x2500);
  u.string("Prepared query with ID 0a0b not found");
  u.short_bytes("\x0a\x0b");
  auto p = frame::decode_response(header_for(Opcode::Error, unprepared), unprepared);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->error->code, ErrorCode::Unprepared);
  EXPECT_EQ(p->error->unprepared_id, "\x0a\x0b");
}

TEST(CqlFrame, DecodesHandshakeMessages) {
  std::string auth;
  wire::Writer(auth).string("org.apache.cassandra.auth.PasswordAuthenticator");
  auto a = frame::decode_response(header_for(Opcode::Authenticate, auth), auth);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->authenticator, "org.apache.cassandra.auth.PasswordAuthenticator");

  std::string supported;
  wire::Writer s(supported);
  s.u16(1);
  s.string("PROTOCOL_VERSIONS");
  s.string_list({"3/v3", "4/v4", "5/v5"});
  auto o = frame::decode_response(header_for(Opcode::Supported, supported), supported);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->supported.at("PROTOCOL_VERSIONS").size(), 3u);
}

TEST(CqlFrame, EveryTruncationOfAValidBodyIsAnErrorNotACrash) {
  std::string body = rows_body(4, true);
  for (size_t n = 0; n < body.size(); ++n) {
    std::string cut = body.substr(0, n);
    auto r = frame::decode_response(header_for(Opcode::Result, cut), cut);
    ASSERT_FALSE(r) << "accepted " << n << " of " << body.size() << " bytes";
    EXPECT_EQ(r.error().code, ErrorCode::MalformedResponse);
  }
}

TEST(CqlFrame, HugeCountsAreRefusedBeforeAllocating) {
  std::string body;
  wire::Writer w(body);
  w.i32(2);
  w.i32(0);
  w.i32(1);
  w.string("k");
  w.string("t");
  w.string("c");
  w.u16(0x09);
  w.i32(0x7fffffff);  // rows
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not fit"), std::string::npos);

  std::string columns;
  wire::Writer c(columns);
  c.i32(2);
  c.i32(0);
  c.i32(0x7fffffff);
  auto many = frame::decode_response(header_for(Opcode::Result, columns), columns);
  ASSERT_FALSE(many);
}

TEST(CqlFrame, RowsWithoutMetadataDecodeAsBytesAndHugeColumnCountsAreRefused) {
  std::string body;
  wire::Writer w(body);
  w.i32(2);
  w.i32(0x04);  // no_metadata
  w.i32(2);
  w.i32(1);
  w.bytes("a");
  w.null_bytes();
  auto r = frame::decode_response(header_for(Opcode::Result, body), body);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->result.rows[0][0], Value::blob("a"));
  EXPECT_TRUE(r->result.rows[0][1].is_null());

  // Found by fuzz_cql_frame: 0x7ffffff1 columns without metadata once allocated them all.
  std::string huge;
  wire::Writer h(huge);
  h.i32(2);
  h.i32(0x04);
  h.i32(0x7ffffff1);
  h.i32(0);
  auto empty = frame::decode_response(header_for(Opcode::Result, huge), huge);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->result.empty());
  h.i32(1);
  huge.replace(huge.size() - 8, 4, std::string("\0\0\0\1", 4));
  EXPECT_FALSE(frame::decode_response(header_for(Opcode::Result, huge), huge));
}

TEST(CqlFrame, UnknownResultKindsAndOpcodesAreMalformed) {
  std::string kind = std::string("\0\0\0\x09", 4);
  EXPECT_FALSE(frame::decode_response(header_for(Opcode::Result, kind), kind));
  EXPECT_FALSE(frame::decode_response(header_for(Opcode::Query, ""), ""));
  EXPECT_FALSE(frame::decode_response(header_for(Opcode::Ready, "", frame::kCompression), ""));
}

}  // namespace
}  // namespace kongdb::cql
