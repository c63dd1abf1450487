// The CQL value codec and the protocol notations, from bytes: round trips per type, the
// conversions binding allows, and inputs that must be refused rather than misread.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cql/wire.h"

namespace kongdb::cql {
namespace {

std::string encoded(const Type& t, const Value& v) {
  std::string out;
  wire::Writer w(out);
  auto r = wire::encode_value(t, v, w);
  EXPECT_TRUE(r) << r.error().to_string();
  return out;
}

// Encodes as `t`, strips the [value] length, decodes as `t`.
Value round_trip(const Type& t, const Value& v) {
  std::string bytes = encoded(t, v);
  wire::Reader r(bytes);
  bool is_null = false;
  std::string_view content = r.bytes(is_null);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(is_null);
  EXPECT_EQ(r.remaining(), 0u);
  auto decoded = wire::decode_value(t, content);
  EXPECT_TRUE(decoded) << decoded.error().to_string();
  return decoded ? *decoded : Value::unset();
}

const Uuid kId = *Uuid::parse("0b6e1f7c-2d0a-4a33-8a3c-5e5b2c1d9f00");

TEST(CqlCodec, ScalarsRoundTripThroughTheirColumnTypes) {
  EXPECT_EQ(round_trip(Type::of(TypeId::Int), Value::int32(-42)), Value::int32(-42));
  EXPECT_EQ(round_trip(Type::of(TypeId::BigInt), Value::int64(INT64_MIN)), Value::int64(INT64_MIN));
  EXPECT_EQ(round_trip(Type::of(TypeId::Boolean), Value::boolean(true)), Value::boolean(true));
  EXPECT_EQ(round_trip(Type::of(TypeId::Double), Value::float64(0.1)), Value::float64(0.1));
  EXPECT_EQ(round_trip(Type::of(TypeId::Varchar), Value::text("héllo")), Value::text("héllo"));
  EXPECT_EQ(round_trip(Type::of(TypeId::Blob), Value::blob(std::string("\0\xff", 2))),
            Value::blob(std::string("\0\xff", 2)));
  EXPECT_EQ(round_trip(Type::of(TypeId::Uuid), Value::uuid(kId)), Value::uuid(kId));
  EXPECT_EQ(round_trip(Type::of(TypeId::Timestamp), Value::timestamp(1700000000123)),
            Value::timestamp(1700000000123));
  EXPECT_EQ(round_trip(Type::of(TypeId::SmallInt), Value::int32(-300)), Value::int32(-300));
  EXPECT_EQ(round_trip(Type::of(TypeId::TinyInt), Value::int32(-7)), Value::int32(-7));
  EXPECT_EQ(round_trip(Type::of(TypeId::Float), Value::float64(1.5)), Value::float64(1.5));
}

TEST(CqlCodec, IntIsFourBigEndianBytesAndBigintEight) {
  EXPECT_EQ(encoded(Type::of(TypeId::Int), Value::int32(0x01020304)),
            std::string("\0\0\0\4\1\2\3\4", 8));
  EXPECT_EQ(encoded(Type::of(TypeId::BigInt), Value::int64(1)),
            std::string("\0\0\0\x08\0\0\0\0\0\0\0\1", 12));
}

TEST(CqlCodec, NullAndUnsetAreNegativeLengths) {
  EXPECT_EQ(encoded(Type::of(TypeId::Int), Value::null()), std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(encoded(Type::of(TypeId::Int), Value::unset()), std::string("\xff\xff\xff\xfe", 4));
}

TEST(CqlCodec, EmptyTextIsNotNull) {
  EXPECT_EQ(encoded(Type::of(TypeId::Varchar), Value::text("")), std::string("\0\0\0\0", 4));
  EXPECT_EQ(round_trip(Type::of(TypeId::Varchar), Value::text("")), Value::text(""));
}

TEST(CqlCodec, CollectionsRoundTrip) {
  Value list = Value::list({Value::text("a"), Value::text("b")});
  EXPECT_EQ(round_trip(Type::list_of(Type::of(TypeId::Varchar)), list), list);
  Value set = Value::set({Value::int32(1), Value::int32(2)});
  EXPECT_EQ(round_trip(Type::set_of(Type::of(TypeId::Int)), set), set);
  Value map = Value::map({{Value::text("k"), Value::int64(7)}, {Value::text(""), Value::int64(-1)}});
  EXPECT_EQ(round_trip(Type::map_of(Type::of(TypeId::Varchar), Type::of(TypeId::BigInt)), map), map);
  Value nested = Value::list({Value::set({Value::uuid(kId)})});
  EXPECT_EQ(round_trip(Type::list_of(Type::set_of(Type::of(TypeId::Uuid))), nested), nested);
}

TEST(CqlCodec, UuidTextBindsToAUuidColumn) {
  EXPECT_EQ(round_trip(Type::of(TypeId::Uuid), Value::text("0B6E1F7C-2D0A-4A33-8A3C-5E5B2C1D9F00")),
            Value::uuid(kId));
  std::string out;
  wire::Writer w(out);
  auto r = wire::encode_value(Type::of(TypeId::Uuid), Value::text("not-a-uuid"), w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidValue);
  EXPECT_NE(r.error().message.find("not a UUID"), std::string::npos);
}

TEST(CqlCodec, IntegersWidenButOutOfRangeIsRefused) {
  EXPECT_EQ(round_trip(Type::of(TypeId::BigInt), Value::int32(5)), Value::int64(5));
  EXPECT_EQ(round_trip(Type::of(TypeId::Timestamp), Value::int64(5)), Value::timestamp(5));
  EXPECT_EQ(round_trip(Type::of(TypeId::Double), Value::int32(3)), Value::float64(3));
  std::string out;
  wire::Writer w(out);
  auto r = wire::encode_value(Type::of(TypeId::Int), Value::int64(int64_t{1} << 40), w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidValue);
  EXPECT_NE(r.error().message.find("out of range"), std::string::npos);
}

TEST(CqlCodec, WrongKindsAreRefusedWithTheColumnType) {
  std::string out;
  wire::Writer w(out);
  auto r = wire::encode_value(Type::of(TypeId::Int), Value::text("1"), w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot bind text '1' to a int column");
  auto in_list = wire::encode_value(Type::list_of(Type::of(TypeId::Int)), Value::list({Value::null()}), w);
  ASSERT_FALSE(in_list);
  EXPECT_NE(in_list.error().message.find("collections cannot hold null"), std::string::npos);
}

TEST(CqlCodec, KindsInferTheirOwnTypeWithoutMetadata) {
  std::string out;
  wire::Writer w(out);
  ASSERT_TRUE(wire::encode_value(Value::int32(1), w));
  ASSERT_TRUE(wire::encode_value(Value::list({Value::text("x")}), w));
  EXPECT_EQ(out, std::string("\0\0\0\4\0\0\0\1"
                             "\0\0\0\x09\0\0\0\1\0\0\0\1x",
                             21));
}

TEST(CqlCodec, CellsOfTheWrongSizeAreMalformed) {
  for (TypeId id : {TypeId::Int, TypeId::BigInt, TypeId::Boolean, TypeId::Uuid, TypeId::Double,
                    TypeId::Timestamp}) {
    auto r = wire::decode_value(Type::of(id), "abc");
    ASSERT_FALSE(r) << Type::of(id).to_string();
    EXPECT_EQ(r.error().code, ErrorCode::MalformedResponse);
  }
}

TEST(CqlCodec, CollectionCountsBeyondTheCellAreMalformed) {
  // Claims 2^31-1 elements in 8 bytes: refused before allocating anything.
  auto r = wire::decode_value(Type::list_of(Type::of(TypeId::Int)), std::string("\x7f\xff\xff\xff\0\0\0\0", 8));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not fit"), std::string::npos);
  auto truncated = wire::decode_value(Type::list_of(Type::of(TypeId::Int)),
                                      std::string("\0\0\0\1\0\0\0\4\0\0", 10));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::MalformedResponse);
}

TEST(CqlCodec, ReaderStopsAtTheEndAndReportsWhy) {
  wire::Reader r(std::string_view("\0\5ab", 4));
  EXPECT_EQ(r.string(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().find("truncated"), std::string::npos);
  EXPECT_EQ(r.i32(), 0);  // stays failed, reads nothing
}

TEST(CqlCodec, DeeplyNestedTypesAreRefused) {
  std::string bytes;
  wire::Writer w(bytes);
  for (int i = 0; i < 100; ++i) w.u16(0x20);
  w.u16(0x09);
  wire::Reader r(bytes);
  r.type_option();
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error().find("nested"), std::string::npos);
}

TEST(CqlCodec, TuplesReadAsListsAndUserTypesAsMapsOfTheirFields) {
  Type tuple{TypeId::Tuple, {Type::of(TypeId::Int), Type::of(TypeId::Varchar)}, {}, {}};
  std::string cells;
  wire::Writer w(cells);
  w.bytes(std::string("\0\0\0\7", 4));
  w.null_bytes();
  EXPECT_EQ(*wire::decode_value(tuple, cells), Value::list({Value::int32(7), Value::null()}));

  Type address{TypeId::Udt, {Type::of(TypeId::Varchar), Type::of(TypeId::Int)}, {"street", "number"}, "ks.address"};
  std::string fields;
  wire::Writer(fields).bytes("Main");  // the newer trailing field is absent
  EXPECT_EQ(*wire::decode_value(address, fields), Value::map({{Value::text("street"), Value::text("Main")}}));
  EXPECT_FALSE(wire::decode_value(address, fields.substr(0, 5)));
}

TEST(CqlCodec, TypesPrintAsCql) {
  EXPECT_EQ(Type::map_of(Type::of(TypeId::Varchar), Type::list_of(Type::of(TypeId::BigInt))).to_string(),
            "map<text, list<bigint>>");
}

TEST(CqlUuid, ParsesAndPrintsLowercase) {
  EXPECT_EQ(kId.to_string(), "0b6e1f7c-2d0a-4a33-8a3c-5e5b2c1d9f00");
  EXPECT_FALSE(Uuid::parse("0b6e1f7c-2d0a-4a33-8a3c-5e5b2c1d9f0"));
  EXPECT_FALSE(Uuid::parse("0b6e1f7c+2d0a-4a33-8a3c-5e5b2c1d9f00"));
  EXPECT_FALSE(Uuid::parse("0b6e1f7c-2d0a-4a33-8a3c-5e5b2c1d9fzz"));
}

TEST(CqlConsistency, ParsesKongSpellings) {
  EXPECT_EQ(parse_consistency("local_quorum"), Consistency::LocalQuorum);
  EXPECT_EQ(parse_consistency("ONE"), Consistency::One);
  EXPECT_FALSE(parse_consistency("most"));
  EXPECT_EQ(consistency_name(Consistency::EachQuorum), "EACH_QUORUM");
}

}  // namespace
}  // namespace kongdb::cql
