#include "cql/connection.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

namespace kongdb::cql {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Stream ids per connection: far above what one connection should carry, far below the
// protocol's 32768, and allocated only as they are first needed.
constexpr size_t kMaxStreams = 4096;

}  // namespace

Connection::Connection(asio::io_context& io, ConnectionOptions options)
    : io_(io),
      options_(std::move(options)),
      node_(options_.host + ":" + std::to_string(options_.port)),
      resolver_(io),
      plain_socket_(io),
      open_timer_(io) {
  if (options_.tls) tls_stream_ = std::make_unique<asio::ssl::stream<tcp::socket>>(io, *options_.tls);
}

Connection::~Connection() = default;

Error Connection::error(ErrorCode code, std::string message) const {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.node = node_;
  return e;
}

template <class Buffers, class Handler>
void Connection::async_write(const Buffers& buffers, Handler&& handler) {
  if (tls_stream_) {
    asio::async_write(*tls_stream_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(plain_socket_, buffers, std::forward<Handler>(handler));
  }
}

template <class Buffers, class Handler>
void Connection::async_read(const Buffers& buffers, Handler&& handler) {
  if (tls_stream_) {
    asio::async_read(*tls_stream_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_read(plain_socket_, buffers, std::forward<Handler>(handler));
  }
}

void Connection::open(OpenHandler done) {
  state_ = State::Opening;
  auto self = shared_from_this();
  // One deadline for the whole opening: resolve, connect, TLS, STARTUP, auth, USE.
  open_timer_.expires_after(options_.connect_timeout);
  open_timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->state_ != State::Opening) return;
    self->close(self->error(ErrorCode::ClientTimeout,
                            "no connection within " +
                                std::to_string(self->options_.connect_timeout.count()) + " ms"));
  });
  // `finish` reports the outcome once, whether it came from a step or from close().
  auto finish = std::make_shared<OpenHandler>(std::move(done));
  auto report = [self, finish](Result<void> r) {
    if (!*finish) return;
    auto handler = std::move(*finish);
    *finish = nullptr;
    self->open_timer_.cancel();
    if (r) {
      self->state_ = State::Ready;
    } else if (self->state_ != State::Closed) {
      self->close(r.error());
    }
    handler(std::move(r));
  };
  on_closed_ = [report](const Error& why) { report(tl::unexpected(why)); };

  resolver_.async_resolve(
      options_.host, std::to_string(options_.port),
      [self, report](const boost::system::error_code& ec, const tcp::resolver::results_type& results) {
        if (self->state_ != State::Opening) return;
        if (ec) {
          return report(tl::unexpected(self->error(ErrorCode::ConnectionError, "resolve: " + ec.message())));
        }
        tcp::socket& socket = self->tls_stream_ ? self->tls_stream_->next_layer() : self->plain_socket_;
        asio::async_connect(socket, results, [self, report](const boost::system::error_code& ec, const tcp::endpoint&) {
          if (self->state_ != State::Opening) return;
          if (ec) {
            return report(tl::unexpected(self->error(ErrorCode::ConnectionError, "connect: " + ec.message())));
          }
          tcp::socket& connected = self->tls_stream_ ? self->tls_stream_->next_layer() : self->plain_socket_;
          boost::system::error_code ignored;
          connected.set_option(tcp::no_delay(true), ignored);
          self->handshake(report);
        });
      });
}

void Connection::handshake(OpenHandler done) {
  if (!tls_stream_) {
    read_header();
    return startup(std::move(done));
  }
  auto self = shared_from_this();
  if (options_.tls_verify) {
    tls_stream_->set_verify_mode(asio::ssl::verify_peer);
    tls_stream_->set_verify_callback(asio::ssl::host_name_verification(options_.host));
  } else {
    tls_stream_->set_verify_mode(asio::ssl::verify_none);
  }
  // SNI, for servers behind a TLS proxy that routes by name.
  SSL_set_tlsext_host_name(tls_stream_->native_handle(), options_.host.c_str());
  tls_stream_->async_handshake(asio::ssl::stream_base::client,
                               [self, done = std::move(done)](const boost::system::error_code& ec) {
                                 if (self->state_ != State::Opening) return;
                                 if (ec) {
                                   return done(tl::unexpected(self->error(
                                       ErrorCode::TlsError, "TLS handshake: " + ec.message())));
                                 }
                                 self->read_header();
                                 self->startup(done);
                               });
}

