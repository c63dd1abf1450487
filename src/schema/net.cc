#include "schema/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmath>
#include <cstdlib>
#include <vector>

namespace kongdb::schema::net {
namespace {

// Lua character classes in the C locale (LuaJIT's tables are ASCII only);
// <cctype> would be locale dependent and UB for negative chars.
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
bool is_xdigit(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int hex_value(unsigned char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Value of a digit string that Lua's tonumber would give, saturated: anything
// above 65535 only needs to be "too big".
long digits_value(std::string_view s) {
  long v = 0;
  for (unsigned char c : s) {
    v = v * 10 + (c - '0');
    if (v > 1000000) return 1000000;
  }
  return v;
}

std::string str(std::string_view s) { return std::string(s); }

void set_err(std::string* err, std::string msg) {
  if (err) *err = std::move(msg);
}

// inet_pton on a C string: like Kong's FFI call, stops at the first NUL.
bool pton4(std::string_view s) {
  std::string c(s);
  in_addr a{};
  return inet_pton(AF_INET, c.c_str(), &a) == 1;
}

bool pton6(std::string_view s) {
  std::string c(s);
  in6_addr a{};
  return inet_pton(AF_INET6, c.c_str(), &a) == 1;
}

// Kong: kong/tools/ip.lua split_cidr (split_once on the first '/') plus the
// exact-text prefix table lookup.
std::optional<std::string_view> cidr_address(std::string_view s, int max_prefix) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view prefix = s.substr(slash + 1);
  if (!all_digits(prefix) || prefix.size() > 3) return std::nullopt;
  if (prefix.size() > 1 && prefix[0] == '0') return std::nullopt;  // "08" is not a key
  if (digits_value(prefix) > max_prefix) return std::nullopt;
  return s.substr(0, slash);
}

std::string zero_pad4(std::string_view group) {
  std::string out(4 - group.size(), '0');
  for (unsigned char c : group) out += static_cast<char>(c >= 'A' && c <= 'F' ? c + 32 : c);
  return out;
}

std::string port_suffix(const std::optional<int>& port) {
  return port ? ":" + std::to_string(*port) : std::string();
}

// Shared tail of validate_host / validate_sni / validate_wildcard_host; the
// "invalid value" message echoes the (possibly wildcard-substituted) host.
std::optional<std::string> host_no_port_check(std::string_view host, bool reject_ip) {
  std::string err;
  auto res = normalize_host_port(host, &err);
  if (!res && err != "invalid port number") return "invalid value: " + str(host);
  if (reject_ip && res && res->type != HostType::Name) return "must not be an IP";
  if (!res || res->port) return "must not have a port";
  return std::nullopt;
}

// Kong: typedefs.lua validate_path (RFC 3986 pattern + percent-encoding).
enum class PathError { None, Rfc3986, Percent };

bool rfc3986_path_char(unsigned char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '.': case '-': case '_': case '~': case '/': case '%': case ':': case '@':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
    case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

PathError validate_path(std::string_view path, std::string* msg) {
  bool ok = !path.empty() && path[0] == '/';
  for (size_t i = 1; ok && i < path.size(); ++i) ok = rfc3986_path_char(path[i]);
  if (!ok) {
    *msg = "invalid path: '" + str(path) +
           "' (characters outside of the reserved list of RFC 3986 found)";
    return PathError::Rfc3986;
  }
  // Kong replaces each valid %XX by "___" and reports the first leftover '%'
  // with up to two following chars of the *rewritten* text.
  std::string raw;
  raw.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    if (path[i] == '%' && i + 2 < path.size() && is_xdigit(path[i + 1]) &&
        is_xdigit(path[i + 2])) {
      raw += "___";
      i += 3;
    } else {
      raw += path[i++];
    }
  }
  auto pct = raw.find('%');
  if (pct != std::string::npos) {
    *msg = "invalid url-encoded value: '" + raw.substr(pct, 3) + "'";
    return PathError::Percent;
  }
  return PathError::None;
}

bool uri_reserved(unsigned char c) {
  static constexpr std::string_view reserved = "!*'();:@&=+$,/?%#[]";
  return reserved.find(static_cast<char>(c)) != std::string_view::npos;
}

// Kong: kong/tools/string.lua validate_utf8, one anchored step. Returns the
// sequence length at s[i], or 0 if invalid.
size_t utf8_step(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> int { return k < s.size() ? static_cast<unsigned char>(s[k]) : -1; };
  auto in = [](int b, int lo, int hi) { return b >= lo && b <= hi; };
  int b0 = at(i), b1 = at(i + 1), b2 = at(i + 2), b3 = at(i + 3);
  if (b0 < 128) return 1;
  if (in(b0, 194, 223) && in(b1, 123, 191)) return 2;  // sic: 123, not 128
  if ((b0 == 224 && in(b1, 160, 191) && in(b2, 128, 191)) ||
      (in(b0, 225, 236) && in(b1, 128, 191) && in(b2, 128, 191)) ||
      (b0 == 237 && in(b1, 128, 159) && in(b2, 128, 191)) ||
      (in(b0, 238, 239) && in(b1, 128, 191) && in(b2, 128, 191)))
    return 3;
  if ((b0 == 240 && in(b1, 144, 191) && in(b2, 128, 191) && in(b3, 128, 191)) ||
      (in(b0, 241, 243) && in(b1, 128, 191) && in(b2, 128, 191) && in(b3, 128, 191)) ||
      (b0 == 244 && in(b1, 128, 143) && in(b2, 128, 191) && in(b3, 128, 191)))
    return 4;
  return 0;
}

}  // namespace

// Kong: kong/tools/ip.lua hostname_type
HostType hostname_type(std::string_view name) {
  size_t colons = 0;
  bool ipv4_chars = true, any = false;
  for (unsigned char c : name) {
    if (c == ':') {
      ++colons;
      continue;
    }
    any = true;
    if (!is_digit(c) && c != '.') ipv4_chars = false;
  }
  if (colons > 1) return HostType::IPv6;
  if (any && ipv4_chars) return HostType::IPv4;
  return HostType::Name;
}

// Kong: kong/tools/ip.lua normalize_ipv4
std::optional<HostPort> normalize_ipv4(std::string_view address, std::string* err) {
  auto invalid = [&] {
    set_err(err, "invalid ipv4 address: " + str(address));
    return std::nullopt;
  };
  std::string_view ip = address;
  std::optional<std::string_view> port_text;
  if (auto colon = address.find(':'); colon != std::string_view::npos) {
    ip = address.substr(0, colon);
    port_text = address.substr(colon + 1);
    if (!all_digits(*port_text)) return invalid();
  }
  // four groups of 1-3 digits
  int octets[4];
  size_t pos = 0;
  for (int k = 0; k < 4; ++k) {
    size_t start = pos;
    while (pos < ip.size() && is_digit(ip[pos]) && pos - start < 3) ++pos;
    if (pos == start) return invalid();
    octets[k] = static_cast<int>(digits_value(ip.substr(start, pos - start)));
    if (k < 3) {
      if (pos >= ip.size() || ip[pos] != '.') return invalid();
      ++pos;
    }
  }
  if (pos != ip.size()) return invalid();
  for (int o : octets)
    if (o > 255) return invalid();
  HostPort hp;
  hp.type = HostType::IPv4;
  hp.host = std::to_string(octets[0]) + "." + std::to_string(octets[1]) + "." +
            std::to_string(octets[2]) + "." + std::to_string(octets[3]);
  if (port_text) {
    long p = digits_value(*port_text);
    if (p > 65535) {
      set_err(err, "invalid port number");
      return std::nullopt;
    }
    hp.port = static_cast<int>(p);
  }
  return hp;
}

// Kong: kong/tools/ip.lua normalize_ipv6
std::optional<HostPort> normalize_ipv6(std::string_view address, std::string* err) {
  std::string check;
  std::optional<int> port;
  // "^(%b[])(.-)$": a balanced [...] at the very start, then anything.
  size_t close = std::string_view::npos;
  if (!address.empty() && address[0] == '[') {
    int depth = 0;
    for (size_t i = 0; i < address.size(); ++i) {
      if (address[i] == '[') ++depth;
      else if (address[i] == ']' && --depth == 0) {
        close = i;
        break;
      }
    }
  }
  if (close != std::string_view::npos) {
    check = str(address.substr(1, close - 1));
    std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      // "^:(%d-)$"; an empty digit run makes Kong crash, we call it invalid.
      if (rest[0] != ':' || !all_digits(rest.substr(1))) {
        set_err(err, "invalid ipv6 address");
        return std::nullopt;
      }
      long p = digits_value(rest.substr(1));
      if (p > 65535) {
        set_err(err, "invalid port number");
        return std::nullopt;
      }
      port = static_cast<int>(p);
    }
  } else {
    check = str(address);
  }
  if (!check.empty() && check.front() == ':') check.insert(check.begin(), '0');
  if (!check.empty() && check.back() == ':') check.push_back('0');
  if (auto dc = check.find("::"); dc != std::string::npos) {
    long colons = 0;
    for (char c : check) colons += c == ':';
    std::string ins = ":";
    for (long k = 0; k < 8 - colons; ++k) ins += "0:";
    check.replace(dc, 2, ins);
  }
  // exactly 8 groups of 1-4 hex digits
  std::string out;
  size_t pos = 0;
  for (int k = 0; k < 8; ++k) {
    size_t start = pos;
    while (pos < check.size() && is_xdigit(check[pos]) && pos - start < 4) ++pos;
    bool ok = pos > start;
    if (ok && k < 7) ok = pos < check.size() && check[pos] == ':';
    if (!ok) {
      set_err(err, "invalid ipv6 address: " + str(address));
      return std::nullopt;
    }
    if (k) out += ':';
    out += zero_pad4(std::string_view(check).substr(start, pos - start));
    if (k < 7) ++pos;
  }
  if (pos != check.size()) {
    set_err(err, "invalid ipv6 address: " + str(address));
    return std::nullopt;
  }
  return HostPort{std::move(out), port, HostType::IPv6};
}

// Kong: kong/tools/ip.lua check_hostname
std::optional<HostPort> check_hostname(std::string_view address, std::string* err) {
  std::string_view name = address;
  std::optional<int> port;
  // ":(%d+)$" - the first ':' followed only by digits up to the end.
  for (size_t i = 0; i < address.size(); ++i) {
    if (address[i] == ':' && all_digits(address.substr(i + 1))) {
      long p = digits_value(address.substr(i + 1));
      if (p > 65535) {
        set_err(err, "invalid port number");
        return std::nullopt;
      }
      port = static_cast<int>(p);
      name = address.substr(0, i);
      break;
    }
  }
  auto invalid = [&] {
    set_err(err, "invalid hostname: " + str(address));
    return std::nullopt;
  };
  if (name.empty()) return invalid();
  for (unsigned char c : name)
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return invalid();
  // No label may end in '-'; only the last label may be empty (FQDN dot).
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    bool last = dot == std::string_view::npos;
    if (!label.empty() && label.back() == '-') return invalid();
    if (label.empty() && !last) return invalid();
    if (last) break;
    start = dot + 1;
  }
  return HostPort{str(name), port, HostType::Name};
}

