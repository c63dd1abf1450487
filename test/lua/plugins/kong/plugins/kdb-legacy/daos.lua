-- The 0.14 daos.lua map format: flat consumer_id foreign key, id/timestamp types,
-- dao_insert_value, a generated default, and a `func` validator.
local utils = require "kong.tools.utils"

local function check_note(value)
  if value == "bad" then
    return false, "note is bad"
  end
  return true
end

local SCHEMA = {
  primary_key = { "id" },
  table = "kdb_legacy_keys",
  cache_key = { "key" },
  fields = {
    id = { type = "id", dao_insert_value = true },
    created_at = { type = "timestamp", immutable = true, dao_insert_value = true },
    consumer_id = { type = "id", required = true, foreign = "consumers:id" },
    key = { type = "string", required = false, unique = true, default = utils.random_string },
    note = { type = "string", func = check_note },
  },
}

return { kdb_legacy_keys = SCHEMA }
