// The Admin API's HTTP/1.1 transport: listeners, keep-alive and pipelining, limits, timeouts,
// TLS, the admin token, access logging and graceful shutdown. Request handling is delegated
// to Handlers from a HandlerFactory (include/kongdb/admin/http.h), one per worker thread.
//
//   auto listeners = admin::parse_listen("127.0.0.1:8001, 127.0.0.1:8444 ssl");
//   admin::ServerOptions opts{.listeners = *listeners, .workers = 2};
//   auto server = admin::Server::start(opts, factory);   // binds, or a clear error
//   (*server)->wait();                                   // until stop() (e.g. on SIGTERM)
//
// Event-driven: each worker thread runs its own event loop and owns the connections handed to
// it; a handler is only ever called on its worker's thread. Beast/Asio stay in src/admin/http.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/admin/http.h"
#include "kongdb/core/value.h"

namespace kongdb::admin {

/// One `admin_listen` entry: `127.0.0.1:8001`, `[::1]:8444 ssl`, `0.0.0.0:8001 backlog=1024`.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  bool ssl = false;
  int backlog = 511;

  /// "127.0.0.1:8001" ("[::1]:8001" for IPv6 literals).
  std::string to_string() const;
};

/// Parses Kong's `admin_listen` syntax: comma-separated `host:port [flags]`; `off` means none.
/// Flags: ssl, backlog=N; Kong's http2, reuseport, deferred, bind, ipv6only=, so_keepalive= are
/// accepted and have no effect (HTTP/1.1 only). Anything else is an error naming the entry.
tl::expected<std::vector<ListenAddress>, std::string> parse_listen(std::string_view value);

/// nginx time syntax ("60s", "500ms", "1m", "2h", bare number = seconds) -> milliseconds.
tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view value);
/// nginx size syntax ("10m", "512k", "1g", bare number = bytes); "0" means unlimited.
tl::expected<size_t, std::string> parse_size(std::string_view value);

struct ServerOptions {
  std::vector<ListenAddress> listeners;
  /// Worker threads, each with its own event loop and Handler; 0 = hardware concurrency.
  size_t workers = 0;
  /// Kong's nginx_admin_client_max_body_size default: bigger bodies get 413.
  size_t max_body_bytes = 10 * 1024 * 1024;
  /// Request line plus headers; beyond it 431 (nginx: large_client_header_buffers 4 8k).
  size_t max_header_bytes = 32 * 1024;
  /// Header fields per request; beyond it 431.
  size_t max_header_count = 100;
  /// Longest request target; beyond it 414 (nginx's 8k header buffer).
  size_t max_target_bytes = 8 * 1024;
  /// Whole request header must arrive within this (nginx client_header_timeout): slow clients
  /// are dropped without a response, as nginx does.
  std::chrono::milliseconds header_timeout{60000};
  /// Whole request body must arrive within this (nginx client_body_timeout).
  std::chrono::milliseconds body_timeout{60000};
  /// Idle keep-alive connections are closed after this (nginx keepalive_timeout).
  std::chrono::milliseconds keepalive_timeout{60000};
  /// A response must be written within this (nginx send_timeout).
  std::chrono::milliseconds send_timeout{60000};
  /// In-flight requests get this long to finish on stop(); then connections are cut.
  std::chrono::milliseconds drain_timeout{10000};
  /// PEM files for `ssl` listeners (admin_ssl_cert, admin_ssl_cert_key).
  std::string ssl_cert_path;
  std::string ssl_key_path;
  /// When non-empty, every request must carry `Kong-Admin-Token: <token>` (else 401).
  std::string admin_token;
  /// Kong's CORS on the Admin API (api_helpers.cors_filter), so a GUI on another origin can
  /// call it: every response gets Access-Control-Allow-Origin (the request's Origin, else "*")
  /// and Access-Control-Allow-Credentials; a preflight (OPTIONS) gets the headers it asks for
  /// allowed, and is exempt from the admin token (browsers send no custom header on it).
  bool cors = false;
  /// Kong's admin_gui_origin (the origins of admin_gui_url): an Origin not among them is
  /// answered with the first one. Empty: any origin is echoed.
  std::vector<std::string> cors_origins;
  /// Access log: "off", "stdout", "stderr" or a file path (appended), one line per request in
  /// nginx's combined format.
  std::string access_log = "off";
  /// `Server` header value, added when the handler did not set one.
  std::string server_header = "kongdb";
};

/// Connection and request counters, as nginx's stub_status names them (GET /status "server").
struct ServerCounters {
  int64_t connections_accepted = 0;
  int64_t connections_handled = 0;
  int64_t connections_active = 0;
  int64_t connections_reading = 0;
  int64_t connections_writing = 0;
  int64_t connections_waiting = 0;
  int64_t total_requests = 0;

  /// {"connections_accepted":...,"connections_active":...,...,"total_requests":...}
  Value to_value() const;
};

class Server {
 public:
  /// Binds every listener (an unbindable one fails the whole start with a message naming the
  /// address), loads TLS material, opens the access log and starts the workers. The factory is
  /// called once per worker, on that worker's thread.
  static tl::expected<std::unique_ptr<Server>, std::string> start(ServerOptions options,
                                                                  HandlerFactory factory);
  ~Server();  ///< stop() + wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound addresses, with real ports when port 0 was asked for.
  std::vector<ListenAddress> bound() const;
  ServerCounters counters() const;
  /// A thread-safe provider for ApiOptions::server_status (valid while the Server lives).
  std::function<Value()> status_provider() const;

  /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish
  /// (bounded by drain_timeout). Returns at once; safe from any thread, repeatable.
  void stop();
  /// Blocks until every worker has exited.
  void wait();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ProbeResponse {
  int status = 0;
  std::string body;
};

/// One GET to a running server (for `kongdb health`): plain or TLS as `address.ssl` says; the
/// certificate is not verified (this is a local liveness check, often against a self-signed
/// cert). A wildcard host (0.0.0.0, ::) is probed on loopback. Errors are messages.
tl::expected<ProbeResponse, std::string> probe(const ListenAddress& address, std::string_view target,
                                               std::string_view admin_token,
                                               std::chrono::milliseconds timeout);

/// Constant-time comparison of a presented token with the configured one.
bool tokens_equal(std::string_view presented, std::string_view expected);

}  // namespace kongdb::admin