// Kong: kong/tools/ip.lua normalize_ip
std::optional<HostPort> normalize_host_port(std::string_view address, std::string* err) {
  switch (hostname_type(address)) {
    case HostType::IPv4: return normalize_ipv4(address, err);
    case HostType::IPv6: return normalize_ipv6(address, err);
    case HostType::Name: return check_hostname(address, err);
  }
  return std::nullopt;
}

// Kong: kong/tools/ip.lua format_host
std::string format_host(const HostPort& p, std::optional<int> default_port) {
  std::optional<int> port = p.port ? p.port : default_port;
  if (p.type == HostType::IPv6 && p.host.find('[') == std::string::npos) {
    auto expanded = normalize_ipv6(p.host, nullptr);
    return "[" + (expanded ? expanded->host : p.host) + "]" + port_suffix(port);
  }
  return p.host + port_suffix(port);
}

// Kong: kong/tools/ip.lua is_valid_* (via resty.ipmatcher)
bool is_valid_ipv4(std::string_view s) { return pton4(s); }

bool is_valid_ipv6(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  return pton6(s);
}

bool is_valid_ip(std::string_view s) { return is_valid_ipv4(s) || is_valid_ipv6(s); }

bool is_valid_cidr_v4(std::string_view s) {
  auto ip = cidr_address(s, 32);
  return ip && is_valid_ipv4(*ip);
}

