// Per-entity DAOs (Kong's kong/db/dao/<entity>.lua), chosen by entity name.
#pragma once

#include <memory>

#include "kongdb/dao/dao.h"

namespace kongdb::dao {

/// The DAO for `schema`: a specialised one for targets, certificates, plugins and
/// ca_certificates, the generic DAO otherwise.
std::unique_ptr<DAO> make_dao(DB& db, const schema::Schema& schema, std::unique_ptr<strategy::Strategy> strategy);

}  // namespace kongdb::dao
