#include "kongdb/core/value.h"

#include <cmath>
#include <cstdio>

namespace kongdb {

Object::Object(std::initializer_list<Entry> entries) {
  entries_.reserve(entries.size());
  for (const auto& e : entries) {
    set(e.first, e.second);
  }
}

const Value* Object::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.first == key) {
      return &e.second;
    }
  }
  return nullptr;
}

Value* Object::find(std::string_view key) {
  for (auto& e : entries_) {
    if (e.first == key) {
      return &e.second;
    }
  }
  return nullptr;
}

Value& Object::set(std::string key, Value value) {
  if (Value* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries_.emplace_back(std::move(key), std::move(value));
  return entries_.back().second;
}

Value& Object::append(std::string key, Value value) {
  entries_.emplace_back(std::move(key), std::move(value));
  return entries_.back().second;
}

Value& Object::operator[](std::string_view key) {
  if (Value* existing = find(key)) {
    return *existing;
  }
  entries_.emplace_back(std::string(key), Value());
  return entries_.back().second;
}

bool Object::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

bool Object::operator==(const Object& other) const {
  if (size() != other.size()) {
    return false;
  }
  for (const auto& [k, v] : entries_) {
    const Value* o = other.find(k);
    if (!o || !(*o == v)) {
      return false;
    }
  }
  return true;
}

double Value::as_number() const {
  return is_integer() ? static_cast<double>(as_integer()) : std::get<double>(data_);
}

const Value* Value::find(std::string_view key) const {
  return is_object() ? as_object().find(key) : nullptr;
}

Value* Value::find(std::string_view key) {
  return is_object() ? as_object().find(key) : nullptr;
}

bool Value::is_nonempty() const {
  switch (kind()) {
    case Kind::Null:
      return false;
    case Kind::String:
      return !as_string().empty();
    case Kind::Array:
      return !as_array().empty();
    case Kind::Object:
      return !as_object().empty();
    default:
      return true;
  }
}

bool Value::operator==(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (is_integer() && other.is_integer()) {
      return as_integer() == other.as_integer();
    }
    return as_number() == other.as_number();
  }
  // An empty array and an empty object are the same empty Lua table.
  if (is_table() && other.is_table() && !is_nonempty() && !other.is_nonempty()) {
    return true;
  }
  return data_ == other.data_;
}

std::string lua_number_string(double d) {
  if (std::isnan(d)) {
    return std::signbit(d) ? "-nan" : "nan";
  }
  if (std::isinf(d)) {
    return d > 0 ? "inf" : "-inf";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.14g", d);
  return buf;
}

std::string Value::to_lua_string() const {
  switch (kind()) {
    case Kind::Null:
      return "null";
    case Kind::Boolean:
      return as_boolean() ? "true" : "false";
    case Kind::Integer:
      return std::to_string(as_integer());
    case Kind::Float:
      return lua_number_string(as_number());
    case Kind::String:
      return as_string();
    default:
      return "table";
  }
}

std::string_view lua_type_name(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null:
      return "userdata";
    case Value::Kind::Boolean:
      return "boolean";
    case Value::Kind::Integer:
    case Value::Kind::Float:
      return "number";
    case Value::Kind::String:
      return "string";
    default:
      return "table";
  }
}

}  // namespace kongdb
