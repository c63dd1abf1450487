// The one list of backends this build carries: adding a backend adds one line here.
#include <cstdio>
#include <cstdlib>

#include "kongdb/strategy/backends.h"

namespace kongdb::strategy {

const BackendRegistry& builtin_backends() {
  static const BackendRegistry registry = [] {
    BackendRegistry r;
    for (Backend b : {sqlite_backend(), postgres_backend(), memory_backend(), cassandra_backend()}) {
      if (auto added = r.add(std::move(b)); !added) {
        // The list above is code: a clash is a bug the unit tests catch.
        std::fprintf(stderr, "kongdb: %s\n", added.error().c_str());
        std::abort();
      }
    }
    return r;
  }();
  return registry;
}

}  // namespace kongdb::strategy
