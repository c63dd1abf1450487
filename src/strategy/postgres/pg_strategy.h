// PostgresStrategy: one entity's storage over the shared connection pool. Written for kongdb.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strategy/postgres/pg_internal.h"

namespace kongdb::strategy::postgres {

class PostgresStrategy final : public Strategy {
 public:
  PostgresStrategy(std::shared_ptr<Db> db, Layout layout);

  Result<std::optional<Value>> select(const Value& pk, const QueryOptions& opts) override;
  Result<std::optional<Value>> select_by_field(std::string_view field, const Value& value,
                                               const QueryOptions& opts) override;
  Result<Page> page(int64_t size, const std::optional<std::string>& offset,
                    const QueryOptions& opts) override;
  Result<Page> page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                        const std::optional<std::string>& offset,
                        const QueryOptions& opts) override;
  Result<Value> insert(const Value& row, const QueryOptions& opts) override;
  Result<std::optional<Value>> update(const Value& pk, const Value& row,
                                      const QueryOptions& opts) override;
  Result<std::optional<Value>> update_by_field(std::string_view field, const Value& value,
                                               const Value& row, const QueryOptions& opts) override;
  Result<Value> upsert(const Value& pk, const Value& row, const QueryOptions& opts) override;
  Result<Value> upsert_by_field(std::string_view field, const Value& value, const Value& row,
                                const QueryOptions& opts) override;
  Result<bool> remove(const Value& pk, const QueryOptions& opts) override;
  Result<bool> remove_by_field(std::string_view field, const Value& value,
                               const QueryOptions& opts) override;
  Result<void> truncate() override;

 private:
  /// What a failed write was doing, for error mapping.
  struct WriteCtx {
    const Value* row;  // the written row (nullptr for deletes)
    Value pk;          // its pk object when keyed by pk
    bool is_delete;
  };

  Param ttl_param(const QueryOptions& opts) const;
  Result<const FieldMap*> by_field(std::string_view field) const;
  void and_field_ws(Sql& q, const FieldMap& f, const Value& v, const QueryOptions& opts) const;
  Result<std::vector<Row>> read(const Sql& q);
  std::optional<Value> first(const std::vector<Row>& rows, const QueryOptions& opts) const;
  Result<Page> page_impl(const FieldMap* fk, const Value& fk_pk, int64_t size,
                         const std::optional<std::string>& offset, const QueryOptions& opts);
  Result<std::optional<Value>> write(const Sql& q, const WriteCtx& ctx);
  Result<std::optional<Value>> update_impl(const FieldMap* f, const Value& key, const Value& row,
                                           const QueryOptions& opts);
  Result<bool> remove_impl(const FieldMap* f, const Value& key, const QueryOptions& opts);

  /// SQLSTATE + constraint name -> Kong's error.
  Error map_error(const PgError& e, const WriteCtx& ctx) const;

  std::shared_ptr<Db> db_;
  Layout layout_;
  Statements sql_;  // refers to layout_, declared after it
};

/// The read-only "tags" entity over the tags index table (pg_tags.cc).
std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Db> db);

}  // namespace kongdb::strategy::postgres