bool is_valid_cidr_v6(std::string_view s) {
  auto ip = cidr_address(s, 128);
  return ip && is_valid_ipv6(*ip);
}

bool is_valid_ip_or_cidr(std::string_view s) {
  return is_valid_ip(s) || is_valid_cidr_v4(s) || is_valid_cidr_v6(s);
}

bool is_valid_ip_or_cidr_v4(std::string_view s) {
  return is_valid_ipv4(s) || is_valid_cidr_v4(s);
}

// Kong: typedefs.lua validate_host
std::optional<std::string> check_host(std::string_view host) {
  return host_no_port_check(host, false);
}

// Kong: typedefs.lua validate_host_with_optional_port
std::optional<std::string> check_host_with_optional_port(std::string_view host) {
  std::string err;
  if (normalize_host_port(host, &err)) return std::nullopt;
  return err;
}

// Kong: typedefs.lua validate_wildcard_host
std::optional<std::string> check_wildcard_host(std::string_view host) {
  auto idx = host.find('*');
  if (idx == std::string_view::npos) return host_no_port_check(host, true);
  if (idx != 0 && idx != host.size() - 1)
    return "wildcard must be leftmost or rightmost character";
  std::string mock;
  int count = 0;
  for (char c : host) {
    if (c == '*') {
      mock += "wildcard";
      ++count;
    } else {
      mock += c;
    }
  }
  if (count > 1) return "only one wildcard must be specified";
  return host_no_port_check(mock, true);
}

