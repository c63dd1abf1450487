// `database = memory`: every entity in process memory, no settings, no migrations. Every open
// in a process reaches the same store (the Admin API's workers share it); it is gone at exit.
#include "kongdb/strategy/backends.h"
#include "kongdb/strategy/memory.h"

namespace kongdb::strategy {
namespace {

tl::expected<OpenedConnector, std::string> open_memory_backend(const Settings&, const OpenOptions&) {
  OpenedConnector out;
  out.label = "in-memory database (lost at exit)";
  out.is_new = true;
  auto conn = open_process_memory();
  if (!conn) return tl::unexpected("cannot open the " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
}

}  // namespace

Backend memory_backend() { return {"memory", &open_memory_backend}; }

}  // namespace kongdb::strategy
