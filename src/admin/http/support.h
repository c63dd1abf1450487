// Socket-free helpers of the HTTP server: the access log, HTTP and log timestamps, and Kong's
// JSON bodies for transport-level errors. Kept out of server.cc so it stays testable and
// cheap to compile.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/admin/http.h"

namespace kongdb::admin::http_support {

/// Appends one line per request with a single write(2), so lines from several worker threads
/// never interleave.
class AccessLog {
 public:
  /// "off" (or empty) -> nullptr; "stdout"/"stderr"; otherwise a file opened for append.
  static tl::expected<std::shared_ptr<AccessLog>, std::string> open(const std::string& target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(std::string_view line) const;

 private:
  AccessLog(int fd, bool owned) : fd_(fd), owned_(owned) {}
  int fd_;
  bool owned_;
};

struct AccessEntry {
  std::string_view remote_addr;
  std::string_view method;
  std::string_view target;
  unsigned version = 11;  ///< 10 or 11
  int status = 0;
  size_t body_bytes = 0;
  std::string_view referer;
  std::string_view user_agent;
};

/// nginx's "combined" format: `addr - - [28/Nov/2026:18:21:02 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/7.88.1"\n`.
std::string combined_line(const AccessEntry& entry, std::chrono::system_clock::time_point now);

/// RFC 9110 IMF-fixdate ("Sat, 28 Nov 2026 18:21:02 GMT"), cached per thread per second.
const std::string& http_date(std::chrono::system_clock::time_point now);

/// Kong's transport error bodies (kong/error_handlers.lua): {"message":"Payload too large"}.
std::string error_body(int status);
/// The body for a 401 when the admin token is missing or wrong.
std::string unauthorized_body();

/// Kong's cors_filter: adds Access-Control-Allow-Origin/-Credentials to `response` and, for an
/// OPTIONS request, allows the headers named by its Access-Control-Request-Headers.
/// `allowed_origins` empty: the request's Origin is echoed (or "*" without one).
void add_cors_headers(const Request& request, const std::vector<std::string>& allowed_origins,
                      Response& response);

}  // namespace kongdb::admin::http_support
