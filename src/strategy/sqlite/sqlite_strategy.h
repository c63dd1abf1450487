// SqliteStrategy: one entity's storage over the shared SQLite connection. Written for kongdb.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strategy/sqlite/sqlite_internal.h"

namespace kongdb::strategy::sqlite {

class SqliteStrategy final : public Strategy {
 public:
  SqliteStrategy(std::shared_ptr<Db> db, Layout layout);

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
    const Value* row;              // the written row (nullptr for deletes)
    Value pk;                      // its pk object when keyed by pk
    const FieldMap* key_field;     // the unique field when keyed by field
    Value key;                     // that field's value
    std::string ws_id;
    bool is_delete;
  };

  Param ttl_param(const QueryOptions& opts) const;
  Result<const FieldMap*> by_field(std::string_view field) const;
  void and_field_ws(Sql& q, const FieldMap& f, const Value& v, const QueryOptions& opts) const;
  Result<std::vector<Row>> read(const Sql& q);
  Result<std::optional<Value>> first(const std::vector<Row>& rows, const QueryOptions& opts) const;
  Result<Page> page_impl(const FieldMap* fk, const Value& fk_pk, int64_t size,
                         const std::optional<std::string>& offset, const QueryOptions& opts);
  Result<Value> write_one(const Sql& q, const WriteCtx& ctx);
  Result<std::optional<Value>> update_impl(const FieldMap* f, const Value& key, const Value& row,
                                           const QueryOptions& opts);
  Result<bool> remove_impl(const FieldMap* f, const Value& key, const QueryOptions& opts);
  Result<std::vector<std::string>> referencing_tables(const std::string& table);

  Error map_error(const StepError& e, const WriteCtx& ctx);
  Error unique_error(const StepError& e, const WriteCtx& ctx);
  Error reference_error(const StepError& e, const WriteCtx& ctx);
  Error restricted_error(const StepError& e, const WriteCtx& ctx);

  std::shared_ptr<Db> db_;
  Layout layout_;
  Statements sql_;  // refers to layout_, declared after it
};

/// The read-only "tags" entity over the tags index table (sqlite_tags.cc).
std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Db> db);

}  // namespace kongdb::strategy::sqlite