void Connection::handshake_step(frame::Request request, OpenHandler done,
                                std::function<void(frame::Response)> on_answer) {
  auto self = shared_from_this();
  send(std::move(request), options_.connect_timeout,
       [self, done = std::move(done), on_answer = std::move(on_answer)](Result<frame::Response> r) {
         if (!r) return done(tl::unexpected(r.error()));
         if (r->error) {
           Error e = *r->error;
           e.node = self->node_;
           return done(tl::unexpected(std::move(e)));
         }
         on_answer(std::move(*r));
       });
}

void Connection::startup(OpenHandler done) {
  auto self = shared_from_this();
  handshake_step(frame::startup({{"CQL_VERSION", "3.0.0"}, {"DRIVER_NAME", "kongdb-cql"}}), done,
                 [self, done](frame::Response r) {
                   if (r.opcode == frame::Opcode::Ready) return self->use_keyspace(done);
                   if (r.opcode == frame::Opcode::Authenticate) return self->authenticate(r.authenticator, done);
                   done(tl::unexpected(self->error(ErrorCode::MalformedResponse, "unexpected answer to STARTUP")));
                 });
}

void Connection::authenticate(std::string authenticator, OpenHandler done) {
  if (options_.username.empty()) {
    return done(tl::unexpected(error(ErrorCode::BadCredentials,
                                     "the server requires authentication (" + authenticator +
                                         ") and no username is configured")));
  }
  auto self = shared_from_this();
  handshake_step(frame::auth_response(frame::sasl_plain_token(options_.username, options_.password)), done,
                 [self, done](frame::Response r) {
                   if (r.opcode == frame::Opcode::AuthSuccess) return self->use_keyspace(done);
                   // PLAIN is a single step: a challenge means another mechanism.
                   done(tl::unexpected(self->error(ErrorCode::BadCredentials,
                                                   "the authenticator asked for more than SASL PLAIN")));
                 });
}

void Connection::use_keyspace(OpenHandler done) {
  if (options_.keyspace.empty()) return done({});
  handshake_step(frame::use_keyspace(options_.keyspace), done, [done](frame::Response) { done({}); });
}

void Connection::send(frame::Request request, std::chrono::milliseconds timeout, ResponseHandler handler) {
  if (state_ == State::Closed || state_ == State::Idle) {
    return handler(tl::unexpected(error(ErrorCode::ConnectionError, "connection is closed")));
  }
  dispatch(Queued{std::move(request), timeout, std::move(handler)});
}

void Connection::dispatch(Queued queued) {
  int16_t stream;
  if (!free_streams_.empty()) {
    stream = free_streams_.back();
    free_streams_.pop_back();
  } else if (pending_.size() < kMaxStreams) {
    stream = static_cast<int16_t>(pending_.size());
    pending_.emplace_back();
  } else {
    waiting_.push_back(std::move(queued));
    return;
  }
  Pending& p = pending_[static_cast<size_t>(stream)];
  p.handler = std::move(queued.handler);
  p.timer = std::make_unique<asio::steady_timer>(io_, queued.timeout);
  auto self = shared_from_this();
  p.timer->async_wait([self, stream](const boost::system::error_code& ec) {
    if (!ec) self->timed_out(stream);
  });
  ++in_flight_;
  frame::encode_header(outgoing_, stream, queued.request.opcode, queued.request.body.size());
  outgoing_.append(queued.request.body);
  flush();
}

void Connection::flush() {
  if (write_in_progress_ || outgoing_.empty() || state_ == State::Closed) return;
  write_in_progress_ = true;
  writing_.clear();
  writing_.swap(outgoing_);
  auto self = shared_from_this();
  async_write(asio::buffer(writing_), [self](const boost::system::error_code& ec, size_t) {
    self->write_in_progress_ = false;
    if (self->state_ == State::Closed) return;
    if (ec) return self->close(self->error(ErrorCode::ConnectionError, "write: " + ec.message()));
    self->flush();
  });
}

