// The Admin API HTTP/1.1 server on Boost.Beast/Asio. The only translation unit that includes
// Beast (it is expensive to compile).
//
// Threads: worker i runs io_context i and owns Handler i; the acceptors live on worker 0 and
// hand each new socket to the next worker round-robin. A connection never changes worker, so
// its handler calls all happen on one thread. Requests on a connection are read, handled and
// answered one at a time, so pipelined requests are answered in order.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "admin/http/support.h"
#include "kongdb/admin/server.h"

namespace kongdb::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;

namespace {

enum class ConnectionState { Waiting, Reading, Writing, Closed };

struct Counters {
  std::atomic<int64_t> accepted{0}, handled{0}, active{0}, reading{0}, writing{0}, waiting{0},
      requests{0};

  std::atomic<int64_t>* of(ConnectionState s) {
    switch (s) {
      case ConnectionState::Waiting: return &waiting;
      case ConnectionState::Reading: return &reading;
      case ConnectionState::Writing: return &writing;
      case ConnectionState::Closed: return nullptr;
    }
    return nullptr;
  }
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  /// Shutdown began: idle connections close now, busy ones after their current response.
  virtual void on_stop() = 0;
  /// The drain period ran out: cut the connection.
  virtual void force_close() = 0;
};

struct Worker {
  asio::io_context context{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  Handler handler;
  std::thread thread;
  std::unordered_set<SessionBase*> sessions;  // touched on this worker's thread only
  std::optional<asio::steady_timer> drain_timer;
};

/// "content-type" -> "Content-Type": handlers use lower-case names; clients see nginx's casing.
std::string canonical_name(std::string_view name) {
  std::string out(name);
  bool word_start = true;
  for (char& c : out) {
    if (word_start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    word_start = c == '-';
  }
  return out;
}

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

}  // namespace

class Server::Impl {
 public:
  ServerOptions options;
  HandlerFactory factory;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // on workers[0]
  std::vector<ListenAddress> bound;
  std::optional<ssl::context> tls;
  std::shared_ptr<http_support::AccessLog> access_log;
  Counters counters;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> next_worker{0};
  std::mutex join_mutex;
  bool joined = false;

  void accept(size_t listener_index);
  void stop_worker(Worker& worker);
  void session_closed(Worker& worker, SessionBase* session) {
    worker.sessions.erase(session);
    if (stopping && worker.sessions.empty() && worker.drain_timer) worker.drain_timer->cancel();
  }
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Worker& worker, Stream stream, std::string remote)
      : server_(server), worker_(worker), stream_(std::move(stream)), remote_(std::move(remote)) {}

  ~Session() override {
    set_state(ConnectionState::Closed);
    server_.counters.active--;
    server_.session_closed(worker_, this);
  }

  void start() {
    worker_.sessions.insert(this);
    if constexpr (kIsTls<Stream>) {
      set_state(ConnectionState::Reading);
      lowest().expires_after(server_.options.header_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return self->close_now();
                                self->wait_for_request();
                              });
    } else {
      wait_for_request();
    }
  }

  void on_stop() override {
    if (state_ == ConnectionState::Waiting) close_now();
  }
  void force_close() override { close_now(); }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void set_state(ConnectionState next) {
    if (next == state_) return;
    if (auto* c = server_.counters.of(state_)) (*c)--;
    if (auto* c = server_.counters.of(next)) (*c)++;
    state_ = next;
  }

  void wait_for_request() {
    if (server_.stopping) return close_now();
    if (buffer_.size() > 0) return read_header();  // pipelined bytes already here
    set_state(ConnectionState::Waiting);
    lowest().expires_after(server_.options.keepalive_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](error_code ec, size_t n) {
                              if (ec) return self->close_now();  // idle timeout or client gone
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    set_state(ConnectionState::Reading);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    if (server_.options.max_body_bytes == 0) {
      parser_->body_limit(boost::none);
    } else {
      parser_->body_limit(server_.options.max_body_bytes);
    }
    lowest().expires_after(server_.options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](error_code ec, size_t) {
                              self->on_header(ec);
                            });
  }

