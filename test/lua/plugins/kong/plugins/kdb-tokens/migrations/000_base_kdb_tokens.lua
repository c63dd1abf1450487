-- Kong's migration format, with PostgreSQL DDL written as Kong's plugins write it (default
-- constraint names, ws_id unique pairs); the teardown runs through connector:query.
return {
  postgres = {
    up = [[
      CREATE TABLE IF NOT EXISTS "kdb_tokens" (
        "id"           UUID                         PRIMARY KEY,
        "created_at"   TIMESTAMP WITH TIME ZONE     DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'),
        "consumer_id"  UUID                         REFERENCES "consumers" ("id") ON DELETE CASCADE,
        "token"        TEXT,
        "scopes"       TEXT[],
        "tags"         TEXT[],
        "ws_id"        UUID,
        "ttl"          TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "kdb_tokens_ws_id_token_unique" UNIQUE ("ws_id", "token")
      );

      DO $$
      BEGIN
        CREATE INDEX IF NOT EXISTS "kdb_tokens_consumer_id_idx" ON "kdb_tokens" ("consumer_id");
      EXCEPTION WHEN UNDEFINED_COLUMN THEN
        -- Do nothing, accept existing state
      END$$;

      CREATE INDEX IF NOT EXISTS "kdb_tokens_ttl_idx" ON "kdb_tokens" ("ttl");

      DROP TRIGGER IF EXISTS "kdb_tokens_sync_tags_trigger" ON "kdb_tokens";

      DO $$
      BEGIN
        CREATE TRIGGER "kdb_tokens_sync_tags_trigger"
        AFTER INSERT OR UPDATE OF "tags" OR DELETE ON "kdb_tokens"
        FOR EACH ROW
        EXECUTE PROCEDURE sync_tags();
      EXCEPTION WHEN UNDEFINED_COLUMN OR UNDEFINED_TABLE THEN
        -- Do nothing, accept existing state
      END$$;
    ]],

    teardown = function(connector)
      local _, err = connector:query([[
        CREATE INDEX IF NOT EXISTS "kdb_tokens_tags_idx" ON "kdb_tokens" USING GIN ("tags");
      ]])
      if err then
        return nil, err
      end
      return true
    end,
  },

  cassandra = {
    up = [[ ]],
  },
}
