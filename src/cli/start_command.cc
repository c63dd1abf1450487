#include "cli/start_command.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "kongdb/admin/api.h"
#include "kongdb/admin/gui.h"
#include "kongdb/app/admin.h"
#include "kongdb/app/open.h"
#include "kongdb/admin/server.h"
#include "kongdb/core/json.h"

namespace kongdb::cli {
namespace {

/// The transport settings from Kong's names (admin_*, nginx_admin_*, nginx_worker_processes).
tl::expected<admin::ServerOptions, std::string> server_options(const Config& config) {
  admin::ServerOptions o;
  auto listeners = admin::parse_listen(config.admin_listen);
  if (!listeners) return tl::unexpected(listeners.error());
  if (listeners->empty()) return tl::unexpected(std::string("admin_listen is off: nothing to serve"));
  o.listeners = std::move(*listeners);
  o.ssl_cert_path = config.get("admin_ssl_cert").value_or("");
  o.ssl_key_path = config.get("admin_ssl_cert_key").value_or("");
  if (o.ssl_cert_path == "NONE") o.ssl_cert_path.clear();
  if (o.ssl_key_path == "NONE") o.ssl_key_path.clear();
  o.admin_token = config.get("admin_token").value_or("");
  o.cors = true;  // as Kong: the GUI on admin_gui_listen is another origin
  o.cors_origins = admin::gui_origins(config.get("admin_gui_url").value_or(""));
  o.access_log = config.get("admin_access_log").value_or("stdout");
  o.server_header = std::string("kong/") + admin::kKongCompatibleVersion;

  if (auto w = config.get("nginx_worker_processes"); w && *w != "auto" && !w->empty()) {
    auto n = admin::parse_size(*w);
    if (!n || *n == 0 || *n > 256)
      return tl::unexpected("nginx_worker_processes must be 'auto' or 1..256, got '" + *w + "'");
    o.workers = *n;
  }
  if (auto v = config.get("nginx_admin_client_max_body_size")) {
    auto size = admin::parse_size(*v);
    if (!size) return tl::unexpected("nginx_admin_client_max_body_size: " + size.error());
    o.max_body_bytes = *size;
  }
  struct TimeoutKey {
    const char* key;
    std::chrono::milliseconds* target;
  };
  for (TimeoutKey t : {TimeoutKey{"nginx_admin_client_header_timeout", &o.header_timeout},
                       TimeoutKey{"nginx_admin_client_body_timeout", &o.body_timeout},
                       TimeoutKey{"nginx_admin_keepalive_timeout", &o.keepalive_timeout},
                       TimeoutKey{"nginx_admin_send_timeout", &o.send_timeout}}) {
    if (auto v = config.get(t.key)) {
      auto d = admin::parse_duration(*v);
      if (!d || d->count() == 0) return tl::unexpected(std::string(t.key) + ": invalid duration '" + *v + "'");
      *t.target = *d;
    }
  }
  return o;
}

std::string describe(const admin::ListenAddress& l) {
  return (l.ssl ? "https://" : "http://") + l.to_string();
}

/// The Admin GUI (Kong's admin_gui_listen, default 127.0.0.1:8002, `off` disables) on a small
/// server of its own. Without built GUI files it is skipped with a note: the Admin API alone
/// still runs. nullptr when not served; an error for a bad setting or an unbindable listener.
tl::expected<std::unique_ptr<admin::Server>, std::string> start_gui(const Config& config,
                                                                    const admin::ServerOptions& api,
                                                                    const admin::ListenAddress& first_api_listener,
                                                                    std::ostream& err) {
  auto listeners = admin::parse_listen(config.get("admin_gui_listen").value_or("127.0.0.1:8002"));
  if (!listeners) return tl::unexpected("admin_gui_listen: " + listeners.error());
  if (listeners->empty()) return nullptr;
  admin::GuiSite gui;
  gui.root = config.get("admin_gui_root").value_or(admin::default_gui_root());
  gui.admin_api_url = config.get("admin_gui_api_url").value_or(admin::default_gui_api_url(first_api_listener));
  auto site = admin::make_gui_site(gui);
  if (!site) {
    err << "kongdb: Admin GUI not served: " << site.error() << " (bash scripts/main.sh builds it)"
        << std::endl;
    return nullptr;
  }
  admin::ServerOptions o;
  o.listeners = std::move(*listeners);
  o.workers = 1;
  o.ssl_cert_path = config.get("admin_gui_ssl_cert").value_or(api.ssl_cert_path);
  o.ssl_key_path = config.get("admin_gui_ssl_cert_key").value_or(api.ssl_key_path);
  o.access_log = config.get("admin_gui_access_log").value_or(api.access_log);
  o.server_header = api.server_header;
  auto server = admin::Server::start(std::move(o), std::move(*site));
  if (!server) return tl::unexpected("admin_gui_listen: " + server.error());
  return std::move(*server);
}

}  // namespace

int run_start(const Config& config, std::ostream& err) {
  auto options = server_options(config);
  if (!options) {
    err << "Error: " << options.error() << "\n";
    return 1;
  }
  // Open once up front: bad settings and a missing bootstrap fail here, before binding, and a
  // new SQLite file is bootstrapped by one thread rather than raced by every worker.
  {
    auto db = app::open_db(config, err);
    if (!db) {
      err << "Error: " << db.error() << "\n";
      return 1;
    }
  }

  // SIGINT/SIGTERM are taken by sigwait below; blocked before any thread starts so workers
  // inherit the mask and never receive them.
  // A closed stdout (access log piped to a pager that quit) must not kill the server.
  signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server_ref = std::make_shared<std::atomic<admin::Server*>>(nullptr);
  admin::ApiOptions api_options;
  api_options.server_status = [server_ref]() -> Value {
    admin::Server* server = server_ref->load();
    return server ? server->counters().to_value() : admin::ServerCounters{}.to_value();
  };
  auto log_mutex = std::make_shared<std::mutex>();
  api_options.log = [log_mutex](const std::string& line) {
    std::lock_guard lock(*log_mutex);
    std::cerr << line << std::endl;
  };
  admin::HandlerFactory factory = app::admin_api(config, std::move(api_options));

  auto server = admin::Server::start(*options, std::move(factory));
  if (!server) {
    err << "Error: " << server.error() << "\n";
    return 1;
  }
  server_ref->store(server->get());

  std::string listening;
  for (const auto& l : (*server)->bound()) listening += (listening.empty() ? "" : ", ") + describe(l);
  size_t workers = options->workers ? options->workers : std::max(1u, std::thread::hardware_concurrency());
  err << version_string() << ": Admin API listening on " << listening << " (" << workers
      << " workers; database " << config.database
      << (config.database == "sqlite" ? " '" + config.sqlite_path + "'" : std::string())
      << "; access log " << options->access_log << (options->admin_token.empty() ? "" : "; admin token required")
      << ")" << std::endl;

  auto gui = start_gui(config, *options, (*server)->bound().front(), err);
  if (!gui) {
    err << "Error: " << gui.error() << "\n";
    return 1;
  }
  if (*gui) err << "kongdb: Admin GUI at " << describe((*gui)->bound().front()) << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  err << "kongdb: received " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
      << ", finishing in-flight requests" << std::endl;
  server_ref->store(nullptr);
  if (*gui) (*gui)->stop();
  (*server)->stop();
  if (*gui) (*gui)->wait();
  (*server)->wait();
  err << "kongdb: stopped" << std::endl;
  return 0;
}

int run_health(const Config& config, std::ostream& out, std::ostream& err) {
  auto listeners = admin::parse_listen(config.admin_listen);
  if (!listeners) {
    err << "Error: " << listeners.error() << "\n";
    return 1;
  }
  if (listeners->empty()) {
    err << "Error: admin_listen is off: nothing to check\n";
    return 1;
  }
  const admin::ListenAddress& address = listeners->front();
  std::string where = describe(address);
  auto response = admin::probe(address, "/status", config.get("admin_token").value_or(""),
                               std::chrono::seconds(5));
  if (!response) {
    err << "Error: kongdb is not running at " << where << " (" << response.error() << ")\n";
    return 1;
  }
  if (response->status != 200) {
    err << "Error: kongdb at " << where << " answered GET /status with " << response->status
        << ": " << response->body << "\n";
    return 1;
  }
  auto status = json::parse(response->body);
  const Value* reachable = status ? status->find("database") : nullptr;
  reachable = reachable ? reachable->find("reachable") : nullptr;
  if (reachable && reachable->is_boolean() && !reachable->as_boolean()) {
    err << "Error: kongdb at " << where << " is running but its database is unreachable\n";
    return 1;
  }
  out << "kongdb is healthy at " << where << "\n";
  return 0;
}

}  // namespace kongdb::cli
