// One connection to one node: many requests in flight, told apart by stream id (§2.3).
// Runs entirely on its io_context's thread; every handler is called exactly once, with the
// response, a timeout or the reason the connection went away. A timed-out request or a
// malformed frame discards the connection: its other requests fail at once, and nothing is
// ever read from it again.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cql/frame.h"

namespace kongdb::cql {

struct ConnectionOptions {
  std::string host;
  uint16_t port = 9042;
  std::chrono::milliseconds connect_timeout{5000};
  std::string username;  // PasswordAuthenticator (SASL PLAIN) when the server asks
  std::string password;
  boost::asio::ssl::context* tls = nullptr;  // null: plain TCP
  bool tls_verify = false;
  std::string keyspace;  // USE after READY when set
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using ResponseHandler = std::function<void(Result<frame::Response>)>;
  using OpenHandler = std::function<void(Result<void>)>;
  using ClosedHandler = std::function<void(const Error& why)>;

  Connection(boost::asio::io_context& io, ConnectionOptions options);
  ~Connection();

  /// Resolves, connects, TLS handshake, STARTUP, authentication, USE keyspace: `done` once.
  void open(OpenHandler done);
  /// Queues `request`; `handler` gets exactly one call. A server ERROR arrives as a Response
  /// with `error` set; transport failures and timeouts as an Error.
  void send(frame::Request request, std::chrono::milliseconds timeout, ResponseHandler handler);
  /// Fails every pending request with `why` and closes the socket; idempotent.
  void close(const Error& why);
  /// Called once when the connection closes for any reason after open succeeded.
  void on_closed(ClosedHandler handler) { on_closed_ = std::move(handler); }

  bool is_ready() const { return state_ == State::Ready; }
  bool is_closed() const { return state_ == State::Closed; }
  size_t in_flight() const { return in_flight_; }
  const std::string& node() const { return node_; }

 private:
  enum class State { Idle, Opening, Ready, Closed };
  struct Pending {
    ResponseHandler handler;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  struct Queued {
    frame::Request request;
    std::chrono::milliseconds timeout;
    ResponseHandler handler;
  };

  void handshake(OpenHandler done);
  /// Sends one handshake request; transport and server errors end the opening with `done`.
  void handshake_step(frame::Request request, OpenHandler done, std::function<void(frame::Response)> on_answer);
  void startup(OpenHandler done);
  void authenticate(std::string authenticator, OpenHandler done);
  void use_keyspace(OpenHandler done);
  void dispatch(Queued queued);
  void flush();
  void read_header();
  void read_body();
  void complete(int16_t stream, Result<frame::Response> response);
  void timed_out(int16_t stream);
  Error error(ErrorCode code, std::string message) const;

  template <class Buffers, class Handler>
  void async_write(const Buffers& buffers, Handler&& handler);
  template <class Buffers, class Handler>
  void async_read(const Buffers& buffers, Handler&& handler);

  boost::asio::io_context& io_;
  ConnectionOptions options_;
  std::string node_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_stream_;
  boost::asio::ip::tcp::socket plain_socket_;
  boost::asio::steady_timer open_timer_;
  State state_ = State::Idle;
  ClosedHandler on_closed_;

  std::vector<Pending> pending_;      // indexed by stream id
  std::vector<int16_t> free_streams_;  // stream ids not in use
  std::deque<Queued> waiting_;         // requests waiting for a free stream id
  size_t in_flight_ = 0;

  std::string outgoing_;  // frames queued while a write is in progress
  std::string writing_;   // the frames of the write in progress
  bool write_in_progress_ = false;

  std::array<char, frame::kHeaderSize> header_bytes_{};
  frame::Header header_;
  std::string body_;
};

}  // namespace kongdb::cql