  /// Maps a read failure to the status to answer with, or 0 to just close.
  static int status_for(error_code ec) {
    // Timeouts close the socket (as nginx drops a slow client with no response).
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec.category() == asio::error::get_ssl_category() ||
        ec == ssl::error::stream_truncated)
      return 0;
    if (ec == http::error::header_limit) return 431;
    if (ec == http::error::body_limit) return 413;
    return 400;
  }

  void on_header(error_code ec) {
    if (ec) return fail(status_for(ec));
    const auto& header = parser_->get();
    size_t fields = 0;
    for (auto it = header.begin(); it != header.end(); ++it) ++fields;
    if (fields > server_.options.max_header_count) return fail(431);
    if (header.target().size() > server_.options.max_target_bytes) return fail(414);
    if (header.version() != 10 && header.version() != 11) return fail(400);
    if (auto length = parser_->content_length();
        length && server_.options.max_body_bytes != 0 && *length > server_.options.max_body_bytes)
      return fail(413);
    if (parser_->is_done()) return handle();

    set_state(ConnectionState::Writing);
    lowest().expires_after(server_.options.body_timeout);
    auto read_body = [self = this->shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](error_code ec, size_t) {
                         if (ec) return self->fail(status_for(ec));
                         self->handle();
                       });
    };
    auto expect = header[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this(), read_body](error_code ec, size_t) {
                          if (ec) return self->close_now();
                          read_body();
                        });
    } else {
      read_body();
    }
  }

  void handle() {
    set_state(ConnectionState::Writing);
    server_.counters.requests++;
    auto& message = parser_->get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      request.headers.push_back(Header{std::move(name), std::string(field.value())});
    }
    request.body = std::move(message.body());
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    const bool head = request.method == "HEAD";

    auto started = std::chrono::steady_clock::now();
    Response response;
    const bool preflight = server_.options.cors && request.method == "OPTIONS";
    if (!server_.options.admin_token.empty() && !preflight &&
        !tokens_equal(request.header("kong-admin-token"), server_.options.admin_token)) {
      response.status = 401;
      response.headers.push_back({"content-type", "application/json; charset=utf-8"});
      response.body = http_support::unauthorized_body();
    } else {
      try {
        response = worker_.handler ? worker_.handler(request) : error_response(500);
      } catch (...) {
        // Handlers return errors as values; this only keeps a bug from killing the worker.
        response = error_response(500);
      }
    }
    if (server_.options.cors)
      http_support::add_cors_headers(request, server_.options.cors_origins, response);
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    log_.method = std::move(request.method);
    log_.target = std::move(request.target);
    log_.referer = std::string(request.header("referer"));
    log_.user_agent = std::string(request.header("user-agent"));
    log_.version = version;
    write(std::move(response), version, keep_alive && !server_.stopping, head, latency);
  }

  static Response error_response(int status) {
    Response r;
    r.status = status;
    r.headers.push_back({"content-type", "application/json; charset=utf-8"});
    r.body = http_support::error_body(status);
    return r;
  }

  /// A request that cannot be read: answer `status` (0: none) and close.
  void fail(int status) {
    if (status == 0) return close_now();
    linger_ = true;
    set_state(ConnectionState::Writing);
    if (parser_ && parser_->is_header_done()) {
      log_.method = std::string(parser_->get().method_string());
      log_.target = std::string(parser_->get().target());
    } else {
      log_.method = "-";
      log_.target = "-";
    }
    log_.version = 11;
    server_.counters.requests++;
    write(error_response(status), 11, false, false, std::chrono::milliseconds(0));
  }

  void write(Response response, unsigned version, bool keep_alive, bool head,
             std::chrono::milliseconds latency) {
    auto& res = response_.emplace();
    res.version(version);
    res.result(static_cast<unsigned>(response.status));
    bool has_server = false;
    bool has_date = false;
    for (auto& h : response.headers) {
      if (h.name == "content-length" || h.name == "transfer-encoding" || h.name == "connection")
        continue;  // framing belongs to the transport
      if (h.name == "server") has_server = true;
      if (h.name == "date") has_date = true;
      res.insert(canonical_name(h.name), h.value);
    }
    if (!has_server) res.set(http::field::server, server_.options.server_header);
    if (!has_date) res.set(http::field::date, http_support::http_date(std::chrono::system_clock::now()));
    res.set("X-Kong-Admin-Latency", std::to_string(latency.count()));
    const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
    log_.status = response.status;
    log_.body_bytes = bodiless || head ? 0 : response.body.size();
    if (!bodiless) {
      res.content_length(response.body.size());
      if (!head) res.body() = std::move(response.body);
    }
    res.keep_alive(keep_alive);
    keep_alive_ = keep_alive;
    lowest().expires_after(server_.options.send_timeout);
    http::async_write(stream_, res, [self = this->shared_from_this()](error_code ec, size_t) {
      self->on_written(ec);
    });
  }

  void on_written(error_code ec) {
    if (server_.access_log) {
      http_support::AccessEntry entry{remote_, log_.method, log_.target, log_.version,
                                      log_.status, log_.body_bytes, log_.referer, log_.user_agent};
      server_.access_log->write(http_support::combined_line(entry, std::chrono::system_clock::now()));
    }
    response_.reset();
    if (ec) return close_now();
    if (!keep_alive_) {
      // Linger only when the client may still be sending (an unread body, pipelined bytes):
      // closing then would reset the connection before it reads our answer.
      if (linger_ || buffer_.size() > 0) return linger_and_close();
      return close_now();
    }
    wait_for_request();
  }

  /// Like nginx's lingering close: stop sending, then read and discard what the client is
  /// still sending for a short while, so it receives our response instead of a reset.
  void linger_and_close() {
    error_code ignored;
    if constexpr (!kIsTls<Stream>) {
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    set_state(ConnectionState::Writing);
    lowest().expires_after(std::chrono::seconds(2));
    discard();
  }

  void discard() {
    lowest().async_read_some(asio::buffer(discard_buffer_),
                             [self = this->shared_from_this()](error_code ec, size_t) {
                               if (ec) return self->close_now();
                               self->discard();
                             });
  }

  void close_now() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  struct LogFields {
    std::string method, target, referer, user_agent;
    unsigned version = 11;
    int status = 0;
    size_t body_bytes = 0;
  };

  Server::Impl& server_;
  Worker& worker_;
  Stream stream_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  ConnectionState state_ = ConnectionState::Closed;
  bool keep_alive_ = false;
  bool closed_ = false;
  bool linger_ = false;
  LogFields log_;
  char discard_buffer_[4096];
};

}  // namespace

