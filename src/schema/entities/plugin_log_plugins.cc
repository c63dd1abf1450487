// The log plugins: http-log, file-log, tcp-log, udp-log, syslog and loggly; behaviour from
// Kong's kong/plugins/{http,file,tcp,udp}-log/schema.lua, syslog/schema.lua and loggly/schema.lua.
// They share typedefs.queue (http-log) and typedefs.lua_code (custom_fields_by_lua).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {
namespace {

Field send_timeout() {
  return Field::number().def(10000).description("Milliseconds to wait when sending a log entry.");
}

Field keepalive() {
  return Field::number().def(60000).description("Milliseconds an idle connection is kept open.");
}

// A URL whose authority carries "user:password@".
bool has_userinfo(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start).find('@') !=
         std::string::npos;
}

// Credentials go either in the endpoint's userinfo or in an Authorization header, not both.
bool one_source_of_credentials(const Value& config, std::string& err) {
  const Value* endpoint = config.find("http_endpoint");
  const Value* headers = config.find("headers");
  if (!endpoint || !endpoint->is_string() || !has_userinfo(endpoint->as_string())) return true;
  if (!headers || !headers->is_object()) return true;
  for (const auto& [name, value] : headers->as_object()) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "authorization") {
      err = "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed";
      return false;
    }
  }
  return true;
}

Field http_log_header_name() {
  return typedefs::header_name().match_none({
      {"^[Hh][Oo][Ss][Tt]$", "cannot contain 'Host' header"},
      {"^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]%-[Ll][Ee][nn][Gg][Tt][Hh]$", "cannot contain 'Content-Length' header"},
      {"^[Cc][Oo][Nn][Tt][Ee][Nn][Tt]%-[Tt][Yy][Pp][Ee]$", "cannot contain 'Content-Type' header"},
  });
}

Field syslog_severity() {
  return Field::string().def("info").required().one_of(
      {"debug", "info", "notice", "warning", "err", "crit", "alert", "emerg"});
}

}  // namespace

Schema http_log_plugin() {
  Schema s;
  s.name = "http-log";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"http_endpoint", typedefs::url().required().encrypted().referenceable()},
           {"method", Field::string().def("POST").one_of({"POST", "PUT", "PATCH"})},
           {"content_type", Field::string().def("application/json").one_of(
                                {"application/json", "application/json; charset=utf-8"})},
           {"timeout", send_timeout()},
           {"keepalive", keepalive()},
           // Deprecated since 3.3 in favour of config.queue; accepted and ignored.
           {"retry_count", Field::integer()},
           {"queue_size", Field::integer()},
           {"flush_timeout", Field::number()},
           {"headers", Field::map(http_log_header_name(), Field::string().referenceable())},
           {"queue", typedefs::queue()},
           {"custom_fields_by_lua", typedefs::lua_code()},
       }).custom_validator(one_source_of_credentials)},
  };
  return s;
}

Schema file_log_plugin() {
  Schema s;
  s.name = "file-log";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"path", Field::string().required().match(R"(^[^*&%%\`]+$)").err("not a valid filename")},
           {"reopen", Field::boolean().required().def(false)},
           {"custom_fields_by_lua", typedefs::lua_code()},
       })},
  };
  return s;
}

Schema tcp_log_plugin() {
  Schema s;
  s.name = "tcp-log";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"host", typedefs::host().required()},
           {"port", typedefs::port().required()},
           {"timeout", send_timeout()},
           {"keepalive", keepalive()},
           {"tls", Field::boolean().required().def(false)},
           {"tls_sni", Field::string()},
           {"custom_fields_by_lua", typedefs::lua_code()},
       })},
  };
  return s;
}

Schema udp_log_plugin() {
  Schema s;
  s.name = "udp-log";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"host", typedefs::host().required()},
           {"port", typedefs::port().required()},
           {"timeout", send_timeout()},
           {"custom_fields_by_lua", typedefs::lua_code()},
       })},
  };
  return s;
}

Schema syslog_plugin() {
  Schema s;
  s.name = "syslog";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"log_level", syslog_severity()},
           {"successful_severity", syslog_severity()},
           {"client_errors_severity", syslog_severity()},
           {"server_errors_severity", syslog_severity()},
           {"custom_fields_by_lua", typedefs::lua_code()},
           {"facility", Field::string().def("user").required().one_of(
                            {"auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
                             "news", "syslog", "user", "uucp", "local0", "local1", "local2",
                             "local3", "local4", "local5", "local6", "local7"})},
       })},
  };
  return s;
}

Schema loggly_plugin() {
  auto severity = [] {
    return Field::string().def("info").one_of({"debug", "info", "notice", "warning", "err", "crit", "alert", "emerg"});
  };
  Schema s;
  s.name = "loggly";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"host", typedefs::host().def("logs-01.loggly.com")},
           {"port", typedefs::port().def(514)},
           {"key", Field::string().required().encrypted().referenceable()},
           {"tags", Field::set(Field::string()).def(Value::array({"kong"}))},
           {"log_level", severity()},
           {"successful_severity", severity()},
           {"client_errors_severity", severity()},
           {"server_errors_severity", severity()},
           {"timeout", send_timeout()},
           {"custom_fields_by_lua", typedefs::lua_code()},
       })},
  };
  return s;
}

// Priorities: Kong's handler.lua PRIORITY.
const BundledPlugin http_log_descriptor = {"http-log", 12, &http_log_plugin, {}};
const BundledPlugin file_log_descriptor = {"file-log", 9, &file_log_plugin, {}};
const BundledPlugin tcp_log_descriptor = {"tcp-log", 7, &tcp_log_plugin, {}};
const BundledPlugin udp_log_descriptor = {"udp-log", 8, &udp_log_plugin, {}};
const BundledPlugin syslog_descriptor = {"syslog", 4, &syslog_plugin, {}};
const BundledPlugin loggly_descriptor = {"loggly", 6, &loggly_plugin, {}};

}  // namespace kongdb::schema::entities
