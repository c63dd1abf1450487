#include "admin/http/support.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "kongdb/core/json.h"

namespace kongdb::admin::http_support {

tl::expected<std::shared_ptr<AccessLog>, std::string> AccessLog::open(const std::string& target) {
  if (target.empty() || target == "off") return std::shared_ptr<AccessLog>();
  if (target == "stdout" || target == "/dev/stdout")
    return std::shared_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false));
  if (target == "stderr" || target == "/dev/stderr")
    return std::shared_ptr<AccessLog>(new AccessLog(STDERR_FILENO, false));
  int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return tl::unexpected("cannot open admin_access_log '" + target + "': " + std::strerror(errno));
  return std::shared_ptr<AccessLog>(new AccessLog(fd, true));
}

AccessLog::~AccessLog() {
  if (owned_) ::close(fd_);
}

void AccessLog::write(std::string_view line) const {
  // A failed or short log write must not fail the request; the log is best effort.
  ssize_t written = ::write(fd_, line.data(), line.size());
  (void)written;
}

namespace {

std::tm utc(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/// Printable field for the log: '"' and control bytes escaped as nginx does (\xHH).
void append_escaped(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += '-';
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

std::string combined_line(const AccessEntry& e, std::chrono::system_clock::time_point now) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached_time[40];
  std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != cached_second) {
    std::tm tm = utc(now);
    std::snprintf(cached_time, sizeof cached_time, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = second;
  }
  std::string line;
  line.reserve(128 + e.target.size() + e.user_agent.size());
  line.append(e.remote_addr);
  line += " - - [";
  line += cached_time;
  line += "] \"";
  append_escaped(line, e.method);
  line += ' ';
  append_escaped(line, e.target);
  line += e.version == 10 ? " HTTP/1.0\" " : " HTTP/1.1\" ";
  line += std::to_string(e.status);
  line += ' ';
  line += std::to_string(e.body_bytes);
  line += " \"";
  append_escaped(line, e.referer);
  line += "\" \"";
  append_escaped(line, e.user_agent);
  line += "\"\n";
  return line;
}

const std::string& http_date(std::chrono::system_clock::time_point now) {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != cached_second) {
    std::tm tm = utc(now);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached = buf;
    cached_second = second;
  }
  return cached;
}

std::string error_body(int status) {
  std::string_view message;
  switch (status) {
    case 400: message = "Bad request"; break;
    case 404: message = "Not found"; break;
    case 405: message = "Method not allowed"; break;
    case 408: message = "Request timeout"; break;
    case 411: message = "Length required"; break;
    case 413: message = "Payload too large"; break;
    case 414: message = "URI too long"; break;
    case 417: message = "Expectation failed"; break;
    case 431: message = "Request header or cookie too large"; break;
    case 500: message = "An unexpected error occurred"; break;
    case 501: message = "Not implemented"; break;
    case 503: message = "Service unavailable"; break;
    default: message = "Bad request"; break;
  }
  std::string body = "{\"message\":";
  json::append_quoted(body, message);
  body += '}';
  return body;
}

std::string unauthorized_body() {
  return R"({"message":"Invalid credentials. Token or User credentials required"})";
}

void add_cors_headers(const Request& request, const std::vector<std::string>& allowed_origins,
                      Response& response) {
  std::string origin(request.header("origin"));
  if (!allowed_origins.empty()) {
    bool allowed = false;
    for (const auto& o : allowed_origins) allowed = allowed || o == origin;
    if (!allowed) origin = allowed_origins.front();
  } else if (origin.empty()) {
    origin = "*";
  }
  auto set = [&response](std::string name, std::string value) {
    for (auto& h : response.headers) {
      if (h.name == name) {
        h.value = std::move(value);
        return;
      }
    }
    response.headers.push_back({std::move(name), std::move(value)});
  };
  set("access-control-allow-origin", std::move(origin));
  set("access-control-allow-credentials", "true");
  if (request.method == "OPTIONS") {
    if (auto asked = request.header("access-control-request-headers"); !asked.empty())
      set("access-control-allow-headers", std::string(asked));
  }
}

}  // namespace kongdb::admin::http_support
