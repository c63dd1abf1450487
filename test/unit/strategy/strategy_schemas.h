// The schemas and keys the strategy tests share: a workspaceable parent with a field of every
// kind, children referencing it with a given on_delete, and a ttl table. Written for kongdb.
#pragma once

#include <cstdio>
#include <string>

#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"

namespace kongdb::strategy::testing {

/// 00000000-0000-4000-8000-<n, 12 digits>: ordered as n is.
inline std::string uuid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

inline Value id_of(const std::string& id) { return Value::object({{"id", id}}); }

/// "parents": uuid id, unique name, integer, number, boolean, set of strings (tags), record.
inline schema::Schema parents_schema() {
  using schema::Field;
  schema::Schema s;
  s.name = "parents";
  s.primary_key = {"id"};
  s.workspaceable = true;
  s.fields = {{"id", Field::string().uuid()},
              {"name", Field::string().unique()},
              {"port", Field::integer()},
              {"weight", Field::number()},
              {"enabled", Field::boolean()},
              {"tags", Field::set(Field::string())},
              {"meta", Field::record({{"a", Field::string()}})}};
  return s;
}

/// A child of `parents` (which must outlive it): uuid id, `parent` foreign key, label.
inline schema::Schema child_schema(const char* name, const char* on_delete, const schema::Schema& parents) {
  using schema::Field;
  schema::Schema s;
  s.name = name;
  s.primary_key = {"id"};
  s.workspaceable = true;
  Field parent = Field::foreign("parents");
  if (on_delete) parent.on_delete(on_delete);
  parent.foreign_schema_ = &parents;
  s.fields = {{"id", Field::string().uuid()}, {"parent", parent}, {"label", Field::string()}};
  return s;
}

/// "tokens": ttl-enabled, uuid id, unique key.
inline schema::Schema tokens_schema() {
  using schema::Field;
  schema::Schema s;
  s.name = "tokens";
  s.primary_key = {"id"};
  s.ttl = true;
  s.fields = {{"id", Field::string().uuid()}, {"key", Field::string().unique()}};
  return s;
}

}  // namespace kongdb::strategy::testing
