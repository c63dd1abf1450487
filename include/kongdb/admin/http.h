// The seam between the Admin API's transport (src/admin/http: sockets, HTTP/1.1, TLS, limits)
// and its handler (src/admin/api: routing, endpoints, Kong's bodies). The handler is a pure
// function of a Request, so it is unit-testable without sockets and the server stays swappable.
//
//   admin::Response r = handler(admin::Request{.method = "GET", .target = "/services?size=2"});
//   r.status == 200; r.body == R"({"data":[...],"next":null})"
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kongdb::admin {

struct Header {
  std::string name;  ///< lower-case
  std::string value;
};

struct Request {
  std::string method;  ///< upper-case: "GET", "POST", ...
  std::string target;  ///< as sent: path plus optional "?query", still percent-encoded
  std::vector<Header> headers;
  std::string body;

  /// The first header of that (lower-case) name, or empty.
  std::string_view header(std::string_view lower_name) const {
    for (const auto& h : headers)
      if (h.name == lower_name) return h.value;
    return {};
  }
};

struct Response {
  int status = 200;
  std::vector<Header> headers;  ///< content-type included when there is a body
  std::string body;
};

/// Handles one request. Called on one thread only: the server asks a HandlerFactory for one
/// handler per worker thread, so each handler may own a thread-bound DB.
using Handler = std::function<Response(const Request&)>;
using HandlerFactory = std::function<Handler()>;

}  // namespace kongdb::admin
