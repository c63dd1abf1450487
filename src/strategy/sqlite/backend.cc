// `database = sqlite`: one database file, sqlite_path (default kongdb.sqlite).
#include <filesystem>
#include <system_error>

#include "kongdb/strategy/backends.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::strategy {
namespace {

tl::expected<OpenedConnector, std::string> open_sqlite_backend(const Settings& settings, const OpenOptions& options) {
  const std::string configured = settings.get("sqlite_path").value_or("kongdb.sqlite");
  OpenedConnector out;
  out.label = "database '" + configured + "'";
  std::error_code ec;
  const bool exists = std::filesystem::exists(configured, ec);
  // An empty file is what a crashed first run or `touch` leaves: still nothing of ours in it.
  out.is_new = !exists || std::filesystem::file_size(configured, ec) == 0;
  if (exists && std::filesystem::is_directory(configured, ec)) {
    return tl::unexpected("sqlite_path '" + configured + "' is a directory");
  }
  const std::string path = (!exists && options.no_create) ? ":memory:" : configured;
  auto conn = open_sqlite({.path = path});
  if (!conn) return tl::unexpected("cannot open " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
}

}  // namespace

Backend sqlite_backend() { return {"sqlite", &open_sqlite_backend}; }

}  // namespace kongdb::strategy
