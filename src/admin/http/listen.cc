// The transport's settings syntax (Kong's admin_listen, nginx times and sizes) and the small
// pieces of the public header that need no sockets.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/admin/server.h"

namespace kongdb::admin {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(separator, pos);
    out.push_back(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

bool parse_uint(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

tl::expected<ListenAddress, std::string> parse_entry(std::string_view entry) {
  auto invalid = [&](std::string_view why) {
    return tl::unexpected("invalid admin_listen entry '" + std::string(entry) + "': " + std::string(why));
  };
  std::vector<std::string_view> words;
  for (std::string_view w : split(entry, ' '))
    if (!trim(w).empty()) words.push_back(trim(w));
  if (words.empty()) return invalid("empty");

  ListenAddress address;
  std::string_view host_port = words.front();
  size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos) return invalid("expected host:port");
  std::string_view host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return invalid("missing host");
  if (host == "*") host = "0.0.0.0";
  address.host = std::string(host);
  uint64_t port = 0;
  if (!parse_uint(host_port.substr(colon + 1), port) || port > 65535) return invalid("bad port");
  address.port = static_cast<uint16_t>(port);

  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view flag = words[i];
    if (flag == "ssl") {
      address.ssl = true;
    } else if (flag.substr(0, 8) == "backlog=") {
      uint64_t backlog = 0;
      if (!parse_uint(flag.substr(8), backlog) || backlog == 0 || backlog > 65535)
        return invalid("bad backlog");
      address.backlog = static_cast<int>(backlog);
    } else if (flag == "http2" || flag == "reuseport" || flag == "deferred" || flag == "bind" ||
               flag.substr(0, 9) == "ipv6only=" || flag.substr(0, 13) == "so_keepalive=") {
      // Kong's nginx flags with no meaning for this server.
    } else {
      return invalid("unknown flag '" + std::string(flag) + "'");
    }
  }
  return address;
}

}  // namespace

std::string ListenAddress::to_string() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

tl::expected<std::vector<ListenAddress>, std::string> parse_listen(std::string_view value) {
  std::vector<ListenAddress> out;
  value = trim(value);
  if (value == "off" || value.empty()) return out;
  for (std::string_view entry : split(value, ',')) {
    auto parsed = parse_entry(trim(entry));
    if (!parsed) return tl::unexpected(parsed.error());
    out.push_back(*parsed);
  }
  return out;
}

tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view value) {
  std::string_view text = trim(value);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  uint64_t amount = 0;
  std::string_view unit = text.substr(digits);
  if (!parse_uint(text.substr(0, digits), amount) || amount > 1000000000)
    return tl::unexpected("invalid duration '" + std::string(value) + "'");
  int64_t factor;
  if (unit.empty() || unit == "s") factor = 1000;
  else if (unit == "ms") factor = 1;
  else if (unit == "m") factor = 60 * 1000;
  else if (unit == "h") factor = 3600 * 1000;
  else return tl::unexpected("invalid duration '" + std::string(value) + "'");
  return std::chrono::milliseconds(static_cast<int64_t>(amount) * factor);
}

tl::expected<size_t, std::string> parse_size(std::string_view value) {
  std::string_view text = trim(value);
  uint64_t factor = 1;
  if (!text.empty()) {
    char unit = text.back();
    if (unit == 'k' || unit == 'K') factor = 1024;
    if (unit == 'm' || unit == 'M') factor = 1024 * 1024;
    if (unit == 'g' || unit == 'G') factor = 1024 * 1024 * 1024;
    if (factor != 1) text.remove_suffix(1);
  }
  uint64_t amount = 0;
  if (!parse_uint(text, amount) || amount > (uint64_t{1} << 40) / factor)
    return tl::unexpected("invalid size '" + std::string(value) + "'");
  return static_cast<size_t>(amount * factor);
}

Value ServerCounters::to_value() const {
  return Value::object({{"connections_accepted", connections_accepted},
                        {"connections_active", connections_active},
                        {"connections_handled", connections_handled},
                        {"connections_reading", connections_reading},
                        {"connections_waiting", connections_waiting},
                        {"connections_writing", connections_writing},
                        {"total_requests", total_requests}});
}

bool tokens_equal(std::string_view presented, std::string_view expected) {
  // Every byte of the expected token is always compared, so timing reveals neither a
  // matching prefix nor (beyond the configured length) the presented length.
  unsigned char difference = presented.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    difference |= static_cast<unsigned char>(p ^ static_cast<unsigned char>(expected[i]));
  }
  return difference == 0;
}

}  // namespace kongdb::admin