void Server::Impl::accept(size_t listener_index) {
  size_t target = next_worker++ % workers.size();
  Worker& worker = *workers[target];
  acceptors[listener_index]->async_accept(
      worker.context, [this, listener_index, &worker](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || stopping) return;
        if (ec) {
          // Out of descriptors or a transient error: retry shortly rather than spin.
          auto timer = std::make_shared<asio::steady_timer>(workers[0]->context,
                                                            std::chrono::milliseconds(50));
          timer->async_wait([this, listener_index, timer](error_code) {
            if (!stopping) accept(listener_index);
          });
          return;
        }
        counters.accepted++;
        counters.handled++;
        counters.active++;
        socket.set_option(tcp::no_delay(true), ec);
        error_code endpoint_ec;
        auto endpoint = socket.remote_endpoint(endpoint_ec);
        std::string remote = endpoint_ec ? "-" : endpoint.address().to_string();
        bool tls = bound[listener_index].ssl;
        asio::post(worker.context, [this, &worker, tls, remote = std::move(remote),
                                    socket = std::move(socket)]() mutable {
          if (tls) {
            std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                *this, worker,
                beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *this->tls),
                std::move(remote))
                ->start();
          } else {
            std::make_shared<Session<beast::tcp_stream>>(*this, worker,
                                                         beast::tcp_stream(std::move(socket)),
                                                         std::move(remote))
                ->start();
          }
        });
        accept(listener_index);
      });
}

