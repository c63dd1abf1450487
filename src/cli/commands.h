// The kongdb subcommands, kept apart from argument parsing so they can be tested and reused.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace kongdb::cli {

std::string_view version_string();
int run_version(std::ostream& out);
/// Exit code 0 with the processed entity as JSON, or 1 with Kong's error object.
int run_validate(const std::string& entity, const std::string& json_body, std::ostream& out);
int run_schema(const std::string& entity, const std::string& plugin, std::ostream& out);

}  // namespace kongdb::cli
