// Host / IP / URL / path checks backing Kong's string typedefs.
//
// Behaviour mirrors Kong HEAD:
//   kong/tools/ip.lua            hostname_type, normalize_ipv4/ipv6/ip,
//                                check_hostname, format_host, is_valid_*
//   kong/tools/uri.lua           normalize
//   kong/tools/string.lua        validate_utf8
//   kong/db/schema/typedefs.lua  host, host_with_optional_port, wildcard_host,
//                                sni, ip, ip_or_cidr, cidr_v4, path, url,
//                                name, utf8_name, tag, hosts, router_path
//   kong/db/schema/entities/{services,targets,upstreams}.lua and
//   kong/db/dao/targets.lua      url shorthand, target/name checks
//   socket.url (luasocket 3.0-rc1) parse
//
// Every check returns std::nullopt when the value is accepted, otherwise the
// exact text Kong puts in the field error. The checks cover the validators a
// typedef declares itself (starts_with / match_none / match_any /
// custom_validator, in Kong's validator order). The generic string rules that
// Kong's Schema applies to *every* string field beforehand - type check and
// the implicit len_min = 1 ("length must be at least 1") - are the schema
// layer's job and are NOT repeated here; an empty string gets whatever the
// typedef's own validators say about it.
//
// Kong quirks reproduced on purpose (tests pin them):
//  * IPv4/IPv6 *validity* for ip / ip_or_cidr / cidr_v4 comes from
//    inet_pton(3) (lua-resty-ipmatcher), fed a C string: input is cut at the
//    first NUL byte, exactly like the FFI call in Kong. glibc rejects IPv4
//    octets with leading zeros ("01.2.3.4").
//  * Host *normalization* (normalize_host_port) is Kong's own pattern code:
//    leading zeros are fine there ("001.002.003.004" -> "1.2.3.4"), IPv6
//    with an embedded IPv4 tail is not.
//  * validate_utf8 accepts 0x7B-0x7F as the continuation byte of a 2-byte
//    sequence (Kong's range is [\123-\191]).
//  * Only the *first* '*' of a wildcard host is position-checked; the
//    "invalid value: ..." message then shows the host with '*' replaced by
//    "wildcard" (routes' hosts use "abc" instead).
//  * "[::1]:" makes Kong raise a Lua error (tonumber("") compared with a
//    number); here it is reported as "invalid ipv6 address", the message
//    Kong uses for other malformed bracketed ports.
//
// Everything is total: arbitrary bytes (NUL, high bytes, MiB-sized input)
// produce a message or nullopt, never a crash, and run in linear time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kongdb::schema::net {

// ---------------------------------------------------------------------------
// kong/tools/ip.lua
// ---------------------------------------------------------------------------

// Classification by exclusion, not validation: >1 ':' => IPv6, only digits
// and dots once ':' are removed => IPv4, anything else => Name.
enum class HostType { Name, IPv4, IPv6 };
HostType hostname_type(std::string_view name);

// Result of Kong's normalize_ip: host is the dotted IPv4 without leading
// zeros, the fully expanded lower-case IPv6 *without* brackets, or the name
// unchanged (no case folding).
struct HostPort {
  std::string host;
  std::optional<int> port;
  HostType type = HostType::Name;
};

// Kong normalize_ipv4 / normalize_ipv6 / check_hostname. On failure return
// nullopt and, if err is non-null, store Kong's message:
//   "invalid ipv4 address: <input>", "invalid ipv6 address: <input>",
//   "invalid ipv6 address" (bad text after "[...]"), "invalid port number",
//   "invalid hostname: <input>".
std::optional<HostPort> normalize_ipv4(std::string_view address, std::string* err);
std::optional<HostPort> normalize_ipv6(std::string_view address, std::string* err);
std::optional<HostPort> check_hostname(std::string_view address, std::string* err);
// Kong normalize_ip: dispatches on hostname_type.
std::optional<HostPort> normalize_host_port(std::string_view address, std::string* err);

// Kong format_host(p, default_port): "[<expanded ipv6>]:port", "a.b.c.d:port"
// or "name:port"; the port part is omitted when neither p.port nor
// default_port is set.
std::string format_host(const HostPort& p, std::optional<int> default_port = std::nullopt);

// lua-resty-ipmatcher based predicates (inet_pton; see NUL note above).
bool is_valid_ipv4(std::string_view s);
bool is_valid_ipv6(std::string_view s);  // "[...]" brackets are stripped first
bool is_valid_ip(std::string_view s);
bool is_valid_cidr_v4(std::string_view s);  // prefix exactly "0".."32"
bool is_valid_cidr_v6(std::string_view s);  // prefix exactly "0".."128"
bool is_valid_ip_or_cidr(std::string_view s);
bool is_valid_ip_or_cidr_v4(std::string_view s);

// ---------------------------------------------------------------------------
// typedefs
// ---------------------------------------------------------------------------

// typedefs.host: "invalid value: <host>" | "must not have a port".
std::optional<std::string> check_host(std::string_view host);
// typedefs.host_with_optional_port: normalize_ip's own message.
std::optional<std::string> check_host_with_optional_port(std::string_view host);
// typedefs.wildcard_host (snis.name): "wildcard must be leftmost or rightmost
// character" | "only one wildcard must be specified" | "invalid value: <host
// with * -> wildcard>" | "must not be an IP" | "must not have a port".
std::optional<std::string> check_wildcard_host(std::string_view host);
// typedefs.sni: "invalid value: <host>" | "must not be an IP" |
// "must not have a port".
std::optional<std::string> check_sni(std::string_view host);
// typedefs.ip: "not an ip address: <ip>".
std::optional<std::string> check_ip(std::string_view ip);
// typedefs.ip_or_cidr: "invalid ip or cidr range: '<v>'".
std::optional<std::string> check_ip_or_cidr(std::string_view v);
// typedefs.cidr_v4 (also accepts a bare IPv4): "invalid ipv4 cidr range: '<v>'".
std::optional<std::string> check_cidr_v4(std::string_view v);