void Server::Impl::stop_worker(Worker& worker) {
  // Copy: on_stop may close and destroy sessions, which erase themselves.
  std::vector<SessionBase*> sessions(worker.sessions.begin(), worker.sessions.end());
  for (SessionBase* s : sessions)
    if (worker.sessions.count(s)) s->on_stop();
  if (!worker.sessions.empty()) {
    worker.drain_timer.emplace(worker.context, options.drain_timeout);
    worker.drain_timer->async_wait([&worker](error_code ec) {
      if (ec) return;  // cancelled: every session finished in time
      std::vector<SessionBase*> left(worker.sessions.begin(), worker.sessions.end());
      for (SessionBase* s : left)
        if (worker.sessions.count(s)) s->force_close();
    });
  }
  worker.guard.reset();
}

tl::expected<std::unique_ptr<Server>, std::string> Server::start(ServerOptions options,
                                                                 HandlerFactory factory) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->factory = std::move(factory);
  ServerOptions& opts = impl->options;
  size_t worker_count = opts.workers ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < worker_count; ++i) impl->workers.push_back(std::make_unique<Worker>());

  auto log = http_support::AccessLog::open(opts.access_log);
  if (!log) return tl::unexpected(log.error());
  impl->access_log = *log;

  bool any_tls = false;
  for (const auto& l : opts.listeners) any_tls = any_tls || l.ssl;
  if (any_tls) {
    if (opts.ssl_cert_path.empty() || opts.ssl_key_path.empty())
      return tl::unexpected(std::string(
          "an ssl admin listener needs admin_ssl_cert and admin_ssl_cert_key"));
    impl->tls.emplace(ssl::context::tls_server);
    auto& ctx = *impl->tls;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code ec;
    ctx.use_certificate_chain_file(opts.ssl_cert_path, ec);
    if (ec)
      return tl::unexpected("cannot load admin_ssl_cert '" + opts.ssl_cert_path + "': " + ec.message());
    ctx.use_private_key_file(opts.ssl_key_path, ssl::context::pem, ec);
    if (ec)
      return tl::unexpected("cannot load admin_ssl_cert_key '" + opts.ssl_key_path + "': " +
                            ec.message());
  }

  asio::io_context& accept_context = impl->workers[0]->context;
  for (const auto& listen : opts.listeners) {
    auto fail = [&](const error_code& ec) {
      return tl::unexpected("could not bind admin listener " + listen.to_string() + ": " +
                            ec.message());
    };
    error_code ec;
    tcp::resolver resolver(accept_context);
    auto results = resolver.resolve(listen.host, std::to_string(listen.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) return fail(ec ? ec : asio::error::host_not_found);
    tcp::endpoint endpoint = results.begin()->endpoint();
    auto acceptor = std::make_unique<tcp::acceptor>(accept_context);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(listen.backlog, ec);
    if (ec) return fail(ec);
    ListenAddress actual = listen;
    actual.port = acceptor->local_endpoint(ec).port();
    impl->bound.push_back(actual);
    impl->acceptors.push_back(std::move(acceptor));
  }

  Impl* raw = impl.get();
  for (size_t i = 0; i < raw->acceptors.size(); ++i) raw->accept(i);
  for (auto& worker_ptr : raw->workers) {
    Worker* worker = worker_ptr.get();
    worker->guard.emplace(worker->context.get_executor());
    worker->thread = std::thread([raw, worker] {
      try {
        worker->handler = raw->factory();
      } catch (...) {
        worker->handler = nullptr;  // every request on this worker then gets a 500
      }
      worker->context.run();
      worker->handler = nullptr;  // release the worker's DB on its own thread
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
  wait();
}

std::vector<ListenAddress> Server::bound() const { return impl_->bound; }

ServerCounters Server::counters() const {
  const Counters& c = impl_->counters;
  ServerCounters out;
  out.connections_accepted = c.accepted;
  out.connections_handled = c.handled;
  out.connections_active = c.active;
  out.connections_reading = c.reading;
  out.connections_writing = c.writing;
  out.connections_waiting = c.waiting;
  out.total_requests = c.requests;
  return out;
}

std::function<Value()> Server::status_provider() const {
  return [this] { return counters().to_value(); };
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  Impl* impl = impl_.get();
  asio::post(impl->workers[0]->context, [impl] {
    error_code ignored;
    for (auto& acceptor : impl->acceptors) acceptor->close(ignored);
  });
  for (auto& worker : impl->workers) {
    Worker* w = worker.get();
    asio::post(w->context, [impl, w] { impl->stop_worker(*w); });
  }
}

void Server::wait() {
  std::lock_guard lock(impl_->join_mutex);
  if (impl_->joined) return;
  for (auto& worker : impl_->workers)
    if (worker->thread.joinable()) worker->thread.join();
  impl_->joined = true;
}

namespace {

/// connect -> [TLS handshake] -> write -> read, each step bounded by the stream's deadline.
/// Runs `context` to completion here: the handlers refer to this frame's locals.
template <class Stream>
void run_probe(asio::io_context& context, Stream& stream, const tcp::resolver::results_type& endpoints,
               http::request<http::empty_body>& request, beast::flat_buffer& buffer,
               http::response<http::string_body>& response, std::chrono::milliseconds timeout,
               std::string& error) {
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(timeout);
  auto read = [&] {
    http::async_read(stream, buffer, response, [&](error_code ec, size_t) {
      if (ec) error = "reading the response: " + ec.message();
    });
  };
  auto send = [&] {
    http::async_write(stream, request, [&, read](error_code ec, size_t) {
      if (ec) {
        error = "sending the request: " + ec.message();
        return;
      }
      read();
    });
  };
  lowest.async_connect(endpoints, [&, send](error_code ec, const tcp::endpoint&) {
    if (ec) {
      error = ec.message();
      return;
    }
    if constexpr (kIsTls<Stream>) {
      stream.async_handshake(ssl::stream_base::client, [&, send](error_code hec) {
        if (hec) {
          error = "TLS handshake: " + hec.message();
          return;
        }
        send();
      });
    } else {
      send();
    }
  });
  context.run();
}

}  // namespace

tl::expected<ProbeResponse, std::string> probe(const ListenAddress& address, std::string_view target,
                                               std::string_view admin_token,
                                               std::chrono::milliseconds timeout) {
  std::string host = address.host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  asio::io_context context;
  error_code ec;
  tcp::resolver resolver(context);
  auto endpoints = resolver.resolve(host, std::to_string(address.port),
                                    tcp::resolver::numeric_service, ec);
  if (ec) return tl::unexpected("cannot resolve " + host + ": " + ec.message());

  http::request<http::empty_body> request{http::verb::get, std::string(target), 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "kongdb-health");
  request.set(http::field::connection, "close");
  if (!admin_token.empty()) request.set("Kong-Admin-Token", admin_token);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  std::string error;
  std::optional<ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  if (address.ssl) {
    tls.emplace(ssl::context::tls_client);
    tls->set_verify_mode(ssl::verify_none);
    secure.emplace(context, *tls);
    run_probe(context, *secure, endpoints, request, buffer, response, timeout, error);
  } else {
    plain.emplace(context);
    run_probe(context, *plain, endpoints, request, buffer, response, timeout, error);
  }
  if (!error.empty()) return tl::unexpected(error);
  return ProbeResponse{static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace kongdb::admin
