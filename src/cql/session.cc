#include "kongdb/cql/session.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "cql/connection.h"
#include "cql/frame.h"

namespace kongdb::cql {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using ConnectionPtr = std::shared_ptr<Connection>;

namespace {

// How long the synchronous calls wait beyond a request's own timeout before giving up on
// the I/O thread (it always answers first; this is a bound, not a mechanism).
constexpr std::chrono::milliseconds kSyncGrace{250};
constexpr std::chrono::milliseconds kSchemaPollInterval{100};

std::string inet_text(const Value& v) {
  if (v.kind() != Value::Kind::Blob) return {};
  const std::string& b = v.as_text();
  if (b.size() == 4) {
    return std::to_string(static_cast<uint8_t>(b[0])) + "." + std::to_string(static_cast<uint8_t>(b[1])) +
           "." + std::to_string(static_cast<uint8_t>(b[2])) + "." + std::to_string(static_cast<uint8_t>(b[3]));
  }
  return {};
}

}  // namespace

class Session::Impl {
 public:
  struct Host {
    std::string address;
    uint16_t port = 9042;
    std::string label;  // host:port
    std::vector<ConnectionPtr> connections;  // open and ready
    std::vector<std::weak_ptr<Connection>> all;  // every connection made, for shutdown
    size_t opening = 0;
    bool up = true;  // optimistic until a connection attempt says otherwise
    std::chrono::milliseconds backoff{0};
    std::string last_error;
    std::vector<std::function<void(Result<ConnectionPtr>)>> waiters;
    std::unique_ptr<asio::steady_timer> reconnect_timer;
    bool reconnect_scheduled = false;
  };
  using ResponseDone = std::function<void(Result<frame::Response>)>;

  // One request on its way: the nodes to try, the statements it may have to re-prepare.
  struct Call {
    frame::Request request;
    std::vector<Prepared> prepared;
    std::chrono::milliseconds timeout{0};
    Clock::time_point deadline;
    ResponseDone done;
    std::vector<Host*> plan;
    size_t next = 0;
    std::string failures;
    bool reprepared = false;
    Host* answered_by = nullptr;
  };
  using CallPtr = std::shared_ptr<Call>;

