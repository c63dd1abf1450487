// Kong's DAO options, validated with Kong's messages (kong/db/dao/init.lua validate_options_value).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::dao {

struct ParsedOptions {
  bool nulls = false;
  std::optional<int64_t> ttl;
  std::optional<strategy::TagsFilter> tags;
  int64_t page_size = 1000;
  int64_t max_page_size = 50000;
  /// The workspace given by id or name; nullopt = the default one.
  std::optional<std::string> ws_id;
  /// `workspace = null`: every workspace.
  bool all_workspaces = false;
  bool show_ws_id = false;
  bool transform = true;
  bool export_ = false;
  bool skip_ttl = false;
  bool no_broadcast = false;
};

/// Resolves a workspace name to its id (nullopt: no such workspace).
using WorkspaceResolver = std::function<std::optional<std::string>(const std::string& name)>;

/// INVALID_OPTIONS with Kong's messages on failure. `raw` is null (no options) or an Object.
Result<ParsedOptions> parse_options(const schema::Schema& schema, const Value& raw,
                                    const WorkspaceResolver& resolve_workspace,
                                    int64_t default_page_size = 1000, int64_t default_max_page_size = 50000);

}  // namespace kongdb::dao
