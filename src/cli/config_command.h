// `kongdb config init|parse|db_import|db_export`: Kong's declarative configuration commands
// over the declarative module (the CLI only parses arguments and reports).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "kongdb/config/config.h"

namespace kongdb::cli {

struct ConfigRequest {
  std::string command;              // init | parse | db_import | db_export
  std::optional<std::string> file;  // FILE; db_export: "-" for stdout
  bool json = false;                // machine-read output (results and errors as JSON)
  bool quiet = false;               // no log lines, no progress
  bool progress = false;            // a progress line (the caller sets it when stderr is a terminal)
};

/// Exit 0 on success; 1 with "Error: ..." (or Kong's error object with --json) otherwise.
int run_config(const Config& config, const ConfigRequest& req, std::ostream& out, std::ostream& err);

}  // namespace kongdb::cli
