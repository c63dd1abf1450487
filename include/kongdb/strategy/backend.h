// Backends by name: each backend registers a factory that reads its own settings (Kong's names:
// sqlite_path, pg_host, ...) and opens a Connector. Nothing above the strategy layer names a
// concrete backend; the composition root (kongdb/app/open.h) asks the registry for
// `config.database`.
//
//   const strategy::BackendRegistry& backends = strategy::builtin_backends();
//   auto opened = backends.open("sqlite", settings, {});   // "database 'x' is not supported ..."
//   if (!opened) return opened.error();
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy {

/// Read access to the configuration: a setting's text by Kong's name, nullopt when unset. Kept
/// this small so the strategy layer does not depend on where settings come from.
class Settings {
 public:
  virtual ~Settings() = default;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
};

struct OpenOptions {
  /// Do not create a missing database (read-only commands such as `migrations list`): a
  /// backend that would create one opens an empty stand-in instead, leaving nothing behind.
  bool no_create = false;
};

struct OpenedConnector {
  std::unique_ptr<Connector> connector;
  /// Nothing of ours was there before (a missing or empty SQLite file): safe to bootstrap
  /// without asking. Server databases are never bootstrapped implicitly.
  bool is_new = false;
  /// How logs and errors name the database ("database 'kongdb.sqlite'").
  std::string label;
};

/// Reads the backend's settings and opens it; failures are operator-facing messages naming the
/// setting ("pg_port is not a number: 'x'") or the database ("cannot open database ...").
using BackendFactory =
    std::function<tl::expected<OpenedConnector, std::string>(const Settings&, const OpenOptions&)>;

struct Backend {
  std::string name;  ///< the `database` setting that selects it
  BackendFactory open;
};

class BackendRegistry {
 public:
  /// "backend 'x' is registered twice" when the name is taken.
  tl::expected<void, std::string> add(Backend backend);
  const Backend* find(std::string_view name) const;
  /// Registered names, sorted.
  std::vector<std::string> names() const;
  /// Opens the backend called `name`; an unknown name is reported with the registered ones:
  /// "database 'x' is not supported by this build (registered: postgres, sqlite)".
  tl::expected<OpenedConnector, std::string> open(std::string_view name, const Settings& settings,
                                                  const OpenOptions& options = {}) const;

 private:
  std::vector<Backend> backends_;
};

}  // namespace kongdb::strategy
