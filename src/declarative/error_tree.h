// Kong's declarative error tree, built by path: collection name, then 1-based index, then the
// entity's own schema errors (or a nested collection). Rendered as Kong's cjson renders the Lua
// tables: positions become arrays with null holes, unless too sparse (then an object keyed by
// the position).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "kongdb/core/error.h"
#include "kongdb/core/value.h"

namespace kongdb::declarative {

using PathKey = std::variant<std::string, size_t>;
using ErrorPath = std::vector<PathKey>;

class ErrorTree {
 public:
  bool empty() const { return root_.as_object().empty(); }
  /// Replaces what is at `path`.
  void set(const ErrorPath& path, Value message);
  /// Adds a message to the list at `path`.
  void append(const ErrorPath& path, Value message);
  /// Lays a schema error tree over what is at `path`, key by key.
  void merge(const ErrorPath& path, const Value& tree);
  /// The finished tree.
  Value value() const;
  /// DECLARATIVE_CONFIG with the finished tree.
  Error to_error() const;

 private:
  Value& node_at(const ErrorPath& path, bool container);
  Value root_ = Value(Object{});
};

}  // namespace kongdb::declarative
