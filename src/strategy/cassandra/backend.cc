// `database = cassandra`: Kong's cassandra_* settings with Kong 2.8's defaults. A cluster is
// never bootstrapped implicitly: `kongdb migrations bootstrap` creates the keyspace and tables,
// as `kong migrations bootstrap` does.
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "kongdb/strategy/backends.h"
#include "kongdb/strategy/cassandra.h"

namespace kongdb::strategy {
namespace {

bool truthy(const std::string& v) { return v == "on" || v == "true" || v == "1" || v == "yes"; }

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text + ",") {
    if (ch == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (!std::isspace(static_cast<unsigned char>(ch))) {
      cur += ch;
    }
  }
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

tl::expected<CassandraOptions, std::string> cassandra_options(const Settings& settings) {
  CassandraOptions o;
  auto set = [&](const char* key) -> std::optional<std::string> {
    auto v = settings.get(key);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  if (auto v = set("cassandra_contact_points")) o.contact_points = split_list(*v);
  if (o.contact_points.empty()) return tl::unexpected(std::string("cassandra_contact_points must not be empty"));
  if (auto v = set("cassandra_keyspace")) o.keyspace = *v;
  o.username = set("cassandra_username").value_or("kong");
  if (auto v = set("cassandra_password")) o.password = *v;
  if (auto v = set("cassandra_ssl")) o.ssl = truthy(*v);
  if (auto v = set("cassandra_ssl_verify")) o.ssl_verify = truthy(*v);
  // Kong 2.x: cassandra_consistency (deprecated) sets both; the specific settings win.
  const std::string both = upper(set("cassandra_consistency").value_or("ONE"));
  o.read_consistency = upper(set("cassandra_read_consistency").value_or(both));
  o.write_consistency = upper(set("cassandra_write_consistency").value_or(both));
  if (auto v = set("cassandra_repl_strategy")) o.repl_strategy = *v;
  if (o.repl_strategy != "SimpleStrategy" && o.repl_strategy != "NetworkTopologyStrategy") {
    return tl::unexpected("cassandra_repl_strategy has an invalid value: '" + o.repl_strategy +
                          "' (SimpleStrategy, NetworkTopologyStrategy)");
  }
  if (auto v = set("cassandra_data_centers")) o.data_centers = *v;
  const std::string policy = set("cassandra_lb_policy").value_or("RequestRoundRobin");
  const bool dc_aware = policy == "DCAwareRoundRobin" || policy == "RequestDCAwareRoundRobin";
  if (!dc_aware && policy != "RoundRobin" && policy != "RequestRoundRobin") {
    return tl::unexpected("cassandra_lb_policy has an invalid value: '" + policy +
                          "' (RoundRobin, RequestRoundRobin, DCAwareRoundRobin, RequestDCAwareRoundRobin)");
  }
  if (dc_aware && !set("cassandra_local_datacenter")) {
    return tl::unexpected("must specify 'cassandra_local_datacenter' when " + policy + " policy is in use");
  }
  // As Kong: lightweight transactions stay in the local data centre under the DC-aware policies.
  o.serial_consistency = dc_aware ? "LOCAL_SERIAL" : "SERIAL";
  struct IntSetting {
    const char* key;
    int* target;
  };
  for (IntSetting s : {IntSetting{"cassandra_port", &o.port}, {"cassandra_timeout", &o.timeout_ms},
                       {"cassandra_schema_consensus_timeout", &o.schema_consensus_timeout_ms},
                       {"cassandra_repl_factor", &o.repl_factor}}) {
    auto v = set(s.key);
    if (!v) continue;
    try {
      size_t used = 0;
      *s.target = std::stoi(*v, &used);
      if (used != v->size()) throw std::invalid_argument(*v);
    } catch (const std::exception&) {
      return tl::unexpected(std::string(s.key) + " is not a number: '" + *v + "'");
    }
  }
  return o;
}

tl::expected<OpenedConnector, std::string> open_cassandra_backend(const Settings& settings, const OpenOptions&) {
  auto options = cassandra_options(settings);
  if (!options) return tl::unexpected(options.error());
  OpenedConnector out;
  std::string nodes;
  for (const auto& p : options->contact_points) nodes += (nodes.empty() ? "" : ",") + p;
  out.label = "keyspace '" + options->keyspace + "' on " + nodes + ":" + std::to_string(options->port);
  auto conn = open_cassandra(*options);
  if (!conn) return tl::unexpected("cannot open " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
}

}  // namespace

Backend cassandra_backend() { return {"cassandra", &open_cassandra_backend}; }

}  // namespace kongdb::strategy