// typedefs.path: "should start with: /" | "must not have empty segments" |
// "invalid path: '<p>' (characters outside of the reserved list of RFC 3986
// found)" | "invalid url-encoded value: '<%xx>'".
std::optional<std::string> check_path(std::string_view path);

// Element of typedefs.hosts (routes.hosts): "invalid wildcard: must have at
// most one wildcard" | "invalid wildcard: must be placed at leftmost or
// rightmost label" | normalize_ip's message for the host with '*' -> "abc".
std::optional<std::string> check_route_host(std::string_view host);

// Kong's PCRE dry-run hook for regex router paths: given the regex (path
// without its leading '~'), return PCRE's error text, or nullopt if it
// compiles. Kept as a callback so this file needs no regex engine.
using RegexErrorFn = std::function<std::optional<std::string>(std::string_view regex)>;

// typedefs.router_path, in Kong's order: "must not have empty segments" |
// "should start with: / (fixed path) or ~/ (regex path)" |
// "invalid url-encoded value: ..."
// (fixed paths only) | "non-normalized path, consider use '<n>' instead" |
// "invalid regex: '<re>' (PCRE returned: <e>)" (only when regex_error is set;
// otherwise regex paths pass). Note Kong ignores the RFC 3986 character
// check for router paths: "/a b" is a valid route path.
std::optional<std::string> check_router_path(std::string_view path,
                                             const RegexErrorFn& regex_error = nullptr);
// Same as check_router_path(path) without a regex checker; the interesting
// part for fixed paths is the normalization message.
std::optional<std::string> check_plain_router_path(std::string_view path);

// kong.tools.uri normalize(uri, merge_slashes): decode %XX of non-reserved
// bytes (reserved ones are upper-cased), then remove dot segments and, with
// merge_slashes, collapse "//". Router paths use merge_slashes = true.
std::string normalize_uri_path(std::string_view uri, bool merge_slashes = true);

// kong.tools.string validate_utf8: 1-based byte position of the first bad
// sequence, or nullopt when valid.
std::optional<size_t> find_invalid_utf8(std::string_view s);
// "invalid utf-8 character sequence detected at position N".
std::optional<std::string> check_utf8(std::string_view s);
// typedefs.name: "invalid value '<n>': it must only contain alphanumeric and
// '., -, _, ~' characters".
std::optional<std::string> check_name(std::string_view name);
// typedefs.utf8_name: utf-8 message, or "invalid value '<n>': the only
// accepted ascii characters are alphanumerics or ., -, _, and ~".
std::optional<std::string> check_utf8_name(std::string_view name);
// typedefs.tag: utf-8 message, or "invalid tag '<t>': expected printable
// ascii (except `,` and `/`) or valid utf-8 sequences".
std::optional<std::string> check_tag(std::string_view tag);

// ---------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------

// socket.url.parse (luasocket 3.0-rc1). socket.url never yields an empty
// scheme, host or path, so for those three "" means absent. The other parts
// can legitimately be empty ("http://h/?" has query ""), hence optional.
struct ParsedUrl {
  std::string scheme;
  std::string host;  // IPv6 "[...]" brackets stripped
  std::string path;
  std::optional<std::string> authority;
  std::optional<std::string> userinfo;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> port_text;  // raw text after the last ':'
  std::optional<double> port_number;     // Lua tonumber(port_text)
  std::optional<int> port;  // port_number when integral and within int
  std::optional<std::string> params;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};
// nullopt only for the empty string (socket.url's "invalid url").
std::optional<ParsedUrl> parse_url(std::string_view url);

// typedefs.url: "could not parse url. invalid url" | "missing host in url" |
// "missing scheme in url".
std::optional<std::string> check_url(std::string_view url);

// services' `url` shorthand expansion. port is always filled: the number
// from tonumber(port_text), else Kong passes the raw port text through as a
// string (port_string; the integer check then rejects it), else the default
// for the protocol (http 80, https 443, other 80).
struct ServiceUrl {
  std::string protocol;
  std::optional<std::string> host;  // nullopt -> null
  std::optional<double> port;
  std::optional<std::string> port_string;
  std::optional<std::string> path;  // nullopt -> null
};
// nullopt when socket.url cannot parse (empty string): Kong sets nothing.
std::optional<ServiceUrl> expand_service_url(std::string_view url);

// Lua (LuaJIT) tonumber on a string, as far as ports need it: surrounding
// whitespace, sign, decimal with fraction/exponent, 0x hex integers.
std::optional<double> lua_tonumber(std::string_view s);

// ---------------------------------------------------------------------------
// targets / upstreams
// ---------------------------------------------------------------------------

// targets schema validator: "Invalid target ('<t>'); not a valid hostname or
// ip address", or "Invalid target; not a valid hostname or ip address" when
// the value is not valid utf-8.
std::optional<std::string> check_target(std::string_view target);
// targets DAO format_target: normalized "host:port" with default port 8000,
// IPv6 bracketed and expanded. On failure err = "Invalid target; not a valid
// hostname or ip address".
std::optional<std::string> normalize_target(std::string_view target, std::string* err);
// upstreams.name: "Invalid name ('<n>'); must be a valid hostname" |
// "...; no ip addresses allowed" | "...; no port allowed"; the "('<n>')"
// part is dropped when the name is not valid utf-8.
std::optional<std::string> check_upstream_name(std::string_view name);

}  // namespace kongdb::schema::net
