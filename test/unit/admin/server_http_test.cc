// The Admin API transport over real sockets (port 0 on 127.0.0.1), with small in-test handlers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "kongdb/admin/server.h"
#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool has(const std::string& name) const { return headers.count(name) > 0; }
};

/// A blocking HTTP/1.1 client on a raw socket, so tests control every byte sent.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{30, 0};  // a safety net against a hung test, not an assertion
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }

  void send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// One response; nullopt when the connection closed (or failed) first.
  std::optional<RawResponse> read_response(bool head = false) {
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return std::nullopt;
    RawResponse r;
    std::istringstream lines(buffer_.substr(0, header_end));
    std::string line;
    std::getline(lines, line);
    r.status = std::stoi(line.substr(9, 3));
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(colon + 2);
    }
    buffer_.erase(0, header_end + 4);
    size_t length = 0;
    if (!head && r.has("content-length")) length = std::stoul(r.headers["content-length"]);
    while (buffer_.size() < length)
      if (!fill()) return std::nullopt;
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  /// True when the server closed the connection (reads EOF or reset, nothing else pending).
  bool closed_by_server() {
    if (!buffer_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) + "\r\n";
}

/// Echoes method, target and body size; `/status` reports the server counters.
HandlerFactory echo_factory(std::function<Value()>* status = nullptr) {
  return [status] {
    return [status](const Request& r) {
      Response res;
      res.headers.push_back({"content-type", "application/json"});
      if (r.target == "/status" && status && *status) {
        res.body = json::encode(Value::object({{"server", (*status)()}}));
      } else if (r.target == "/empty") {
        res.status = 204;
      } else {
        res.body = json::encode(Value::object({{"method", r.method},
                                               {"target", r.target},
                                               {"body_size", static_cast<long long>(r.body.size())}}));
      }
      return res;
    };
  };
}

ServerOptions local_options() {
  ServerOptions o;
  o.listeners = {ListenAddress{"127.0.0.1", 0}};
  o.workers = 2;
  return o;
}

std::unique_ptr<Server> start(ServerOptions options, HandlerFactory factory) {
  auto s = Server::start(std::move(options), std::move(factory));
  EXPECT_TRUE(s) << (s ? "" : s.error());
  return s ? std::move(*s) : nullptr;
}

uint16_t port_of(const Server& s) { return s.bound().front().port; }

std::string field(const RawResponse& r, const char* key) {
  auto v = json::parse(r.body);
  if (!v || !v->find(key)) return "";
  const Value* f = v->find(key);
  return f->is_string() ? f->as_string() : json::encode(*f);
}

}  // namespace