// Kong: typedefs.lua validate_sni
std::optional<std::string> check_sni(std::string_view host) {
  return host_no_port_check(host, true);
}

// Kong: typedefs.lua validate_ip
std::optional<std::string> check_ip(std::string_view ip) {
  if (is_valid_ip(ip)) return std::nullopt;
  return "not an ip address: " + str(ip);
}

// Kong: typedefs.lua validate_ip_or_cidr
std::optional<std::string> check_ip_or_cidr(std::string_view v) {
  if (is_valid_ip_or_cidr(v)) return std::nullopt;
  return "invalid ip or cidr range: '" + str(v) + "'";
}

// Kong: typedefs.lua validate_ip_or_cidr_v4
std::optional<std::string> check_cidr_v4(std::string_view v) {
  if (is_valid_ip_or_cidr_v4(v)) return std::nullopt;
  return "invalid ipv4 cidr range: '" + str(v) + "'";
}

// Kong: typedefs.path (starts_with, match_none, custom_validator)
std::optional<std::string> check_path(std::string_view path) {
  if (path.substr(0, 1) != "/") return "should start with: /";
  if (path.find("//") != std::string_view::npos) return "must not have empty segments";
  std::string msg;
  if (validate_path(path, &msg) != PathError::None) return msg;
  return std::nullopt;
}