void Connection::read_header() {
  auto self = shared_from_this();
  async_read(asio::buffer(header_bytes_), [self](const boost::system::error_code& ec, size_t) {
    if (self->state_ == State::Closed) return;
    if (ec) {
      return self->close(self->error(ErrorCode::ConnectionError,
                                     ec == asio::error::eof ? "the server closed the connection"
                                                            : "read: " + ec.message()));
    }
    auto header = frame::decode_header(std::string_view(self->header_bytes_.data(), frame::kHeaderSize));
    if (!header) return self->close(self->error(ErrorCode::MalformedResponse, header.error().message));
    self->header_ = *header;
    self->read_body();
  });
}

void Connection::read_body() {
  body_.resize(static_cast<size_t>(header_.length));
  auto self = shared_from_this();
  async_read(asio::buffer(body_), [self](const boost::system::error_code& ec, size_t) {
    if (self->state_ == State::Closed) return;
    if (ec) {
      return self->close(self->error(ErrorCode::ConnectionError,
                                     ec == asio::error::eof ? "the server closed the connection mid-response"
                                                            : "read: " + ec.message()));
    }
    const int16_t stream = self->header_.stream;
    auto response = frame::decode_response(self->header_, self->body_);
    if (!response) {
      // The stream boundaries are still known, but a server that sends garbage is not trusted
      // with the other requests either.
      return self->close(self->error(ErrorCode::MalformedResponse, response.error().message));
    }
    self->read_header();
    if (stream >= 0) self->complete(stream, std::move(response));
  });
}

void Connection::complete(int16_t stream, Result<frame::Response> response) {
  if (static_cast<size_t>(stream) >= pending_.size() || !pending_[static_cast<size_t>(stream)].handler) {
    return;  // no request on that stream: an answer for nobody is dropped
  }
  Pending& p = pending_[static_cast<size_t>(stream)];
  ResponseHandler handler = std::move(p.handler);
  p.handler = nullptr;
  p.timer.reset();
  --in_flight_;
  free_streams_.push_back(stream);
  if (!waiting_.empty()) {
    Queued next = std::move(waiting_.front());
    waiting_.pop_front();
    dispatch(std::move(next));
  }
  handler(std::move(response));
}

void Connection::timed_out(int16_t stream) {
  if (state_ == State::Closed || !pending_[static_cast<size_t>(stream)].handler) return;
  // The stream id cannot be reused until the server answers, and a node that does not answer
  // one request is unlikely to answer the next: discard the connection.
  Error why = error(ErrorCode::ClientTimeout, "no response within the request timeout");
  ResponseHandler handler = std::move(pending_[static_cast<size_t>(stream)].handler);
  pending_[static_cast<size_t>(stream)].handler = nullptr;
  --in_flight_;
  close(error(ErrorCode::ConnectionError, "connection discarded after a request timed out"));
  handler(tl::unexpected(std::move(why)));
}

void Connection::close(const Error& why) {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  boost::system::error_code ignored;
  open_timer_.cancel();
  resolver_.cancel();
  if (tls_stream_) {
    tls_stream_->next_layer().close(ignored);
  } else {
    plain_socket_.close(ignored);
  }
  // Collect first: a handler may start new work that touches this object.
  std::vector<ResponseHandler> failed;
  for (Pending& p : pending_) {
    if (p.handler) failed.push_back(std::move(p.handler));
    p.handler = nullptr;
    p.timer.reset();
  }
  for (Queued& q : waiting_) failed.push_back(std::move(q.handler));
  waiting_.clear();
  in_flight_ = 0;
  ClosedHandler closed = std::move(on_closed_);
  on_closed_ = nullptr;
  for (auto& handler : failed) handler(tl::unexpected(why));
  if (closed) closed(why);
}

}  // namespace kongdb::cql