  explicit Impl(SessionConfig config)
      : config_(std::move(config)), work_(asio::make_work_guard(io_)), tls_(asio::ssl::context::tls_client) {
    keyspace_ = config_.keyspace;
    for (const std::string& point : config_.contact_points) {
      auto h = std::make_unique<Host>();
      h->address = point;
      h->port = config_.port;
      // host:port, [v6]:port or a bare host (an unbracketed v6 address has several colons).
      if (!point.empty() && point.front() == '[') {
        size_t close = point.find(']');
        h->address = point.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        if (close != std::string::npos && close + 1 < point.size() && point[close + 1] == ':') {
          h->port = static_cast<uint16_t>(std::stoi(point.substr(close + 2)));
        }
      } else if (size_t colon = point.rfind(':'); colon != std::string::npos && point.find(':') == colon) {
        h->address = point.substr(0, colon);
        h->port = static_cast<uint16_t>(std::stoi(point.substr(colon + 1)));
      }
      h->label = h->address + ":" + std::to_string(h->port);
      h->backoff = config_.reconnect_delay;
      h->reconnect_timer = std::make_unique<asio::steady_timer>(io_);
      hosts_.push_back(std::move(h));
    }
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() {
    std::promise<void> closed;
    asio::post(io_, [this, &closed] {
      shut_down();
      closed.set_value();
    });
    closed.get_future().wait();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  Result<void> configure_tls() {
    if (!config_.tls) return {};
    boost::system::error_code ec;
    if (config_.tls_verify) {
      if (config_.tls_ca_file.empty()) {
        tls_.set_default_verify_paths(ec);
      } else {
        tls_.load_verify_file(config_.tls_ca_file, ec);
      }
      if (ec) return fail(ErrorCode::TlsError, "loading CA certificates: " + ec.message());
    }
    return {};
  }

  // Runs `f` on the I/O thread and waits for the value it hands to its callback.
  template <class T, class F>
  Result<T> on_io(F f, std::chrono::milliseconds bound) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    asio::post(io_, [f = std::move(f), promise]() mutable {
      f([promise](Result<T> r) { promise->set_value(std::move(r)); });
    });
    if (future.wait_for(bound + kSyncGrace) != std::future_status::ready) {
      return fail(ErrorCode::ClientTimeout, "no answer within " + std::to_string(bound.count()) + " ms");
    }
    return future.get();
  }

  // --- nodes and their pools (I/O thread only) ---

  void open_connection(Host* h) {
    if (closing_) return;
    ++h->opening;
    ConnectionOptions options;
    options.host = h->address;
    options.port = h->port;
    options.connect_timeout = config_.connect_timeout;
    options.username = config_.username;
    options.password = config_.password;
    options.tls = config_.tls ? &tls_ : nullptr;
    options.tls_verify = config_.tls_verify;
    options.keyspace = keyspace_;
    auto conn = std::make_shared<Connection>(io_, std::move(options));
    std::erase_if(h->all, [](const std::weak_ptr<Connection>& c) { return c.expired(); });
    h->all.push_back(conn);
    conn->open([this, h, conn, opened_in = keyspace_](Result<void> r) {
      --h->opening;
      if (closing_) {
        conn->close(closed_error());
        return;
      }
      if (r && opened_in != keyspace_) {
        // set_keyspace() ran while this one was opening: it would USE the old keyspace.
        conn->close(Error{ErrorCode::ConnectionError, "the session keyspace changed while connecting"});
        return open_connection(h);  // the waiters wait for this one
      }
      if (!r) {
        if (h->connections.empty()) mark_down(h, r.error().message);
        auto waiters = std::move(h->waiters);
        h->waiters.clear();
        for (auto& w : waiters) w(tl::unexpected(r.error()));
        return;
      }
      // A raw pointer: the connection must not own a reference to itself.
      conn->on_closed([this, h, raw = conn.get()](const Error& why) { forget(h, raw, why); });
      h->connections.push_back(conn);
      ++metrics_.connections_opened;
      mark_up(h);
      auto waiters = std::move(h->waiters);
      h->waiters.clear();
      for (auto& w : waiters) w(conn);
      fill_pool(h);
    });
  }

  void fill_pool(Host* h) {
    while (!closing_ && h->connections.size() + h->opening < config_.connections_per_node) {
      open_connection(h);
    }
  }

  void forget(Host* h, const Connection* conn, const Error& why) {
    std::erase_if(h->connections, [conn](const ConnectionPtr& c) { return c.get() == conn; });
    if (!closing_) ++metrics_.connections_lost;
    if (closing_ || !h->connections.empty() || h->opening > 0) return;
    mark_down(h, why.message);
  }

  void mark_up(Host* h) {
    h->up = true;
    h->backoff = config_.reconnect_delay;
    h->last_error.clear();
  }

  void mark_down(Host* h, const std::string& why) {
    if (!h->up) h->backoff = std::min(h->backoff * 2, config_.max_reconnect_delay);
    h->up = false;
    h->last_error = why;
    schedule_reconnect(h);
  }

  // Background reconnection: a down node is retried after its backoff whether or not
  // requests arrive, so it is up again before a request needs it.
  void schedule_reconnect(Host* h) {
    if (closing_ || h->reconnect_scheduled) return;
    h->reconnect_scheduled = true;
    h->reconnect_timer->expires_after(h->backoff);
    h->reconnect_timer->async_wait([this, h](const boost::system::error_code& ec) {
      h->reconnect_scheduled = false;
      if (ec || closing_ || h->up || h->opening > 0) return;
      open_connection(h);
    });
  }

  // A ready connection of `h` (the least busy), opening one when there is none.
  void acquire(Host* h, std::function<void(Result<ConnectionPtr>)> done) {
    ConnectionPtr best;
    for (const auto& c : h->connections) {
      if (c->is_ready() && (!best || c->in_flight() < best->in_flight())) best = c;
    }
    if (best) {
      if (best->in_flight() > 0) fill_pool(h);
      return done(best);
    }
    h->waiters.push_back(std::move(done));
    if (h->opening == 0) open_connection(h);
  }

  Error closed_error() const {
    Error e;
    e.code = ErrorCode::SessionClosed;
    e.message = "the session is closed";
    return e;
  }

  void shut_down() {
    closing_ = true;
    for (auto& h : hosts_) {
      h->reconnect_timer->cancel();
      auto waiters = std::move(h->waiters);
      h->waiters.clear();
      for (auto& w : waiters) w(tl::unexpected(closed_error()));
      auto all = h->all;
      for (auto& weak : all) {
        if (auto c = weak.lock()) c->close(closed_error());
      }
    }
  }

  // --- requests (I/O thread only) ---

  std::vector<Host*> plan() {
    std::vector<Host*> up, down;
    const size_t n = hosts_.size();
    const size_t start = next_host_++;
    for (size_t i = 0; i < n; ++i) {
      Host* h = hosts_[(start + i) % n].get();
      (h->up ? up : down).push_back(h);
    }
    // Nodes known to be down come last: tried only when no node that is up could answer.
    up.insert(up.end(), down.begin(), down.end());
    return up;
  }

  void run(CallPtr call, Host* only = nullptr) {
    ++metrics_.requests;
    if (closing_) return call->done(tl::unexpected(closed_error()));
    call->deadline = Clock::now() + call->timeout;
    call->plan = only ? std::vector<Host*>{only} : plan();
    try_next(std::move(call));
  }

  void try_next(CallPtr call) {
    if (call->next >= call->plan.size() || Clock::now() >= call->deadline) {
      std::string why = call->next >= call->plan.size() ? "no node could take the request: "
                                                         : "request timeout while trying nodes: ";
      return call->done(fail(ErrorCode::NoHostAvailable, why + call->failures));
    }
    Host* h = call->plan[call->next++];
    acquire(h, [this, call, h](Result<ConnectionPtr> conn) {
      if (!conn) {
        call->failures += (call->failures.empty() ? "" : "; ") + h->label + ": " + conn.error().message;
        return try_next(call);
      }
      send(call, h, *conn);
    });
  }

  void send(CallPtr call, Host* h, ConnectionPtr conn) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(call->deadline - Clock::now());
    conn->send(call->request, std::max(remaining, std::chrono::milliseconds(1)),
               [this, call, h, conn](Result<frame::Response> r) {
                 call->answered_by = h;
                 if (!r) {
                   if (r.error().code == ErrorCode::ClientTimeout) ++metrics_.client_timeouts;
                   return call->done(tl::unexpected(r.error()));
                 }
                 if (!r->error) {
                   r->result.node = h->label;
                   return call->done(std::move(r));
                 }
                 Error e = *r->error;
                 e.node = h->label;
                 if (e.code == ErrorCode::Unprepared && !call->reprepared && !call->prepared.empty()) {
                   return reprepare(call, h, conn, e);
                 }
                 // Not executed by that node: another one may take it.
                 if (e.code == ErrorCode::IsBootstrapping || e.code == ErrorCode::Overloaded) {
                   call->failures += (call->failures.empty() ? "" : "; ") + h->label + ": " + e.message;
                   return try_next(call);
                 }
                 call->done(tl::unexpected(std::move(e)));
               });
  }

