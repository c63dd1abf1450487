// The session against scripted fake nodes on loopback: nodes that stop answering, send garbage,
// close mid-response or go away and come back. The client must fail the request with a clear
// error, discard the connection and carry on, never hang or crash.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cql/frame.h"
#include "cql/wire.h"
#include "kongdb/cql/session.h"

namespace kongdb::cql {
namespace {

enum class Behaviour { Answer, Silent, Garbage, CloseMidResponse };

// A node that speaks just enough protocol v4: READY to STARTUP, then per `behaviour` for
// every other request (Answer: a Void result, or a prepared statement for PREPARE).
class FakeNode {
 public:
  /// With `tls`, connections are served through it (a server SSL_CTX with its certificate).
  explicit FakeNode(uint16_t port = 0, SSL_CTX* tls = nullptr) : tls_(tls) { listen_on(port); }
  ~FakeNode() { stop(); }

  uint16_t port() const { return port_; }
  void set(Behaviour b) { behaviour_ = b; }
  std::string contact_point() const { return "127.0.0.1:" + std::to_string(port_); }

  void stop() {
    if (listen_fd_ >= 0) {
      ::shutdown(listen_fd_, SHUT_RDWR);
      ::close(listen_fd_);
      listen_fd_ = -1;
    }
    {
      std::lock_guard lock(mutex_);
      for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);
    }
    if (acceptor_.joinable()) acceptor_.join();
    for (auto& t : handlers_) t.join();
    handlers_.clear();
    for (int fd : clients_) ::close(fd);
    clients_.clear();
  }

 private:
  void listen_on(uint16_t port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listen_fd_, 16);
    const int fd = listen_fd_;
    acceptor_ = std::thread([this, fd] {
      while (true) {
        int client = ::accept(fd, nullptr, nullptr);
        if (client < 0) return;
        std::lock_guard lock(mutex_);
        clients_.push_back(client);
        handlers_.emplace_back([this, client] { serve(client); });
      }
    });
  }

  // A plain socket, or the TLS session over it.
  struct Channel {
    int fd;
    SSL* ssl = nullptr;
    ssize_t recv(char* out, size_t n) const {
      return ssl ? SSL_read(ssl, out, static_cast<int>(n)) : ::recv(fd, out, n, 0);
    }
    void send(const char* data, size_t n) const {
      if (ssl) {
        SSL_write(ssl, data, static_cast<int>(n));
      } else {
        (void)::send(fd, data, n, MSG_NOSIGNAL);
      }
    }
  };

