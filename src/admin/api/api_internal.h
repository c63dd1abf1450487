// Internals of the Admin API handler shared by its source files: the route table, the per-request
// call context and the helpers every endpoint uses to answer in Kong's shapes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/admin/api.h"
#include "kongdb/admin/http.h"
#include "kongdb/core/error.h"
#include "kongdb/core/value.h"
#include "kongdb/dao/db.h"
#include "kongdb/schema/schema.h"

namespace kongdb::admin::api {

/// Which plugin names have at least one plugin row, shared by every handler of one factory, so
/// GET / answers `enabled_in_cluster` without scanning the plugins table (Kong/kong#9117).
/// Each known name is probed once ("is there any row with this name?", a LIMIT 1 query); CRUD
/// events then keep the set current: a create marks its name present, a delete (or a rename)
/// marks it for one re-probe on the next read.
class PluginNamesInUse {
 public:
  using Probe = std::function<Result<bool>(const std::string& name)>;
  /// Probes `names` once (under the lock) when nothing was loaded yet.
  Result<void> ensure_loaded(const std::vector<std::string>& names, const Probe& probe);
  void on_event(const dao::CrudEvent& event);
  /// Names in use, sorted; names marked by deletes are re-probed first.
  Result<std::vector<std::string>> enabled(const Probe& probe);

 private:
  std::mutex mutex_;
  bool loaded_ = false;
  std::map<std::string, bool> present_;
  std::vector<std::string> recheck_;
};

/// "Is any plugin row named so?" over one handler's DB.
PluginNamesInUse::Probe plugin_name_probe(dao::DB& db);

/// What all handlers of one factory share.
struct Shared {
  Config config;
  ApiOptions options;
  DbOpener open_db;
  PluginNamesInUse plugins_in_use;
};

/// One request being handled: the matched route's parameters and the decoded arguments.
struct Call {
  const Request& request;
  std::string path;                 ///< percent-decoded path, without the query
  std::string query;                ///< the raw query string
  std::vector<std::string> params;  ///< the route's :parameters, percent-decoded, in order
  Value uri_args = Value::object();
  Value post_args = Value::object();
  /// The body was form-urlencoded or multipart: its strings are coerced by the schema.
  bool form_body = false;
};

class Api;
using Endpoint = std::function<Response(Api&, Call&)>;

struct Route {
  std::string pattern;                ///< "/services/:services/routes"
  std::vector<std::string> segments;  ///< ":services" marks a parameter
  const schema::Schema* schema = nullptr;  ///< the entity the route reads and writes, if any
  std::map<std::string, Endpoint> methods;
  /// GET answers a page although the path ends with a parameter (GET /tags/:tags).
  bool get_answers_page = false;
  /// The documented body of a GET answered with something other than the entity or a page of
  /// it (an OpenAPI schema; GET /upstreams/{u}/health).
  std::optional<Value> get_response_schema;
  /// Methods answered only with Kong's refusal (the read-only tags index): not documented.
  std::set<std::string> always_refused;
};

/// One handler: a DB of its own plus the route table built from that DB's registry.
class Api {
 public:
  Api(std::shared_ptr<Shared> shared, std::unique_ptr<dao::DB> db);
  Response handle(const Request& request);

  dao::DB& db() { return *db_; }
  const schema::EntityRegistry& registry() const { return db_->registry(); }
  Shared& shared() { return *shared_; }
  const Shared& shared() const { return *shared_; }
  const std::vector<Route>& routes() const { return routes_; }
  void log(const std::string& line) const;
  /// The route for `pattern`, created on first use (later definitions add or replace methods,
  /// as Kong's custom routes override generated ones).
  Route& route(const std::string& pattern, const schema::Schema* schema);
  /// Drops a generated route Kong deactivates (e.g. /targets).
  void remove_route(const std::string& pattern);

 private:
  void add_entity_routes(const schema::Schema& schema);
  const Route* match(const std::vector<std::string>& segments, std::vector<std::string>& params) const;

  std::shared_ptr<Shared> shared_;
  std::unique_ptr<dao::DB> db_;
  std::vector<Route> routes_;
};

// --- responses (responses.cc) ---
Response json_response(int status, const Value& body);
Response message_response(int status, std::string_view message);
Response not_found();
Response method_not_allowed();
Response no_content();
/// Kong's handle_error: the error object without `strategy`, its HTTP status; a database
/// error is logged and answered 500 "An unexpected error occurred".
Response error_response(Api& api, const Error& error);
/// ngx.escape_uri: everything but unreserved characters percent-encoded.
std::string escape_uri(std::string_view s);

// --- arguments (arguments.cc) ---
/// Kong's arguments.infer_value: a form/query string coerced by the field's type.
Value infer_value(const Value& value, const schema::Field& field);
/// Kong's arguments.infer over an argument object, with the schema's subschema when it has one.
void infer_arguments(Value& args, const schema::Schema& schema);
/// Decodes the query string and the body into `call`; a response when the request is refused
/// (malformed JSON 400, unsupported media type 415).
std::optional<Response> read_arguments(Call& call);

// --- entity endpoints (entity_endpoints.cc) ---
void add_collection_endpoints(Route& route, const schema::Schema& schema,
                              const schema::Schema* parent, const std::string& fk_field);
void add_entity_endpoints(Route& route, const schema::Schema& schema,
                          const schema::Schema* parent, const std::string& fk_field,
                          bool parent_accessor);
/// Kong's extract_options for a context ("page", "select", "insert", "update", "upsert"),
/// moving `ttl`/`tags` out of `args`.
Result<Value> extract_options(Value& args, const schema::Schema& schema, std::string_view context);
/// Select by UUID, else by the endpoint key (Kong's select_entity).
Result<std::optional<Value>> select_by_key(dao::DAO& dao, const std::string& key,
                                           const Value& options);
/// Kong's collection reply {data, next, offset}.
Response page_response(Api& api, const Result<dao::Page>& page, const std::string& next_prefix,
                       const std::string& next_suffix);
/// `size` from the arguments: absent, or a number (else INVALID_SIZE "size must be a number").
Result<std::optional<int64_t>> page_size(const Value& args);

// --- information endpoints (info_endpoints.cc) ---
void add_info_routes(Api& api);
/// Hand-written entity routes: /consumers?custom_id, /plugins/*, certificates by SNI, targets.
void add_special_entity_routes(Api& api);
/// The OpenAPI 3 document for this route table (openapi.cc).
Value openapi_document(const Api& api);

}  // namespace kongdb::admin::api
