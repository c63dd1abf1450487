// Declarative configuration: Kong's kong.yml / kong.json format (kong/db/declarative and
// kong/db/schema/others/declarative_config.lua) read into flat, validated entities, written
// into a DB all-or-nothing, and exported back.
//
//   auto doc = declarative::decode_file("kong.yml");              // Result<Value>: text -> tree
//   auto cfg = declarative::flatten(db.registry(), *doc);         // Result<Entities>
//   if (!cfg) print(cfg.error().fields);                          // Kong's error tree (code 14)
//   declarative::load_into_db(db, *cfg);                          // one transaction
//   Value exported = *declarative::export_from_db(db);            // {_format_version = "3.0", ...}
//
// Everything about entities comes from the registry: the top-level collections are its
// exportable entities, nesting follows foreign keys (a child nests under the entity it
// references), references go by endpoint key or primary key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/registry.h"

namespace kongdb::dao {
class DB;
}

namespace kongdb::declarative {

/// What a document may cost before reading it is refused.
struct Limits {
  /// Bytes of text (a bigger file is refused before it is read).
  size_t max_bytes = size_t{512} << 20;
  /// Nesting of sequences and mappings.
  size_t max_depth = 64;
  /// Nodes copied by YAML aliases beyond the nodes written in the text ("billion laughs").
  size_t max_alias_nodes = 1'000'000;
};

enum class Format { Json, Yaml };

/// The format a file name says (".json", ".yml", ".yaml"); "unknown file type: ..." otherwise.
Result<Format> format_of(std::string_view filename);

/// One document as a tree. A syntax error names its line and column; the error is Kong's
/// {error = "failed parsing declarative configuration: ..."} (code 14).
Result<Value> decode(std::string_view text, Format format, const Limits& limits = {});
/// Reads `path` (refusing it first when larger than limits.max_bytes) and decodes it.
Result<Value> decode_file(const std::string& path, const Limits& limits = {});

/// One entity ready to be written: every field processed as an insert would (defaults, ids),
/// foreign keys as {id = ...}.
struct Collection {
  const schema::Schema* schema = nullptr;
  std::vector<Value> rows;
};

struct Entities {
  /// Parents before children (registry order); collections without rows are left out.
  std::vector<Collection> collections;
  /// The `_...` keys of the file (_format_version, _transform, _comment, _workspace).
  Value meta;
  size_t count() const;
};

/// Kong's declarative_config:flatten: nested entities lifted out, ids generated as Kong 3.9
/// does (UUIDv5 from the entity's cache key or endpoint key where it makes them stable,
/// random otherwise), references by endpoint key or id resolved, every entity validated.
/// On failure: DECLARATIVE_CONFIG with the error tree (by collection, then 1-based index).
Result<Entities> flatten(const schema::EntityRegistry& registry, const Value& document,
                         IdGenerator* ids = nullptr);

/// Kong's flatten_errors: the error tree of `document` as a list of per-entity errors
/// ({entity_type, entity_id, entity_name, entity_tags, entity, errors = [{type, field, message}]}).
Value flatten_errors(const schema::EntityRegistry& registry, const Value& document, const Value& error_tree);

/// The error tree as Kong's CLI prints it ("in 'services':\n  - in entry 1 of 'services': ...").
std::string pretty_print(const Value& error_tree);

/// The stable id Kong 3.9 gives an entity of `entity` keyed by `key` (UUIDv5 under a namespace
/// derived from the entity name).
std::string stable_id(std::string_view entity, std::string_view key);

struct ImportOptions {
  /// Called after every written entity with (written, total).
  std::function<void(size_t, size_t)> progress;
};

/// Writes every entity (upsert by primary key, parents first) in one transaction. On a
/// backend without transactions the rows written are put back as they were when a later
/// write fails. On failure the error names the entity that failed.
Result<size_t> load_into_db(dao::DB& db, const Entities& entities, const ImportOptions& options = {});

struct ExportOptions {
  std::function<void(size_t)> progress;  // entities read so far
};

/// Every exportable entity of every workspace in the declarative format (_format_version
/// "3.0", _transform false), parents first, foreign keys as ids.
Result<Value> export_from_db(dao::DB& db, const ExportOptions& options = {});

/// YAML text of a document (block style, strings quoted where YAML would read them otherwise).
Result<std::string> to_yaml(const Value& document);

/// A commented example file (`kongdb config init`).
std::string example_file();

}  // namespace kongdb::declarative