  static bool read_exactly(const Channel& c, char* out, size_t n) {
    while (n > 0) {
      ssize_t got = c.recv(out, n);
      if (got <= 0) return false;
      out += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  static void reply(const Channel& fd, int16_t stream, frame::Opcode opcode, const std::string& body) {
    std::string out;
    wire::Writer w(out);
    w.u8(frame::kResponseVersion);
    w.u8(0);
    w.u16(static_cast<uint16_t>(stream));
    w.u8(static_cast<uint8_t>(opcode));
    w.i32(static_cast<int32_t>(body.size()));
    out += body;
    fd.send(out.data(), out.size());
  }

  void serve(int socket) {
    Channel fd{socket};
    if (tls_) {
      fd.ssl = SSL_new(tls_);
      SSL_set_fd(fd.ssl, socket);
      if (SSL_accept(fd.ssl) != 1) {
        SSL_free(fd.ssl);
        return;
      }
    }
    serve(fd);
    if (fd.ssl) SSL_free(fd.ssl);
  }

  void serve(const Channel& fd) {
    char header[frame::kHeaderSize];
    while (read_exactly(fd, header, sizeof header)) {
      wire::Reader r(std::string_view(header, sizeof header));
      r.u8();
      r.u8();
      const auto stream = static_cast<int16_t>(r.u16());
      const auto opcode = static_cast<frame::Opcode>(r.u8());
      std::string body(static_cast<size_t>(r.i32()), '\0');
      if (!read_exactly(fd, body.data(), body.size())) return;
      if (opcode == frame::Opcode::Startup) {
        reply(fd, stream, frame::Opcode::Ready, "");
        continue;
      }
      switch (behaviour_.load()) {
        case Behaviour::Silent: break;
        case Behaviour::Garbage: fd.send("\x99garbage!", 9); break;
        case Behaviour::CloseMidResponse: {
          std::string partial;
          wire::Writer w(partial);
          w.u8(frame::kResponseVersion);
          w.u8(0);
          w.u16(static_cast<uint16_t>(stream));
          w.u8(static_cast<uint8_t>(frame::Opcode::Result));
          w.i32(100);
          w.raw("0123456789");
          fd.send(partial.data(), partial.size());
          ::shutdown(fd.fd, SHUT_RDWR);
          return;
        }
        case Behaviour::Answer: {
          std::string result;
          wire::Writer w(result);
          if (opcode == frame::Opcode::Prepare) {
            w.i32(4);
            w.short_bytes("id");
            w.i32(0);
            w.i32(0);
            w.i32(0);
            w.i32(0x04);
            w.i32(0);
          } else {
            w.i32(1);
          }
          reply(fd, stream, frame::Opcode::Result, result);
          break;
        }
      }
    }
  }

  SSL_CTX* tls_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<Behaviour> behaviour_{Behaviour::Answer};
  std::mutex mutex_;
  std::vector<int> clients_;
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
};

SessionConfig config_for(std::vector<std::string> contact_points) {
  SessionConfig config;
  config.contact_points = std::move(contact_points);
  config.request_timeout = std::chrono::milliseconds(300);
  config.connect_timeout = std::chrono::milliseconds(1000);
  config.connections_per_node = 1;
  config.reconnect_delay = std::chrono::milliseconds(50);
  config.max_reconnect_delay = std::chrono::milliseconds(200);
  return config;
}

TEST(CqlSessionFaults, ANodeThatStopsAnsweringTimesOutAndTheSessionRecovers) {
  FakeNode node;
  auto session = Session::connect(config_for({node.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  ASSERT_TRUE((*session)->query("SELECT 1"));
  node.set(Behaviour::Silent);
  auto r = (*session)->query("SELECT 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ClientTimeout) << r.error().to_string();
  EXPECT_EQ(r.error().node, node.contact_point());
  node.set(Behaviour::Answer);
  auto again = (*session)->query("SELECT 1");
  EXPECT_TRUE(again) << again.error().to_string();
  auto m = (*session)->metrics();
  EXPECT_EQ(m.client_timeouts, 1u);
  EXPECT_EQ(m.connections_lost, 1u);
}

TEST(CqlSessionFaults, AMalformedFrameFailsTheRequestAndDiscardsTheConnection) {
  FakeNode node;
  auto session = Session::connect(config_for({node.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  node.set(Behaviour::Garbage);
  auto r = (*session)->query("SELECT 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::MalformedResponse) << r.error().to_string();
  EXPECT_NE(r.error().message.find("0x99"), std::string::npos);
  node.set(Behaviour::Answer);
  auto again = (*session)->query("SELECT 1");
  EXPECT_TRUE(again) << again.error().to_string();
}

TEST(CqlSessionFaults, AServerClosingMidResponseIsAConnectionError) {
  FakeNode node;
  auto session = Session::connect(config_for({node.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  node.set(Behaviour::CloseMidResponse);
  auto r = (*session)->query("SELECT 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ConnectionError) << r.error().to_string();
  EXPECT_NE(r.error().message.find("mid-response"), std::string::npos);
  node.set(Behaviour::Answer);
  auto again = (*session)->query("SELECT 1");
  EXPECT_TRUE(again) << again.error().to_string();
}

TEST(CqlSessionFaults, ConcurrentRequestsOnASilentNodeAllFailAndNoneHangs) {
  FakeNode node;
  auto session = Session::connect(config_for({node.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  node.set(Behaviour::Silent);
  std::mutex mutex;
  std::condition_variable cv;
  int failed = 0;
  for (int i = 0; i < 50; ++i) {
    (*session)->query_async("SELECT 1", {}, [&](Result<QueryResult> r) {
      std::lock_guard lock(mutex);
      if (!r) ++failed;
      cv.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return failed == 50; });
  EXPECT_EQ(failed, 50);
}

TEST(CqlSessionFaults, FailsOverWhenANodeGoesAwayAndReconnectsWhenItReturns) {
  auto first = std::make_unique<FakeNode>();
  FakeNode second;
  const uint16_t first_port = first->port();
  auto session = Session::connect(config_for({first->contact_point(), second.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*session)->query("SELECT 1"));

  first.reset();  // the node goes away: its connections close, its port refuses
  int failures = 0;
  for (int i = 0; i < 10; ++i) {
    if (!(*session)->query("SELECT 1")) ++failures;
  }
  // At most the request already in flight on the lost connection fails; the rest fail over.
  EXPECT_LE(failures, 1);
  EXPECT_FALSE((*session)->nodes()[0].up);

  FakeNode back(first_port);
  // Background reconnection brings it back without any request asking for it.
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    up = (*session)->nodes()[0].up;
  }
  EXPECT_TRUE(up);
  EXPECT_TRUE((*session)->query("SELECT 1"));
}

TEST(CqlSessionFaults, PreparedStatementsAreCachedPerQueryText) {
  FakeNode node;
  auto session = Session::connect(config_for({node.contact_point()}));
  ASSERT_TRUE(session) << session.error().to_string();
  auto a = (*session)->prepare("SELECT 1");
  auto b = (*session)->prepare("SELECT 1");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ((*a)->id, "id");
  EXPECT_TRUE((*session)->execute(*a));
}

// A self-signed certificate for "localhost" made with the openssl command, in a temp folder.
struct SelfSigned {
  std::filesystem::path dir;
  SSL_CTX* server = nullptr;

  SelfSigned() {
    dir = std::filesystem::temp_directory_path() / ("cql_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                            "-addext subjectAltName=DNS:localhost -keyout " +
                            (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
                            " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return;
    server = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_file(server, (dir / "cert.pem").c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(server, (dir / "key.pem").c_str(), SSL_FILETYPE_PEM);
  }
  ~SelfSigned() {
    if (server) SSL_CTX_free(server);
    std::filesystem::remove_all(dir);
  }
};

TEST(CqlSessionTls, SpeaksTheProtocolThroughTlsAndVerifiesTheCertificateWhenAsked) {
  SelfSigned cert;
  ASSERT_NE(cert.server, nullptr) << "the openssl command could not make a certificate";
  FakeNode node(0, cert.server);
  SessionConfig config = config_for({"localhost:" + std::to_string(node.port())});
  config.tls = true;
  auto unverified = Session::connect(config);
  ASSERT_TRUE(unverified) << unverified.error().to_string();
  EXPECT_TRUE((*unverified)->query("SELECT 1"));

  // Verified against its own certificate as the CA: accepted.
  config.tls_verify = true;
  config.tls_ca_file = (cert.dir / "cert.pem").string();
  auto verified = Session::connect(config);
  ASSERT_TRUE(verified) << verified.error().to_string();
  EXPECT_TRUE((*verified)->query("SELECT 1"));

  // Verified against the system CAs, which never signed it: refused with a TLS error.
  config.tls_ca_file.clear();
  auto refused = Session::connect(config);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("TLS handshake"), std::string::npos) << refused.error().to_string();
}

TEST(CqlSessionTls, TlsToAPlainServerFailsWithinTheConnectTimeout) {
  FakeNode node;
  SessionConfig config = config_for({node.contact_point()});
  config.tls = true;
  auto s = Session::connect(config);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::NoHostAvailable);
  EXPECT_NE(s.error().message.find("127.0.0.1"), std::string::npos) << s.error().to_string();
}

}  // namespace
}  // namespace kongdb::cql