  // The node forgot the statement (restarted, or it was evicted): prepare it there again and
  // retry the request once on the same connection.
  void reprepare(CallPtr call, Host* h, ConnectionPtr conn, const Error& unprepared) {
    call->reprepared = true;
    ++metrics_.reprepared;
    Prepared statement = call->prepared.front();
    for (const Prepared& p : call->prepared) {
      if (p->id == unprepared.unprepared_id) statement = p;
    }
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(call->deadline - Clock::now());
    conn->send(frame::prepare(statement->query), std::max(remaining, std::chrono::milliseconds(1)),
               [this, call, h, conn, statement](Result<frame::Response> r) {
                 if (!r) return call->done(tl::unexpected(r.error()));
                 if (r->error || !r->prepared) {
                   Error e = r->error ? *r->error : Error{};
                   if (!r->error) e.code = ErrorCode::MalformedResponse;
                   e.node = h->label;
                   e.message = "re-preparing after UNPREPARED: " + e.message;
                   return call->done(tl::unexpected(std::move(e)));
                 }
                 if (r->prepared->id != statement->id) remember(statement, *r->prepared);
                 send(call, h, conn);
               });
  }

  // --- prepared statements (any thread, under the mutex) ---

  static std::string cache_key(const std::string& keyspace, std::string_view query) {
    return keyspace + '\0' + std::string(query);
  }

