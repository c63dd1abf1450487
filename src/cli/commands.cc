#include "cli/commands.h"

#include "kongdb/core/error.h"
#include "kongdb/core/json.h"
#include "kongdb/schema/registry.h"
#include "kongdb/schema/schema_json.h"
#include "kongdb/schema/validation.h"

namespace kongdb::cli {
namespace {

int fail(std::ostream& out, const Error& e) {
  out << json::encode_pretty(e.to_value()) << "\n";
  return 1;
}

int fail_message(std::ostream& out, const std::string& message) {
  out << json::encode_pretty(Value::object({{"message", message}})) << "\n";
  return 1;
}

}  // namespace

std::string_view version_string() { return "kongdb 0.1.0 (Kong 3.9 datastore compatible)"; }

int run_version(std::ostream& out) {
  out << version_string() << "\n";
  return 0;
}

int run_validate(const std::string& entity, const std::string& json_body, std::ostream& out) {
  static const schema::EntityRegistry registry = schema::EntityRegistry::with_core_entities();
  const schema::Schema* s = registry.get(entity);
  if (!s) return fail_message(out, "No entity named '" + entity + "'");
  auto input = json::parse(json_body);
  if (!input) return fail_message(out, "Cannot parse JSON body: " + input.error());
  auto result = schema::prepare_insert(*s, std::move(*input));
  if (!result) return fail(out, result.error());
  out << json::encode_pretty(*result) << "\n";
  return 0;
}

int run_schema(const std::string& entity, const std::string& plugin, std::ostream& out) {
  static const schema::EntityRegistry registry = schema::EntityRegistry::with_core_entities();
  const schema::Schema* s = registry.get(entity);
  if (!s) return fail_message(out, "No entity named '" + entity + "'");
  if (!plugin.empty()) {
    auto it = s->subschemas.find(plugin);
    if (it == s->subschemas.end()) return fail_message(out, "No plugin named '" + plugin + "'");
    s = it->second.get();
  }
  out << json::encode_pretty(schema::schema_to_value(*s)) << "\n";
  return 0;
}

}  // namespace kongdb::cli
