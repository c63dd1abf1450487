#include "declarative/error_tree.h"

#include <charconv>
#include <map>

namespace kongdb::declarative {
namespace {

// Positions are kept under a marked key while building, so that a position and a name that
// happens to be a number ("1") stay apart until rendering.
constexpr char kPositionMark = '\x01';

std::string key_of(const PathKey& key) {
  if (const auto* name = std::get_if<std::string>(&key)) return *name;
  return std::string(1, kPositionMark) + std::to_string(std::get<size_t>(key));
}

void merge_into(Value& node, const Value& tree) {
  if (!node.is_object() || !tree.is_object()) {
    node = tree;
    return;
  }
  for (const auto& [k, v] : tree.as_object()) {
    Value* existing = node.as_object().find(k);
    if (existing) {
      merge_into(*existing, v);
    } else {
      node.as_object().append(k, v);
    }
  }
}

// cjson's sparse-array rule as Kong configures it (encode_sparse_array(nil, nil, 2^15)).
bool dense_enough(size_t highest, size_t count) { return highest <= 32768 || highest <= 2 * count; }

Value render(const Value& node) {
  if (node.is_array()) {
    Array out;
    for (const Value& e : node.as_array()) out.push_back(render(e));
    return Value(std::move(out));
  }
  if (!node.is_object()) return node;
  const Object& obj = node.as_object();
  bool all_positions = !obj.empty();
  size_t highest = 0;
  std::map<size_t, const Value*> positions;
  for (const auto& [k, v] : obj) {
    if (k.empty() || k.front() != kPositionMark) {
      all_positions = false;
      continue;
    }
    size_t n = 0;
    std::from_chars(k.data() + 1, k.data() + k.size(), n);
    positions[n] = &v;
    highest = std::max(highest, n);
  }
  if (all_positions && dense_enough(highest, positions.size())) {
    Array out(highest);
    for (const auto& [n, v] : positions) out[n - 1] = render(*v);
    return Value(std::move(out));
  }
  Object out;
  for (const auto& [k, v] : obj) {
    out.append(!k.empty() && k.front() == kPositionMark ? k.substr(1) : k, render(v));
  }
  return Value(std::move(out));
}

}  // namespace

Value& ErrorTree::node_at(const ErrorPath& path, bool container) {
  Value* node = &root_;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!node->is_object()) *node = Value(Object{});
    const std::string key = key_of(path[i]);
    Value* next = node->as_object().find(key);
    if (!next) {
      const bool last = i + 1 == path.size();
      next = &node->as_object().append(key, last && !container ? Value() : Value(Object{}));
    }
    node = next;
  }
  return *node;
}

void ErrorTree::set(const ErrorPath& path, Value message) { node_at(path, false) = std::move(message); }

void ErrorTree::append(const ErrorPath& path, Value message) {
  Value& node = node_at(path, false);
  if (!node.is_array()) node = Value(Array{});
  node.as_array().push_back(std::move(message));
}

void ErrorTree::merge(const ErrorPath& path, const Value& tree) { merge_into(node_at(path, true), tree); }

Value ErrorTree::value() const { return render(root_); }

Error ErrorTree::to_error() const { return errors::declarative_config(value()); }

}  // namespace kongdb::declarative
