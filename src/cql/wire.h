// The protocol's notations (§3 of native_protocol_v4.spec: [int], [string], [bytes], [value],
// [option], ...) and the serialization of typed values (§6). Everything is big-endian.
// The reader never reads past its input: a short or inconsistent input makes it fail, and
// once failed every further read returns a zero value, so callers check ok() at checkpoints.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/cql/error.h"
#include "kongdb/cql/value.h"

namespace kongdb::cql::wire {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v);
  void i32(int32_t v);
  void i64(int64_t v);
  void raw(std::string_view bytes) { out_.append(bytes); }
  /// [string]: u16 length + bytes.
  void string(std::string_view s);
  /// [long string]: i32 length + bytes.
  void long_string(std::string_view s);
  /// [bytes] / [value] with content; null_bytes() writes length -1, unset_value() -2.
  void bytes(std::string_view b);
  void null_bytes() { i32(-1); }
  void unset_value() { i32(-2); }
  /// [short bytes]: u16 length + bytes.
  void short_bytes(std::string_view b);
  void string_map(const std::map<std::string, std::string>& m);
  void string_list(const std::vector<std::string>& l);
  /// Reserves an i32 length at the current end; fill_length() patches it with the bytes since.
  size_t begin_length();
  void fill_length(size_t at);
  size_t size() const { return out_.size(); }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  /// Marks the input malformed with `why` (the first reason wins).
  void fail(std::string why);
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }

  uint8_t u8();
  uint16_t u16();
  int32_t i32();
  int64_t i64();
  std::string_view raw(size_t n);
  std::string_view string();
  std::string_view long_string();
  /// [bytes]: sets `is_null` for a negative length.
  std::string_view bytes(bool& is_null);
  std::string_view short_bytes();
  std::vector<std::string> string_list();
  std::map<std::string, std::vector<std::string>> string_multimap();
  /// [bytes map]: read and dropped (custom payloads are not used by this client).
  void skip_bytes_map();
  Uuid uuid();
  /// [option]: a type, recursing into collections, UDTs and tuples (depth-limited).
  Type type_option(int depth = 0);

 private:
  bool need(size_t n, const char* what);

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

/// Appends `v` as a [value] of CQL type `t` (length included). Converts where CQL does
/// (an Int into a bigint column, text into a uuid column); anything else is InvalidValue.
/// Null and unset are accepted only at the top level (bind markers), as the protocol allows.
Result<void> encode_value(const Type& t, const Value& v, Writer& w);
/// Appends `v` as a [value] inferring the CQL type from its kind (QUERY without metadata).
Result<void> encode_value(const Value& v, Writer& w);
/// Decodes the content of a non-null cell of type `t`.
Result<Value> decode_value(const Type& t, std::string_view bytes, int depth = 0);

}  // namespace kongdb::cql::wire