  Prepared cached(std::string_view query) {
    std::lock_guard lock(mutex_);
    auto it = prepared_.find(cache_key(keyspace_copy_, query));
    return it == prepared_.end() ? nullptr : it->second;
  }

  Prepared remember(const Prepared& old, const PreparedInfo& fresh) {
    auto info = std::make_shared<PreparedInfo>(fresh);
    info->query = old->query;
    info->keyspace = old->keyspace;
    std::lock_guard lock(mutex_);
    prepared_[cache_key(info->keyspace, info->query)] = info;
    return info;
  }

  SessionConfig config_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::ssl::context tls_;
  std::vector<std::unique_ptr<Host>> hosts_;
  size_t next_host_ = 0;
  bool closing_ = false;
  SessionMetrics metrics_;  // I/O thread
  std::string keyspace_;  // I/O thread: the keyspace new connections USE

  std::mutex mutex_;
  std::string keyspace_copy_;  // under mutex_: the keyspace prepared statements are keyed by
  std::map<std::string, Prepared> prepared_;

  std::thread thread_;  // last: starts after everything it uses exists
};

namespace {

frame::QueryParameters parameters(const SessionConfig& config, const QueryOptions& options) {
  frame::QueryParameters p;
  p.consistency = options.consistency.value_or(config.consistency);
  p.serial_consistency = options.serial_consistency.value_or(config.serial_consistency);
  p.page_size = options.page_size;
  p.paging_state = options.paging_state;
  p.default_timestamp_us = options.timestamp_us;
  return p;
}

Result<QueryResult> to_query_result(Result<frame::Response> r) {
  if (!r) return tl::unexpected(r.error());
  if (r->opcode != frame::Opcode::Result || r->prepared) {
    return fail(ErrorCode::MalformedResponse, "expected a RESULT message");
  }
  return std::move(r->result);
}

}  // namespace

Session::Session(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::connect(SessionConfig config) {
  if (config.contact_points.empty()) return fail(ErrorCode::NoHostAvailable, "no contact points");
  if (config.connections_per_node == 0) config.connections_per_node = 1;
  auto impl = std::make_shared<Impl>(std::move(config));
  if (auto tls = impl->configure_tls(); !tls) return tl::unexpected(tls.error());
  impl->keyspace_copy_ = impl->config_.keyspace;
  Impl* raw = impl.get();
  const auto bound = raw->config_.connect_timeout * static_cast<int>(raw->hosts_.size());
  // The first node that answers makes the session usable; the others open in the background.
  auto connected = raw->on_io<bool>(
      [raw](std::function<void(Result<bool>)> done) {
        auto failures = std::make_shared<std::string>();
        auto attempt = std::make_shared<std::function<void(size_t)>>();
        *attempt = [raw, done, failures, attempt](size_t i) {
          if (i >= raw->hosts_.size()) {
            auto report = done;
            auto why = "no contact point answered: " + *failures;
            *attempt = nullptr;  // breaks the self-reference; the captures are gone after this
            return report(fail(ErrorCode::NoHostAvailable, why));
          }
          Impl::Host* h = raw->hosts_[i].get();
          raw->acquire(h, [raw, done, failures, attempt, i, h](Result<ConnectionPtr> c) {
            if (!c) {
              // Credentials and keyspace errors are the same on every node: report them as is.
              if (c.error().code == ErrorCode::BadCredentials || c.error().code == ErrorCode::Invalid) {
                *attempt = nullptr;
                return done(tl::unexpected(c.error()));
              }
              *failures += (failures->empty() ? "" : "; ") + h->label + ": " + c.error().message;
              return (*attempt)(i + 1);
            }
            for (size_t j = i + 1; j < raw->hosts_.size(); ++j) raw->fill_pool(raw->hosts_[j].get());
            *attempt = nullptr;
            done(true);
          });
        };
        (*attempt)(0);
      },
      bound);
  if (!connected) return tl::unexpected(connected.error());
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

const SessionConfig& Session::config() const { return impl_->config_; }

void Session::query_async(std::string cql, std::vector<Value> values, Callback done, const QueryOptions& options) {
  auto request = frame::query(cql, values, parameters(impl_->config_, options));
  auto call = std::make_shared<Impl::Call>();
  call->timeout = options.timeout.value_or(impl_->config_.request_timeout);
  call->done = [done = std::move(done)](Result<frame::Response> r) { done(to_query_result(std::move(r))); };
  Impl* impl = impl_.get();
  if (!request) {
    return asio::post(impl->io_, [call, e = request.error()] { call->done(tl::unexpected(e)); });
  }
  call->request = std::move(*request);
  asio::post(impl->io_, [impl, call] { impl->run(call); });
}

void Session::execute_async(const Prepared& statement, std::vector<Value> values, Callback done,
                            const QueryOptions& options) {
  auto request = frame::execute(*statement, values, parameters(impl_->config_, options));
  auto call = std::make_shared<Impl::Call>();
  call->timeout = options.timeout.value_or(impl_->config_.request_timeout);
  call->prepared = {statement};
  call->done = [done = std::move(done)](Result<frame::Response> r) { done(to_query_result(std::move(r))); };
  Impl* impl = impl_.get();
  if (!request) {
    return asio::post(impl->io_, [call, e = request.error()] { call->done(tl::unexpected(e)); });
  }
  call->request = std::move(*request);
  asio::post(impl->io_, [impl, call] { impl->run(call); });
}

void Session::batch_async(Batch batch, Callback done, const QueryOptions& options) {
  std::vector<frame::BatchEntry> entries;
  auto call = std::make_shared<Impl::Call>();
  for (auto& s : batch.statements) {
    if (s.prepared) call->prepared.push_back(s.prepared);
    entries.push_back({s.prepared, std::move(s.query), std::move(s.values)});
  }
  auto request = frame::batch(static_cast<frame::BatchType>(batch.kind), entries,
                              parameters(impl_->config_, options));
  call->timeout = options.timeout.value_or(impl_->config_.request_timeout);
  call->done = [done = std::move(done)](Result<frame::Response> r) { done(to_query_result(std::move(r))); };
  Impl* impl = impl_.get();
  if (!request) {
    return asio::post(impl->io_, [call, e = request.error()] { call->done(tl::unexpected(e)); });
  }
  call->request = std::move(*request);
  asio::post(impl->io_, [impl, call] { impl->run(call); });
}

namespace {

// Waits for an async call; after a schema change, for schema agreement too.
template <class Start>
Result<QueryResult> wait_for(Session& session, std::chrono::milliseconds timeout, Start start) {
  auto promise = std::make_shared<std::promise<Result<QueryResult>>>();
  auto future = promise->get_future();
  start([promise](Result<QueryResult> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(timeout + kSyncGrace) != std::future_status::ready) {
    return fail(ErrorCode::ClientTimeout, "no answer within " + std::to_string(timeout.count()) + " ms");
  }
  Result<QueryResult> r = future.get();
  if (r && r->kind == ResultKind::SchemaChange) {
    r->schema_in_agreement = bool(session.wait_for_schema_agreement(r->node));
  }
  return r;
}

}  // namespace

Result<QueryResult> Session::query(std::string_view cql, std::vector<Value> values, const QueryOptions& options) {
  return wait_for(*this, options.timeout.value_or(impl_->config_.request_timeout), [&](Callback done) {
    query_async(std::string(cql), std::move(values), std::move(done), options);
  });
}

Result<QueryResult> Session::execute(const Prepared& statement, std::vector<Value> values,
                                     const QueryOptions& options) {
  return wait_for(*this, options.timeout.value_or(impl_->config_.request_timeout), [&](Callback done) {
    execute_async(statement, std::move(values), std::move(done), options);
  });
}

Result<QueryResult> Session::batch(const Batch& batch, const QueryOptions& options) {
  return wait_for(*this, options.timeout.value_or(impl_->config_.request_timeout),
                  [&](Callback done) { batch_async(batch, std::move(done), options); });
}

Result<Prepared> Session::prepare(std::string_view cql) {
  if (Prepared p = impl_->cached(cql)) return p;
  Impl* impl = impl_.get();
  auto call = std::make_shared<Impl::Call>();
  call->request = frame::prepare(cql);
  call->timeout = impl->config_.request_timeout;
  auto response = impl->on_io<frame::Response>(
      [impl, call](std::function<void(Result<frame::Response>)> done) {
        call->done = std::move(done);
        impl->run(call);
      },
      call->timeout);
  if (!response) return tl::unexpected(response.error());
  if (!response->prepared) return fail(ErrorCode::MalformedResponse, "PREPARE was not answered with a prepared result");
  auto info = std::make_shared<PreparedInfo>(std::move(*response->prepared));
  info->query = std::string(cql);
  std::lock_guard lock(impl->mutex_);
  info->keyspace = impl->keyspace_copy_;
  auto [it, inserted] = impl->prepared_.emplace(Impl::cache_key(info->keyspace, cql), info);
  return it->second;
}

Result<void> Session::wait_for_schema_agreement(std::string_view coordinator) {
  Impl* impl = impl_.get();
  // The node that ran the DDL knows the new version first; another node may still report the
  // old one for itself and its peers alike, which would look like agreement.
  Impl::Host* preferred = nullptr;
  for (auto& h : impl->hosts_) {
    if (h->label == coordinator) preferred = h.get();
  }
  const auto deadline = Clock::now() + impl->config_.schema_agreement_timeout;
  std::string last;
  while (true) {
    // Both reads from the same node: its own version and what it knows of its peers.
    auto call = std::make_shared<Impl::Call>();
    call->request = *frame::query("SELECT schema_version FROM system.local WHERE key = 'local'", {}, {});
    call->timeout = impl->config_.request_timeout;
    auto local = impl->on_io<frame::Response>(
        [impl, call, preferred](std::function<void(Result<frame::Response>)> done) {
          call->done = std::move(done);
          impl->run(call, preferred && preferred->up ? preferred : nullptr);
        },
        call->timeout);
    Impl::Host* node = call->answered_by;
    if (local && node) {
      auto peers_call = std::make_shared<Impl::Call>();
      peers_call->request = *frame::query("SELECT peer, rpc_address, schema_version FROM system.peers", {}, {});
      peers_call->timeout = impl->config_.request_timeout;
      auto peers = impl->on_io<frame::Response>(
          [impl, peers_call, node](std::function<void(Result<frame::Response>)> done) {
            peers_call->done = std::move(done);
            impl->run(peers_call, node);
          },
          peers_call->timeout);
      const Value* mine = local->result.get(0, "schema_version");
      if (peers && mine && !mine->is_null()) {
        // Peers this session knows to be down are not waited for.
        auto down = impl->on_io<std::vector<std::string>>(
            [impl](std::function<void(Result<std::vector<std::string>>)> done) {
              std::vector<std::string> addresses;
              for (auto& h : impl->hosts_) {
                if (!h->up) addresses.push_back(h->address);
              }
              done(std::move(addresses));
            },
            impl->config_.request_timeout);
        bool agreed = true;
        for (size_t i = 0; i < peers->result.size(); ++i) {
          const Value* version = peers->result.get(i, "schema_version");
          const Value* address = peers->result.get(i, "rpc_address");
          if (!version || version->is_null()) continue;
          if (down && address && std::find(down->begin(), down->end(), inet_text(*address)) != down->end()) continue;
          if (!(*version == *mine)) {
            agreed = false;
            last = "peer " + (address ? inet_text(*address) : "?") + " has " + version->to_string() +
                   ", " + node->label + " has " + mine->to_string();
          }
        }
        if (agreed) return {};
      } else if (!peers) {
        last = peers.error().to_string();
      }
    } else if (!local) {
      last = local.error().to_string();
    }
    if (Clock::now() + kSchemaPollInterval > deadline) {
      return fail(ErrorCode::SchemaAgreementTimeout,
                  "no schema agreement within " + std::to_string(impl->config_.schema_agreement_timeout.count()) +
                      " ms" + (last.empty() ? "" : ": " + last));
    }
    std::this_thread::sleep_for(kSchemaPollInterval);
  }
}

Result<void> Session::set_keyspace(std::string keyspace) {
  Impl* impl = impl_.get();
  std::string quoted = "\"";
  for (char c : keyspace) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  const std::string use = "USE " + quoted + "\"";
  auto done = impl->on_io<bool>(
      [impl, keyspace, use](std::function<void(Result<bool>)> done) {
        impl->keyspace_ = keyspace;
        // Every open connection switches; any failure is reported (and closes nothing).
        auto remaining = std::make_shared<size_t>(1);
        auto first_error = std::make_shared<std::optional<Error>>();
        auto finish = [done, remaining, first_error]() {
          if (--*remaining > 0) return;
          if (*first_error) return done(tl::unexpected(**first_error));
          done(true);
        };
        for (auto& h : impl->hosts_) {
          for (auto& c : h->connections) {
            ++*remaining;
            c->send(*frame::query(use, {}, {}), impl->config_.request_timeout,
                    [finish, first_error](Result<frame::Response> r) {
                      if (!r && !*first_error) *first_error = r.error();
                      if (r && r->error && !*first_error) *first_error = *r->error;
                      finish();
                    });
          }
        }
        finish();
      },
      impl->config_.request_timeout);
  if (!done) return tl::unexpected(done.error());
  std::lock_guard lock(impl->mutex_);
  impl->keyspace_copy_ = std::move(keyspace);
  return {};
}

std::vector<NodeState> Session::nodes() const {
  Impl* impl = impl_.get();
  auto states = impl->on_io<std::vector<NodeState>>(
      [impl](std::function<void(Result<std::vector<NodeState>>)> done) {
        std::vector<NodeState> out;
        for (auto& h : impl->hosts_) out.push_back({h->label, h->up, h->connections.size(), h->last_error});
        done(std::move(out));
      },
      impl->config_.request_timeout);
  return states ? *states : std::vector<NodeState>{};
}

SessionMetrics Session::metrics() const {
  Impl* impl = impl_.get();
  auto m = impl->on_io<SessionMetrics>(
      [impl](std::function<void(Result<SessionMetrics>)> done) { done(impl->metrics_); },
      impl->config_.request_timeout);
  return m ? *m : SessionMetrics{};
}

}  // namespace kongdb::cql