TEST(AdminServer, AnswersWithHandlerBodyAndTransportHeaders) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  c.send(get("/services?size=2"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(field(*r, "target"), "/services?size=2");
  EXPECT_EQ(r->headers["content-length"], std::to_string(r->body.size()));
  EXPECT_EQ(r->headers["server"], "kongdb");
  EXPECT_TRUE(r->has("date"));
  EXPECT_TRUE(r->has("x-kong-admin-latency"));
  EXPECT_EQ(r->headers["content-type"], "application/json");
}

TEST(AdminServer, ServerHeaderFromTheHandlerWins) {
  auto server = start(local_options(), [] {
    return [](const Request&) {
      return Response{200, {{"server", "kong/3.9.1-kongdb"}, {"content-type", "text/plain"}}, "x"};
    };
  });
  Client c(port_of(*server));
  c.send(get("/"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["server"], "kong/3.9.1-kongdb");
}

TEST(AdminServer, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  for (int i = 0; i < 5; ++i) {
    c.send(get("/n/" + std::to_string(i)));
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(field(*r, "target"), "/n/" + std::to_string(i));
  }
  EXPECT_EQ(server->counters().connections_accepted, 1);
  EXPECT_EQ(server->counters().total_requests, 5);
}

TEST(AdminServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  std::string burst;
  for (int i = 0; i < 20; ++i) {
    if (i % 2) {
      burst += "POST /p/" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc";
    } else {
      burst += get("/g/" + std::to_string(i));
    }
  }
  c.send(burst);
  for (int i = 0; i < 20; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(field(*r, "target"), (i % 2 ? "/p/" : "/g/") + std::to_string(i));
  }
}

TEST(AdminServer, OversizedBodyGets413AndTheServerKeepsServing) {
  ServerOptions o = local_options();
  o.max_body_bytes = 1000;
  auto server = start(o, echo_factory());
  {
    Client c(port_of(*server));
    c.send("POST /services HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->body, R"({"message":"Payload too large"})");
    EXPECT_EQ(r->headers["connection"], "close");
  }
  {
    Client c(port_of(*server));
    c.send("POST /services HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" 
           "3e8\r\n" + std::string(1000, 'x') + "\r\n10\r\n" + std::string(16, 'y') + "\r\n0\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  Client c(port_of(*server));
  c.send("POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(field(*r, "body_size"), "1000");
}

TEST(AdminServer, ExpectContinueGetsAnInterimResponseThenTheAnswer) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_response(/*head=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  c.send("abcd");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(field(*r, "body_size"), "4");
}

TEST(AdminServer, TooManyOrTooLargeHeadersGet431) {
  ServerOptions o = local_options();
  o.max_header_count = 50;
  auto server = start(o, echo_factory());
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  std::string some;
  for (int i = 0; i < 60; ++i) some += "X-H" + std::to_string(i) + ": v\r\n";
  for (const std::string& headers : {many, some, "X-Big: " + std::string(40000, 'a') + "\r\n"}) {
    Client c(port_of(*server));
    c.send(get("/", headers));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->body, R"({"message":"Request header or cookie too large"})");
  }
  Client c(port_of(*server));
  c.send(get("/still-up"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(AdminServer, OverlongTargetGets414) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  c.send(get("/" + std::string(9000, 'a')));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
}

TEST(AdminServer, GarbageRequestGets400) {
  auto server = start(local_options(), echo_factory());
  for (std::string bad : {"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                          "GET / HTTP/2.0\r\nHost: t\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    Client c(port_of(*server));
    c.send(bad);
    auto r = c.read_response();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->body, R"({"message":"Bad request"})");
  }
}

TEST(AdminServer, SlowClientIsDroppedWhileOthersAreServed) {
  ServerOptions o = local_options();
  o.workers = 1;  // the slow clients share the only event loop with the fast one
  o.header_timeout = std::chrono::milliseconds(300);
  o.body_timeout = std::chrono::milliseconds(300);
  auto server = start(o, echo_factory());
  Client slow(port_of(*server));
  slow.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
  Client slow_body(port_of(*server));
  slow_body.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  Client fast(port_of(*server));
  fast.send(get("/fast"));
  auto r = fast.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_TRUE(slow_body.closed_by_server());
  Client after(port_of(*server));
  after.send(get("/after"));
  auto still = after.read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
}

TEST(AdminServer, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o = local_options();
  o.keepalive_timeout = std::chrono::milliseconds(200);
  auto server = start(o, echo_factory());
  Client c(port_of(*server));
  c.send(get("/"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.closed_by_server());
}

TEST(AdminServer, AdminTokenIsRequiredWhenConfigured) {
  ServerOptions o = local_options();
  o.admin_token = "s3cret";
  auto server = start(o, echo_factory());
  Client c(port_of(*server));
  for (std::string headers : {std::string(), std::string("Kong-Admin-Token: wrong\r\n"),
                              std::string("Kong-Admin-Token: s3cre\r\n")}) {
    c.send(get("/services", headers));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->body, R"({"message":"Invalid credentials. Token or User credentials required"})");
  }
  c.send(get("/services", "kong-admin-token: s3cret\r\n"));
  auto ok = c.read_response();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(AdminServer, WithCorsPreflightsNeedNoTokenAndEveryAnswerCarriesTheOrigin) {
  ServerOptions o = local_options();
  o.admin_token = "s3cret";
  o.cors = true;
  auto server = start(o, echo_factory());
  Client c(port_of(*server));
  c.send("OPTIONS /services HTTP/1.1\r\nHost: t\r\nOrigin: http://127.0.0.1:8002\r\n"
         "Access-Control-Request-Headers: kong-admin-token\r\n\r\n");
  auto preflight = c.read_response();
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 200);  // the echo handler's answer: the token was not asked for
  EXPECT_EQ(preflight->headers["access-control-allow-origin"], "http://127.0.0.1:8002");
  EXPECT_EQ(preflight->headers["access-control-allow-headers"], "kong-admin-token");
  c.send(get("/services", "Origin: http://127.0.0.1:8002\r\n"));
  auto refused = c.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);  // readable by the GUI, which then asks for the token
  EXPECT_EQ(refused->headers["access-control-allow-origin"], "http://127.0.0.1:8002");
}

TEST(AdminServer, HeadKeepsContentLengthWithoutABodyAnd204HasNone) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  c.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\n");
  auto head = c.read_response(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->headers["content-length"], "0");
  c.send(get("/empty"));
  auto empty = c.read_response();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 204);
  EXPECT_FALSE(empty->has("content-length"));
  c.send(get("/after"));  // the connection is still in sync: no stray body bytes were sent
  auto after = c.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(field(*after, "target"), "/after");
}

TEST(AdminServer, Http10ClientsGetTheirConnectionClosed) {
  auto server = start(local_options(), echo_factory());
  Client c(port_of(*server));
  c.send("GET /old HTTP/1.0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(AdminServer, HandlerExceptionBecomes500AndTheWorkerSurvives) {
  auto server = start(local_options(), [] {
    return [](const Request& r) -> Response {
      if (r.target == "/boom") throw std::runtime_error("bug");
      return Response{200, {}, "ok"};
    };
  });
  Client c(port_of(*server));
  c.send(get("/boom"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"message":"An unexpected error occurred"})");
  c.send(get("/fine"));
  auto fine = c.read_response();
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
}

TEST(AdminServer, EachWorkerGetsItsOwnHandlerCalledOnOneThread) {
  std::mutex m;
  std::map<int, std::set<std::thread::id>> threads_by_handler;
  std::atomic<int> handlers{0};
  ServerOptions o = local_options();
  o.workers = 3;
  auto server = start(o, [&] {
    int id = handlers++;
    return [&, id](const Request&) {
      std::lock_guard lock(m);
      threads_by_handler[id].insert(std::this_thread::get_id());
      return Response{200, {}, "ok"};
    };
  });
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 9; ++i) clients.push_back(std::make_unique<Client>(port_of(*server)));
  for (auto& c : clients) {
    c->send(get("/"));
    ASSERT_TRUE(c->read_response());
  }
  EXPECT_EQ(handlers.load(), 3);
  std::set<std::thread::id> all;
  for (auto& [id, threads] : threads_by_handler) {
    EXPECT_EQ(threads.size(), 1u) << "handler " << id;
    all.insert(threads.begin(), threads.end());
  }
  EXPECT_EQ(all.size(), threads_by_handler.size());
}

TEST(AdminServer, CountersDescribeConnectionsAndRequests) {
  std::function<Value()> status;
  ServerOptions o = local_options();
  o.workers = 1;  // one event loop: the idle connection is settled before /status is handled
  auto server = start(o, echo_factory(&status));
  status = server->status_provider();
  Client idle(port_of(*server));
  idle.send(get("/warm-up"));
  ASSERT_TRUE(idle.read_response());
  Client c(port_of(*server));
  c.send(get("/status"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  auto body = json::parse(r->body);
  ASSERT_TRUE(body);
  const Value& s = *body->find("server");
  EXPECT_EQ(s.find("connections_accepted")->as_integer(), 2);
  EXPECT_EQ(s.find("connections_handled")->as_integer(), 2);
  EXPECT_EQ(s.find("connections_active")->as_integer(), 2);
  EXPECT_EQ(s.find("connections_writing")->as_integer(), 1);  // the request being answered
  EXPECT_EQ(s.find("connections_reading")->as_integer(), 0);
  EXPECT_EQ(s.find("connections_waiting")->as_integer(), 1);  // the idle keep-alive one
  EXPECT_EQ(s.find("total_requests")->as_integer(), 2);
}

TEST(AdminServer, StopFinishesTheInFlightRequestThenExits) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  auto server = start(local_options(), [&] {
    return [&, released](const Request& r) {
      if (r.target == "/slow") {
        entered.set_value();
        released.wait();
      }
      return Response{200, {}, "done"};
    };
  });
  Client busy(port_of(*server));
  Client idle(port_of(*server));
  idle.send(get("/"));
  ASSERT_TRUE(idle.read_response());
  busy.send(get("/slow"));
  entered.get_future().wait();
  server->stop();
  release.set_value();
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(idle.closed_by_server());
  server->wait();
  Client refused(port_of(*server));
  EXPECT_FALSE(refused.connected());
}

TEST(AdminServer, ListenerAlreadyInUseIsAClearError) {
  auto first = start(local_options(), echo_factory());
  ServerOptions o = local_options();
  o.listeners = {ListenAddress{"127.0.0.1", port_of(*first)}};
  auto second = Server::start(o, echo_factory());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("could not bind admin listener 127.0.0.1:" +
                                std::to_string(port_of(*first))),
            std::string::npos)
      << second.error();
  EXPECT_NE(second.error().find("in use"), std::string::npos) << second.error();
}

TEST(AdminServer, SslListenerWithoutCertificateIsAClearError) {
  ServerOptions o = local_options();
  o.listeners = {ListenAddress{"127.0.0.1", 0, true}};
  auto s = Server::start(o, echo_factory());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "an ssl admin listener needs admin_ssl_cert and admin_ssl_cert_key");
  o.ssl_cert_path = "/nonexistent/cert.pem";
  o.ssl_key_path = "/nonexistent/key.pem";
  auto missing = Server::start(o, echo_factory());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot load admin_ssl_cert '/nonexistent/cert.pem'"), std::string::npos);
}

TEST(AdminServer, AccessLogGetsOneCombinedLinePerRequest) {
  std::string path = ::testing::TempDir() + "admin_access_" + std::to_string(::getpid()) + ".log";
  std::remove(path.c_str());
  ServerOptions o = local_options();
  o.access_log = path;
  {
    auto server = start(o, echo_factory());
    Client c(port_of(*server));
    c.send(get("/services?a=\"b\"", "User-Agent: test-agent\r\n"));
    ASSERT_TRUE(c.read_response());
    c.send(get("/x" + std::string(9000, 'a')));
    ASSERT_TRUE(c.read_response());
  }
  std::ifstream in(path);
  std::string first, second, extra;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_FALSE(std::getline(in, extra));
  EXPECT_EQ(first.rfind("127.0.0.1 - - [", 0), 0u) << first;
  EXPECT_NE(first.find(R"("GET /services?a=\x22b\x22 HTTP/1.1" 200 )"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("-" "test-agent")"), std::string::npos) << first;
  EXPECT_NE(second.find("\" 414 "), std::string::npos) << second;
  std::remove(path.c_str());
}

TEST(AdminServer, UnopenableAccessLogIsAClearError) {
  ServerOptions o = local_options();
  o.access_log = "/nonexistent-dir/access.log";
  auto s = Server::start(o, echo_factory());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("cannot open admin_access_log '/nonexistent-dir/access.log'"), std::string::npos);
}

TEST(AdminListen, ParsesKongListenSyntax) {
  auto l = parse_listen("127.0.0.1:8001 reuseport backlog=16384, 127.0.0.1:8444 http2 ssl, [::1]:9000");
  ASSERT_TRUE(l) << l.error();
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ((*l)[0].host, "127.0.0.1");
  EXPECT_EQ((*l)[0].port, 8001);
  EXPECT_FALSE((*l)[0].ssl);
  EXPECT_EQ((*l)[0].backlog, 16384);
  EXPECT_TRUE((*l)[1].ssl);
  EXPECT_EQ((*l)[2].host, "::1");
  EXPECT_EQ((*l)[2].to_string(), "[::1]:9000");
  EXPECT_TRUE(parse_listen("off")->empty());
}

TEST(AdminListen, RejectsMalformedEntriesNamingThem) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:99999", "127.0.0.1:80 sslx", ":80", "a:b",
                          "127.0.0.1:80 backlog=0", "127.0.0.1:8001,"}) {
    auto l = parse_listen(bad);
    ASSERT_FALSE(l) << bad;
    EXPECT_EQ(l.error().rfind("invalid admin_listen entry '", 0), 0u) << l.error();
  }
}

TEST(AdminListen, ParsesNginxDurationsAndSizes) {
  EXPECT_EQ(parse_duration("60s")->count(), 60000);
  EXPECT_EQ(parse_duration("15")->count(), 15000);
  EXPECT_EQ(parse_duration("250ms")->count(), 250);
  EXPECT_EQ(parse_duration("2m")->count(), 120000);
  EXPECT_FALSE(parse_duration("fast"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_EQ(*parse_size("10m"), 10u * 1024 * 1024);
  EXPECT_EQ(*parse_size("512k"), 512u * 1024);
  EXPECT_EQ(*parse_size("100"), 100u);
  EXPECT_FALSE(parse_size("10x"));
  EXPECT_FALSE(parse_size(""));
}

TEST(AdminToken, ComparesWholeTokensOnly) {
  EXPECT_TRUE(tokens_equal("abc", "abc"));
  EXPECT_FALSE(tokens_equal("ab", "abc"));
  EXPECT_FALSE(tokens_equal("abcd", "abc"));
  EXPECT_FALSE(tokens_equal("abd", "abc"));
  EXPECT_FALSE(tokens_equal("", "abc"));
}

}  // namespace kongdb::admin