// Kong: typedefs.hosts element (match_all, match_any, validate_host_with_wildcards)
std::optional<std::string> check_route_host(std::string_view host) {
  size_t stars = 0;
  for (char c : host) stars += c == '*';
  if (stars > 1) return "invalid wildcard: must have at most one wildcard";
  bool placed = stars == 0 || host.substr(0, 2) == "*." ||
                (host.size() >= 2 && host.substr(host.size() - 2) == ".*");
  if (!placed) return "invalid wildcard: must be placed at leftmost or rightmost label";
  std::string no_wildcards;
  for (char c : host) {
    if (c == '*') no_wildcards += "abc";
    else no_wildcards += c;
  }
  return check_host_with_optional_port(no_wildcards);
}

// Kong: typedefs.router_path (match_any, match_none, validate_path_with_regexes)
std::optional<std::string> check_router_path(std::string_view path,
                                             const RegexErrorFn& regex_error) {
  // Kong runs match_none ("//") before match_any (the prefix check).
  if (path.find("//") != std::string_view::npos) return "must not have empty segments";
  if (path.substr(0, 1) != "/" && path.substr(0, 2) != "~/")
    return "should start with: / (fixed path) or ~/ (regex path)";
  std::string msg;
  // Only the percent-encoding failure counts; the RFC 3986 one is ignored.
  if (validate_path(path, &msg) == PathError::Percent) return msg;
  if (path[0] != '~') {
    std::string normalized = normalize_uri_path(path, true);
    if (normalized != path)
      return "non-normalized path, consider use '" + normalized + "' instead";
    return std::nullopt;
  }
  std::string_view regex = path.substr(1);
  if (regex_error) {
    if (auto e = regex_error(regex))
      return "invalid regex: '" + str(regex) + "' (PCRE returned: " + *e + ")";
  }
  return std::nullopt;
}

std::optional<std::string> check_plain_router_path(std::string_view path) {
  return check_router_path(path, nullptr);
}

// Kong: kong/tools/uri.lua normalize
std::string normalize_uri_path(std::string_view in, bool merge_slashes) {
  if (in.empty() || in == "/") return str(in);
  std::string uri;
  if (in.find('%') != std::string_view::npos) {
    uri.reserve(in.size());
    for (size_t i = 0; i < in.size();) {
      if (in[i] == '%' && i + 2 < in.size() && is_xdigit(in[i + 1]) && is_xdigit(in[i + 2])) {
        int num = hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]);
        if (uri_reserved(static_cast<unsigned char>(num))) {
          uri += '%';
          for (int k = 1; k <= 2; ++k) {
            char c = in[i + k];
            uri += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 32) : c;
          }
        } else {
          uri += static_cast<char>(num);
        }
        i += 3;
      } else {
        uri += in[i++];
      }
    }
  } else {
    uri = str(in);
  }
  if (uri.find('.') == std::string::npos &&
      (!merge_slashes || uri.find("//") == std::string::npos))
    return uri;

  // Remove dot segments; output items keep their leading '/'.
  std::vector<std::string_view> out;
  std::string_view r = uri;
  while (!r.empty()) {
    // Kong compares the first four bytes; 0 stands for "past the end".
    char c1 = r[0], c2 = r.size() > 1 ? r[1] : 0, c3 = r.size() > 2 ? r[2] : 0,
         c4 = r.size() > 3 ? r[3] : 0;
    if (r == "/.") {
      r = "/";
    } else if (r == "/..") {
      r = "/";
      if (!out.empty()) out.pop_back();
    } else if (r == "." || r == "..") {
      r = {};
    } else if (c1 == '.' && c2 == '.' && c3 == '/') {  // ../
      r.remove_prefix(3);
    } else if (c1 == '.' && c2 == '/') {  // ./
      r.remove_prefix(2);
    } else if (c1 == '/' && c2 == '.' && c3 == '/') {  // /./
      r.remove_prefix(2);
    } else if (c1 == '/' && c2 == '.' && c3 == '.' && c4 == '/') {  // /../
      r.remove_prefix(3);
      if (!out.empty()) out.pop_back();
    } else if (merge_slashes && c1 == '/' && c2 == '/') {  // //
      r.remove_prefix(1);
    } else {
      size_t i = r.find('/', 1);
      if (i == std::string_view::npos) {
        out.push_back(r);
        r = {};
      } else {
        out.push_back(r.substr(0, i));
        r.remove_prefix(i);
      }
    }
  }
  std::string result;
  for (auto seg : out) result += seg;
  return result;
}

