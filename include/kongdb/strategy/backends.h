// The backends this build carries. Each is defined next to its strategy, in
// src/strategy/<name>/backend.cc, and listed once in builtin_backends().
#pragma once

#include "kongdb/strategy/backend.h"

namespace kongdb::strategy {

Backend sqlite_backend();    // database = sqlite: sqlite_path
Backend postgres_backend();  // database = postgres: pg_*, pg_ro_*
Backend memory_backend();    // database = memory: no settings; data lost at exit
Backend cassandra_backend();  // database = cassandra: cassandra_*

/// Every backend above, registered by name (built once).
const BackendRegistry& builtin_backends();

}  // namespace kongdb::strategy