// Kong: kong/tools/string.lua validate_utf8
std::optional<size_t> find_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 128) {  // ASCII fast path
      ++i;
      continue;
    }
    size_t n = utf8_step(s, i);
    if (n == 0) return i + 1;
    i += n;
  }
  return std::nullopt;
}

// Kong: typedefs.lua validate_utf8_string
std::optional<std::string> check_utf8(std::string_view s) {
  if (auto pos = find_invalid_utf8(s))
    return "invalid utf-8 character sequence detected at position " + std::to_string(*pos);
  return std::nullopt;
}

// Kong: typedefs.lua validate_name
std::optional<std::string> check_name(std::string_view name) {
  bool ok = !name.empty();
  for (unsigned char c : name)
    ok = ok && (is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~');
  if (ok) return std::nullopt;
  return "invalid value '" + str(name) +
         "': it must only contain alphanumeric and '., -, _, ~' characters";
}

// Kong: typedefs.lua validate_utf8_name
std::optional<std::string> check_utf8_name(std::string_view name) {
  if (auto e = check_utf8(name)) return e;
  bool ok = !name.empty();
  for (unsigned char c : name)
    ok = ok && (is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
                (c >= 128 && c <= 244));
  if (ok) return std::nullopt;
  return "invalid value '" + str(name) +
         "': the only accepted ascii characters are alphanumerics or ., -, _, and ~";
}

// Kong: typedefs.lua validate_tag
std::optional<std::string> check_tag(std::string_view tag) {
  if (auto e = check_utf8(tag)) return e;
  bool ok = !tag.empty();
  for (unsigned char c : tag)
    ok = ok && ((c >= 32 && c <= 126 && c != ',' && c != '/') || (c >= 128 && c <= 244));
  if (ok) return std::nullopt;
  return "invalid tag '" + str(tag) +
         "': expected printable ascii (except `,` and `/`) or valid utf-8 sequences";
}

// LuaJIT tonumber(string), restricted to what a URL port can carry.
std::optional<double> lua_tonumber(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '-' || body[0] == '+') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    double v = 0;
    for (unsigned char c : body.substr(2)) {
      if (!is_xdigit(c)) return std::nullopt;
      v = v * 16 + hex_value(c);
    }
    return neg ? -v : v;
  }
  // digits [. digits] [e [sign] digits], at least one mantissa digit
  size_t i = 0, mant = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++mant;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++mant;
  }
  if (mant == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exp = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++exp;
    if (exp == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  std::string c(s);  // validated above: no NUL, safe for strtod
  return std::strtod(c.c_str(), nullptr);
}

// socket.url.parse (luasocket 3.0-rc1)
std::optional<ParsedUrl> parse_url(std::string_view url) {
  if (url.empty()) return std::nullopt;
  ParsedUrl p;
  std::string_view s = url;
  if (auto h = s.find('#'); h != std::string_view::npos) {
    p.fragment = str(s.substr(h + 1));
    s = s.substr(0, h);
  }
  // "^([%w][%w%+%-%.]*)%:"
  if (!s.empty() && is_alnum(s[0])) {
    size_t j = 1;
    while (j < s.size() && (is_alnum(s[j]) || s[j] == '+' || s[j] == '-' || s[j] == '.')) ++j;
    if (j < s.size() && s[j] == ':') {
      p.scheme = str(s.substr(0, j));
      s = s.substr(j + 1);
    }
  }
  if (s.substr(0, 2) == "//") {
    size_t k = s.find('/', 2);
    p.authority = str(s.substr(2, k == std::string_view::npos ? k : k - 2));
    s = k == std::string_view::npos ? std::string_view{} : s.substr(k);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    p.query = str(s.substr(q + 1));
    s = s.substr(0, q);
  }
  if (auto sc = s.find(';'); sc != std::string_view::npos) {
    p.params = str(s.substr(sc + 1));
    s = s.substr(0, sc);
  }
  p.path = str(s);
  if (!p.authority) return p;

  std::string_view a = *p.authority;
  if (auto at = a.find('@'); at != std::string_view::npos) {
    p.userinfo = str(a.substr(0, at));
    a = a.substr(at + 1);
  }
  // ":([^:%]]*)$" - only the last ':' can match, and no ']' may follow it.
  if (auto c = a.rfind(':'); c != std::string_view::npos &&
                             a.find(']', c + 1) == std::string_view::npos) {
    p.port_text = str(a.substr(c + 1));
    a = a.substr(0, c);
  }
  if (!a.empty()) {
    if (a.size() >= 3 && a.front() == '[' && a.back() == ']')
      p.host = str(a.substr(1, a.size() - 2));
    else
      p.host = str(a);
  }
  if (p.port_text) {
    p.port_number = lua_tonumber(*p.port_text);
    if (p.port_number && std::isfinite(*p.port_number) &&
        *p.port_number == std::floor(*p.port_number) && *p.port_number >= -2147483648.0 &&
        *p.port_number <= 2147483647.0)
      p.port = static_cast<int>(*p.port_number);
  }
  if (p.userinfo) {
    std::string_view u = *p.userinfo;
    if (auto c = u.rfind(':'); c != std::string_view::npos) {
      p.password = str(u.substr(c + 1));
      u = u.substr(0, c);
    }
    p.user = str(u);
  }
  return p;
}

// Kong: typedefs.lua validate_url
std::optional<std::string> check_url(std::string_view url) {
  auto p = parse_url(url);
  if (!p) return "could not parse url. invalid url";
  if (p->host.empty()) return "missing host in url";
  if (p->scheme.empty()) return "missing scheme in url";
  return std::nullopt;
}

// Kong: kong/db/schema/entities/services.lua shorthand_fields.url
std::optional<ServiceUrl> expand_service_url(std::string_view url) {
  auto p = parse_url(url);
  if (!p) return std::nullopt;
  ServiceUrl s;
  std::optional<double> port = p->port_number;
  std::string prot;
  if (port && *port == 80) prot = "http";
  else if (port && *port == 443) prot = "https";
  s.protocol = !p->scheme.empty() ? p->scheme : !prot.empty() ? prot : "http";
  if (!p->host.empty()) s.host = p->host;
  if (port) s.port = port;
  else if (p->port_text) s.port_string = p->port_text;
  else s.port = s.protocol == "https" ? 443 : 80;
  if (!p->path.empty()) s.path = p->path;
  return s;
}

// Kong: kong/db/schema/entities/targets.lua validate_target
std::optional<std::string> check_target(std::string_view target) {
  if (normalize_host_port(target, nullptr)) return std::nullopt;
  if (find_invalid_utf8(target)) return "Invalid target; not a valid hostname or ip address";
  return "Invalid target ('" + str(target) + "'); not a valid hostname or ip address";
}

// Kong: kong/db/dao/targets.lua format_target
std::optional<std::string> normalize_target(std::string_view target, std::string* err) {
  auto p = normalize_host_port(target, nullptr);
  if (!p) {
    set_err(err, "Invalid target; not a valid hostname or ip address");
    return std::nullopt;
  }
  return format_host(*p, 8000);
}

// Kong: kong/db/schema/entities/upstreams.lua validate_name
std::optional<std::string> check_upstream_name(std::string_view name) {
  std::string prefix =
      find_invalid_utf8(name) ? "Invalid name" : "Invalid name ('" + str(name) + "')";
  auto p = normalize_host_port(name, nullptr);
  if (!p) return prefix + "; must be a valid hostname";
  if (p->type != HostType::Name) return prefix + "; no ip addresses allowed";
  if (p->port) return prefix + "; no port allowed";
  return std::nullopt;
}

}  // namespace kongdb::schema::net
