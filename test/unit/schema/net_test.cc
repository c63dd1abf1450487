// Cases come mostly from Kong's own specs (spec/01-unit/05-utils_spec.lua,
// 18-tools_uri_spec.lua, 01-db/01-schema/{05-services,06-routes,08-targets,
// 09-upstreams,11-snis}_spec.lua) plus edge cases read off the Lua code.
#include "schema/net.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace kongdb::schema::net;
using namespace std::string_literals;

namespace {

const std::string kOk = "<valid>";

std::string msg(const std::optional<std::string>& r) { return r.value_or(kOk); }

const std::string kZeros1 = "0000:0000:0000:0000:0000:0000:0000:0001";

const std::vector<std::string> kValidHostnames = {
    "hello.com", "hello.fr", "test.hello.com", "1991.io", "hello.COM", "HELLO.com",
    "123helloWORLD.com", "example.123", "example-api.com", "hello.abcd", "example_api.com",
    "localhost", "example.", "3B-ww4c5e180e575a65lsy2b",
    "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n", "Hello-Another-Way--fc4qua05auwb3674vfr0b",
    "2-u9tlzr9756bt3uc0v", "MajiKoi5-783gue6qz075azm5e", "de-jg4avhby1noc0d",
    "d9juau41awczczp"};

const std::vector<std::string> kInvalidHostnames = {
    "/example",          "example:",         ".example",
    "exam;ple",          "mock;bin",         "example.com/org",
    "example-.org",      "example.org-",     "hello..example.com",
    "hello-.example.com"};

}  // namespace

// ---------------------------------------------------------------- ip.lua

TEST(NetHostnameType, Classifies) {
  for (auto s : {"123.123.123.123", "1.2.3.4", "1.2.3.4:80", "123:456", "1", ".", "1.2.3.4:"})
    EXPECT_EQ(hostname_type(s), HostType::IPv4) << s;
  for (auto s : {"::1", "2345::6789", "0001:0001:0001:0001:0001:0001:0001:0001",
                 "[2345::6789]:80", "[::1]", "[::1", "some::thing", "::"})
    EXPECT_EQ(hostname_type(s), HostType::IPv6) << s;
  for (auto s : {"localhost", "", ":", "a:1", "1.2.3.4a", "1.2.3.4:8x0", "\xff"})
    EXPECT_EQ(hostname_type(s), HostType::Name) << s;
}

TEST(NetNormalizeIpv4, Normalizes) {
  std::string err;
  auto r = normalize_ipv4("123.123.123.123", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "123.123.123.123");
  EXPECT_FALSE(r->port);
  EXPECT_EQ(r->type, HostType::IPv4);

  r = normalize_ipv4("123.123.123.123:80", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port, 80);

  r = normalize_ipv4("001.001.001.001:00080", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "1.1.1.1");
  EXPECT_EQ(r->port, 80);

  r = normalize_ipv4("0.0.0.0:0", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port, 0);

  r = normalize_ipv4("1.2.3.4:0000000000000065535", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port, 65535);
}

TEST(NetNormalizeIpv4, Rejects) {
  std::string err;
  for (auto s : {"123.123:80", "123.123.123.999", "123.123.123.123:80a",
                 "123.123.123.123.123:80", "localhost:80", "[::1]:80", "1.2.3.4:", "1.2.3",
                 "1234.1.1.1", "1.2.3.4:1:2", "", "1..2.3", ".1.2.3"}) {
    err.clear();
    EXPECT_FALSE(normalize_ipv4(s, &err)) << s;
    EXPECT_EQ(err, "invalid ipv4 address: "s + s);
  }
  EXPECT_FALSE(normalize_ipv4("123.123.123.123:99999", &err));
  EXPECT_EQ(err, "invalid port number");
  EXPECT_FALSE(normalize_ipv4("1.2.3.4:65536", &err));
  EXPECT_EQ(err, "invalid port number");
  EXPECT_FALSE(normalize_ipv4("1.2.3.4:999999999999999999999999", &err));
  EXPECT_EQ(err, "invalid port number");
  EXPECT_FALSE(normalize_ipv4("1.2.3.4", nullptr) == std::nullopt);  // null err is fine
  EXPECT_FALSE(normalize_ipv4("x", nullptr));
}

TEST(NetNormalizeIpv6, Normalizes) {
  std::string err;
  for (auto s : {"::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
    auto r = normalize_ipv6(s, &err);
    ASSERT_TRUE(r) << s;
    EXPECT_EQ(r->host, kZeros1);
    EXPECT_FALSE(r->port);
    EXPECT_EQ(r->type, HostType::IPv6);
  }
  for (auto s : {"[::1]:80", "[0000:0000:0000:0000:0000:0000:0000:0001]:80"}) {
    auto r = normalize_ipv6(s, &err);
    ASSERT_TRUE(r) << s;
    EXPECT_EQ(r->host, kZeros1);
    EXPECT_EQ(r->port, 80);
  }
  EXPECT_EQ(normalize_ipv6("::", &err)->host, "0000:0000:0000:0000:0000:0000:0000:0000");
  EXPECT_EQ(normalize_ipv6("1::", &err)->host, "0001:0000:0000:0000:0000:0000:0000:0000");
  EXPECT_EQ(normalize_ipv6("FE80::ABcd", &err)->host,
            "fe80:0000:0000:0000:0000:0000:0000:abcd");
  // Kong quirk: "::" with 7 other colons just collapses to ":".
  EXPECT_EQ(normalize_ipv6("1:2:3:4:5:6:7::8", &err)->host,
            "0001:0002:0003:0004:0005:0006:0007:0008");
  EXPECT_EQ(normalize_ipv6("[::1]:0", &err)->port, 0);
}

TEST(NetNormalizeIpv6, Rejects) {
  std::string err;
  for (auto s : {"123.123.123.123", "localhost:80", "::x", "[::x]:80", "1", "1::2::3",
                 "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9", "12345::1", "[::1", "", "[]",
                 "[[::1]]", "1:2:3:4:5:6:7"}) {
    err.clear();
    EXPECT_FALSE(normalize_ipv6(s, &err)) << s;
    EXPECT_EQ(err, "invalid ipv6 address: "s + s);
  }
  for (auto s : {"[::1]:80a", "[::1]x", "[::1]::80", "[::1]:"}) {
    err.clear();
    EXPECT_FALSE(normalize_ipv6(s, &err)) << s;
    EXPECT_EQ(err, "invalid ipv6 address") << s;
  }
  EXPECT_FALSE(normalize_ipv6("[::1]:99999", &err));
  EXPECT_EQ(err, "invalid port number");
}

TEST(NetCheckHostname, SpecValidsAndInvalids) {
  std::string err;
  for (const auto& n : kValidHostnames) {
    auto r = check_hostname(n, &err);
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->host, n);
    EXPECT_FALSE(r->port);
    r = check_hostname(n + ":80", &err);
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->host, n);
    EXPECT_EQ(r->port, 80);
    EXPECT_FALSE(check_hostname(n + ":xx", &err));
    EXPECT_EQ(err, "invalid hostname: " + n + ":xx");
    EXPECT_FALSE(check_hostname(n + ":99999", &err));
    EXPECT_EQ(err, "invalid port number");
  }
  for (const auto& n : kInvalidHostnames) {
    EXPECT_FALSE(check_hostname(n, &err)) << n;
    EXPECT_EQ(err, "invalid hostname: " + n);
    EXPECT_FALSE(check_hostname(n + ":80", &err)) << n;
    EXPECT_EQ(err, "invalid hostname: " + n + ":80");
  }
  for (const std::string& in :
       std::vector<std::string>{"", ".", "-", "a-", "a..", "a b", "a\tb", "caf\xc3\xa9", "a*b",
                                "x\0y"s}) {
    EXPECT_FALSE(check_hostname(in, &err)) << in;
  }
  // Leading dashes, underscores, a trailing dot, digits-and-letters: fine.
  for (auto s : {"-a", "_", "a.", "1.2.3.4a", "A"}) EXPECT_TRUE(check_hostname(s, &err)) << s;
  EXPECT_EQ(check_hostname("Mixed.Case:0080", &err)->port, 80);
}

TEST(NetNormalizeHostPort, SpecAddresses) {
  std::string err;
  auto r = normalize_host_port("1.2.3.4:80", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "1.2.3.4");
  EXPECT_EQ(r->type, HostType::IPv4);
  EXPECT_EQ(r->port, 80);
  r = normalize_host_port("[::1]:80", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, kZeros1);
  EXPECT_EQ(r->type, HostType::IPv6);
  r = normalize_host_port("localhost:80", &err);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, HostType::Name);
  EXPECT_EQ(r->port, 80);
  r = normalize_host_port("mashape.test", &err);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->port);

  // 'x' makes it a name, not an ipv4
  EXPECT_FALSE(normalize_host_port("1.2.3.4:8x0", &err));
  EXPECT_EQ(err, "invalid hostname: 1.2.3.4:8x0");
  EXPECT_FALSE(normalize_host_port("1.2.3.4:80:", &err));
  EXPECT_EQ(err, "invalid ipv6 address: 1.2.3.4:80:");
  EXPECT_FALSE(normalize_host_port("1.2.3.4:", &err));
  EXPECT_EQ(err, "invalid ipv4 address: 1.2.3.4:");
  EXPECT_FALSE(normalize_host_port("1.2.3.400", &err));
  EXPECT_EQ(err, "invalid ipv4 address: 1.2.3.400");
  EXPECT_FALSE(normalize_host_port("[::1]:8x0", &err));
  EXPECT_EQ(err, "invalid ipv6 address");
  EXPECT_FALSE(normalize_host_port(":x:1", &err));
  EXPECT_EQ(err, "invalid ipv6 address: :x:1");
  EXPECT_FALSE(normalize_host_port("localhost:8x0", &err));
  EXPECT_EQ(err, "invalid hostname: localhost:8x0");
  EXPECT_FALSE(normalize_host_port("mashape..test", &err));
  EXPECT_EQ(err, "invalid hostname: mashape..test");
  EXPECT_FALSE(normalize_host_port("m a s h a p e.test:80", &err));
}

TEST(NetFormatHost, SpecFormats) {
  std::string err;
  auto f = [&](std::string_view s, std::optional<int> port = std::nullopt) {
    auto p = normalize_host_port(s, &err);
    return p ? format_host(*p, port) : "<invalid>";
  };
  EXPECT_EQ(f("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(f("1.2.3.4", 80), "1.2.3.4:80");
  EXPECT_EQ(f("1.2.3.4:80"), "1.2.3.4:80");
  EXPECT_EQ(f("1.2.3.4:81", 80), "1.2.3.4:81");
  EXPECT_EQ(f("::1"), "[" + kZeros1 + "]");
  EXPECT_EQ(f("::1", 80), "[" + kZeros1 + "]:80");
  EXPECT_EQ(f("[::1]:80"), "[" + kZeros1 + "]:80");
  EXPECT_EQ(f("localhost"), "localhost");
  EXPECT_EQ(f("mashape.test", 80), "mashape.test:80");
  EXPECT_EQ(f("mashape.test:80"), "mashape.test:80");
}

TEST(NetIpPredicates, InetPtonSemantics) {
  EXPECT_TRUE(is_valid_ipv4("0.0.0.0"));
  EXPECT_TRUE(is_valid_ipv4("255.255.255.255"));
  EXPECT_FALSE(is_valid_ipv4("01.2.3.4"));  // glibc: no leading zeros
  EXPECT_FALSE(is_valid_ipv4("1.2.3"));
  EXPECT_FALSE(is_valid_ipv4("256.1.1.1"));
  EXPECT_FALSE(is_valid_ipv4(" 1.2.3.4"));
  EXPECT_TRUE(is_valid_ipv6("::"));
  EXPECT_TRUE(is_valid_ipv6("[::1]"));
  EXPECT_TRUE(is_valid_ipv6("::ffff:1.2.3.4"));
  EXPECT_FALSE(is_valid_ipv6("[::1"));
  EXPECT_FALSE(is_valid_ipv6("[]"));
  EXPECT_FALSE(is_valid_ipv6("1.2.3.4"));
  EXPECT_TRUE(is_valid_cidr_v4("10.0.0.0/8"));
  EXPECT_FALSE(is_valid_cidr_v4("10.0.0.0/08"));
  EXPECT_FALSE(is_valid_cidr_v4("10.0.0.0/+8"));
  EXPECT_FALSE(is_valid_cidr_v4("10.0.0.0/8/8"));
  EXPECT_FALSE(is_valid_cidr_v4("10.0.0.0"));
  EXPECT_TRUE(is_valid_cidr_v6("[::1]/128"));
  EXPECT_FALSE(is_valid_cidr_v6("::1/1280"));
  // Kong hands inet_pton a C string: everything after a NUL is ignored.
  EXPECT_TRUE(is_valid_ipv4("1.2.3.4\0junk"s));
  EXPECT_TRUE(is_valid_ip("::1\0junk"s));
}

// ---------------------------------------------------------------- typedefs

TEST(NetCheckHost, ServicesSpec) {
  for (auto s : {"/example", ".example", "example:", "mock;bin", "example.com/org",
                 "example-.org", "example.org-", "hello..example.com", "hello-.example.com",
                 "*example.com", "www.example*", "mock*bin.com", "1.2.3.400", "", "::x",
                 "[::1]:8x0"})
    EXPECT_EQ(msg(check_host(s)), "invalid value: "s + s) << s;
  for (auto s : {"example.com:80", "example.com:1000000", "1.2.3.4:80", "1.2.3.4:99999",
                 "[::1]:80", "[::1]:99999", "localhost:0"})
    EXPECT_EQ(msg(check_host(s)), "must not have a port") << s;
  for (const auto& s : kValidHostnames) EXPECT_EQ(msg(check_host(s)), kOk) << s;
  for (auto s : {"example.test.", "1.2.3.4", "001.2.3.4", "::1", "[::1]"})
    EXPECT_EQ(msg(check_host(s)), kOk) << s;
}

TEST(NetCheckHostWithOptionalPort, UpstreamsSpec) {
  EXPECT_EQ(msg(check_host_with_optional_port("http://ahostname.test")),
            "invalid hostname: http://ahostname.test");
  EXPECT_EQ(msg(check_host_with_optional_port("ahostname-")), "invalid hostname: ahostname-");
  EXPECT_EQ(msg(check_host_with_optional_port("a hostname")), "invalid hostname: a hostname");
  EXPECT_EQ(msg(check_host_with_optional_port("example.com:1000000")), "invalid port number");
  EXPECT_EQ(msg(check_host_with_optional_port("1.2.3.400")), "invalid ipv4 address: 1.2.3.400");
  EXPECT_EQ(msg(check_host_with_optional_port("::x")), "invalid ipv6 address: ::x");
  EXPECT_EQ(msg(check_host_with_optional_port("[::1]:x")), "invalid ipv6 address");
  for (auto s : {"example.com", "example.com:80", "1.2.3.4:8080", "[::1]:443", "::1"})
    EXPECT_EQ(msg(check_host_with_optional_port(s)), kOk) << s;
}

TEST(NetCheckWildcardHost, SnisSpec) {
  for (auto s : {"*.wildcard.com", "wildcard.*", "test.wildcard.*", "foo.test.wildcard.*",
                 "*.test.wildcard.com", "example.com", "*", "*.1.2.3", "a*", "*a"})
    EXPECT_EQ(msg(check_wildcard_host(s)), kOk) << s;
  for (auto s : {"foo.*.com", "foo.*.wildcard.com", "wildcard.*:80", "test.wildcard.*:80",
                 "a*b", "x.*.*"})
    EXPECT_EQ(msg(check_wildcard_host(s)), "wildcard must be leftmost or rightmost character")
        << s;
  for (auto s : {"*.example.*", "*.foo.*.wildcard.com", "*.*.wildcard.*", "**"})
    EXPECT_EQ(msg(check_wildcard_host(s)), "only one wildcard must be specified") << s;
  EXPECT_EQ(msg(check_wildcard_host("*.wildcard.com:8000")), "must not have a port");
  EXPECT_EQ(msg(check_wildcard_host("test.wildcard.com:*")),
            "invalid value: test.wildcard.com:wildcard");
  EXPECT_EQ(msg(check_wildcard_host("*.exa mple")), "invalid value: wildcard.exa mple");
  for (auto s : {"valid.name:8000", "foo.valid.name:443", "x.y:99999"})
    EXPECT_EQ(msg(check_wildcard_host(s)), "must not have a port") << s;
  for (auto s : {"127.0.0.1", "10.0.0.1", "10.0.0.1:8001", "::1"})
    EXPECT_EQ(msg(check_wildcard_host(s)), "must not be an IP") << s;
  EXPECT_EQ(msg(check_wildcard_host("example^com")), "invalid value: example^com");
}

TEST(NetCheckSni, UpstreamsAndRoutesSpec) {
  for (auto s : {"example.org", "www.example.org", "localhost", "a_b.c"})
    EXPECT_EQ(msg(check_sni(s)), kOk) << s;
  for (auto s : {"127.0.0.1", "127.0.0.1:8080", "::1", "[::1]:80"})
    EXPECT_EQ(msg(check_sni(s)), "must not be an IP") << s;
  for (auto s : {"example.com:1234", "example.org:80", "example.org:99999", "1.2.3.4:99999"})
    EXPECT_EQ(msg(check_sni(s)), "must not have a port") << s;
  for (auto s : {"/example", ".example", "example:", "mock;bin", "example.com/org",
                 "example-.org", "example.org-", "hello..example.com", "hello-.example.com",
                 "*.example.com", "1.2.3.999"})
    EXPECT_EQ(msg(check_sni(s)), "invalid value: "s + s) << s;
}

TEST(NetCheckIp, Messages) {
  for (auto s : {"127.0.0.1", "::1", "[::1]", "::ffff:1.2.3.4", "fe80::1", "0.0.0.0"})
    EXPECT_EQ(msg(check_ip(s)), kOk) << s;
  for (auto s : {"01.2.3.4", "1.2.3.4/8", "localhost", "", "1.2.3.4:80", "[::1]:80",
                 "1.2.3.256", "::1::"})
    EXPECT_EQ(msg(check_ip(s)), "not an ip address: "s + s) << s;
}

TEST(NetCheckIpOrCidr, RoutesSpec) {
  for (auto s : {"0.0.0.0/0", "::/0", "0.0.0.0/1", "::/1", "0.0.0.0/32", "::/128",
                 "127.75.78.72", "::1", "[::1]/64", "10.0.0.0/8"})
    EXPECT_EQ(msg(check_ip_or_cidr(s)), kOk) << s;
  for (auto s : {"127.", ":::1", "-1", "localhost", "foo", "f", "example.org", "1/0",
                 "2130706433/2", "4294967295/3", "-1/0", "4294967296/2", "0.0.0.0/a", "::/a",
                 "0.0.0.0/-1", "::/-1", "0.0.0.0/33", "::/129", "1.2.3.4/08", "1.2.3.4/",
                 "/8", ""})
    EXPECT_EQ(msg(check_ip_or_cidr(s)), "invalid ip or cidr range: '"s + s + "'") << s;
}

TEST(NetCheckCidrV4, Messages) {
  for (auto s : {"10.0.0.0/8", "10.0.0.1", "0.0.0.0/0", "255.255.255.255/32"})
    EXPECT_EQ(msg(check_cidr_v4(s)), kOk) << s;
  for (auto s : {"::/0", "::1", "10.0.0.0/33", "10.0.0/8", "x", "10.0.0.0/ 8"})
    EXPECT_EQ(msg(check_cidr_v4(s)), "invalid ipv4 cidr range: '"s + s + "'") << s;
}

TEST(NetCheckPath, ServicesSpec) {
  EXPECT_EQ(msg(check_path("foo")), "should start with: /");
  EXPECT_EQ(msg(check_path("")), "should start with: /");
  EXPECT_EQ(msg(check_path("~/foo")), "should start with: /");
  // starts_with runs before match_none here.
  EXPECT_EQ(msg(check_path("foo//bar")), "should start with: /");
  for (auto s : {"/foo//bar", "/foo/bar//", "//foo/bar", "//"})
    EXPECT_EQ(msg(check_path(s)), "must not have empty segments") << s;
  for (auto s : {"/users/|foo/profile", "/users/(this|foo/profile)", "/a b", "/a?b", "/a#b",
                 "/caf\xc3\xa9", "/[x]"})
    EXPECT_EQ(msg(check_path(s)), "invalid path: '"s + s +
                                      "' (characters outside of the reserved list of RFC "
                                      "3986 found)")
        << s;
  const std::vector<std::pair<std::string, std::string>> bad_pct = {
      {"/some%2words", "%2w"}, {"/some%0Xwords", "%0X"}, {"/some%2Gwords", "%2G"},
      {"/some%20words%", "%"}, {"/some%20words%a", "%a"}, {"/some%20words%ax", "%ax"},
      // the excerpt is taken after valid triplets became "___"
      {"/%a%20", "%a_"},       {"/a%%20", "%__"}};
  for (const auto& [p, e] : bad_pct)
    EXPECT_EQ(msg(check_path(p)), "invalid url-encoded value: '" + e + "'") << p;
  for (auto s : {"/", "/abcd~user~2", "/abcd%aa%10%ff%AA%FF", "/ovo/",
                 "/hello/path$with$!&'()*+,;=stuff", "/a/../b", "/@:"})
    EXPECT_EQ(msg(check_path(s)), kOk) << s;
}

TEST(NetCheckRouteHost, RoutesSpec) {
  for (const auto& s : kInvalidHostnames) {
    if (s == "exam;ple") continue;
    EXPECT_EQ(msg(check_route_host(s)), "invalid hostname: " + s) << s;
  }
  EXPECT_EQ(msg(check_route_host("example.com:1000000")), "invalid port number");
  for (auto s : {"*example.com", "www.example*", "mock*bin.com", "example.*:80", "*"})
    EXPECT_EQ(msg(check_route_host(s)),
              "invalid wildcard: must be placed at leftmost or rightmost label")
        << s;
  for (auto s : {"*.example.*", "**.example.com", "*.example*.*"})
    EXPECT_EQ(msg(check_route_host(s)), "invalid wildcard: must have at most one wildcard") << s;
  for (auto s : {"example.com:80", "example.com:8080", "example.*", "*.example.org",
                 "*.example.org:321", "localhost", "1.2.3.4"})
    EXPECT_EQ(msg(check_route_host(s)), kOk) << s;
  // The host is checked with '*' replaced by "abc".
  EXPECT_EQ(msg(check_route_host("*.exa mple")), "invalid hostname: abc.exa mple");
}

TEST(NetCheckRouterPath, RoutesSpec) {
  for (auto s : {"foo", "", "~foo", "~", "a/"})
    EXPECT_EQ(msg(check_router_path(s)), "should start with: / (fixed path) or ~/ (regex path)")
        << s;
  // match_none runs before match_any, so "//" wins over a bad prefix.
  for (auto s : {"/foo//bar", "/foo/bar//", "//foo/bar", "~//a", "foo//bar"})
    EXPECT_EQ(msg(check_router_path(s)), "must not have empty segments") << s;
  const std::vector<std::pair<std::string, std::string>> bad_pct = {
      {"/some%2words", "%2w"}, {"/some%0Xwords", "%0X"}, {"/some%2Gwords", "%2G"},
      {"/some%20words%", "%"}, {"/some%20words%a", "%a"}, {"/some%20words%ax", "%ax"}};
  for (const auto& [p, e] : bad_pct)
    EXPECT_EQ(msg(check_router_path(p)), "invalid url-encoded value: '" + e + "'") << p;
  // RFC 3986 characters are not enforced on route paths.
  for (auto s : {"/", "/abcd~user~2", "/ovo/", "/a b", "/abcd\xaa\x10\xff\xAA\xFF", "/...",
                 "/a%2F", "/%2F%3A", "/a b%zz"})
    EXPECT_EQ(msg(check_router_path(s)), kOk) << s;
  const std::vector<std::pair<std::string, std::string>> non_norm = {
      {"/a/./b", "/a/b"}, {"/a/../b", "/b"}, {"/%41", "/A"}, {"/a%2f", "/a%2F"},
      {"/a/.", "/a/"},    {"/..", "/"},      {"/.", "/"},    {"/a/b/c/./../../g", "/a/g"},
      {"/%2E", "/"},      {"/f%6f%6f", "/foo"}, {"/%20", "/ "}};
  for (const auto& [p, n] : non_norm)
    EXPECT_EQ(msg(check_plain_router_path(p)), "non-normalized path, consider use '" + n +
                                                   "' instead")
        << p;
}

TEST(NetCheckRouterPath, Regex) {
  auto pcre = [](std::string_view re) -> std::optional<std::string> {
    if (re.find('(') != std::string_view::npos && re.find(')') == std::string_view::npos)
      return "pcre2_compile() failed: missing closing parenthesis in \"" + std::string(re) +
             "\"";
    return std::nullopt;
  };
  EXPECT_EQ(msg(check_router_path("~/users/(foo/profile", pcre)),
            "invalid regex: '/users/(foo/profile' (PCRE returned: pcre2_compile() failed: "
            "missing closing parenthesis in \"/users/(foo/profile\")");
  EXPECT_EQ(msg(check_router_path("~/users/(foo)/profile", pcre)), kOk);
  // Regex paths skip the percent and normalization checks.
  EXPECT_EQ(msg(check_router_path("~/a%zz/../b", pcre)), kOk);
  EXPECT_EQ(msg(check_router_path("~/users/(foo/profile")), kOk);  // no checker given
}

TEST(NetNormalizeUriPath, ToolsUriSpec) {
  auto n = [](std::string_view s, bool merge = false) { return normalize_uri_path(s, merge); };
  EXPECT_EQ(n(""), "");
  EXPECT_EQ(n("/"), "/");
  EXPECT_EQ(n("/a"), "/a");
  EXPECT_EQ(n("/a/"), "/a/");
  EXPECT_EQ(n("/a/b/c"), "/a/b/c");
  EXPECT_EQ(n("/a/b/c/"), "/a/b/c/");
  EXPECT_EQ(n("/a%2Fb%2Fc/"), "/a%2Fb%2Fc/");
  EXPECT_EQ(n("/%20%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"),
            "/ %21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
  EXPECT_EQ(n("/a%2fb%2fc/"), "/a%2Fb%2Fc/");
  EXPECT_EQ(n("/f%6f%6f"), "/foo");
  EXPECT_EQ(n("/%6B%6f%6e%67"), "/kong");
  EXPECT_EQ(n("/%2E"), "/");
  EXPECT_EQ(n("//"), "//");
  EXPECT_EQ(n("/./"), "/");
  EXPECT_EQ(n("/."), "/");
  EXPECT_EQ(n("/.."), "/");
  EXPECT_EQ(n("/../"), "/");
  EXPECT_EQ(n("/////"), "/////");
  EXPECT_EQ(n("/./.././../"), "/");
  EXPECT_EQ(n("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(n("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(n("//", true), "/");
  EXPECT_EQ(n("/////", true), "/");
  EXPECT_EQ(n("/a//b//", true), "/a/b/");
  EXPECT_EQ(n("/endel%C3%B8st"), "/endel\xC3\xB8st");
  EXPECT_EQ(n("/%C3%A4/a/%2e./a%2E//a/%2e/./a/../a/%2e%2E/%5f%99%af%2f%2F", true),
            "/\xC3\xA4/a./a/_\x99\xaf%2F%2F");
  // Default is merge_slashes = true (router usage).
  EXPECT_EQ(normalize_uri_path("/a//b"), "/a/b");
  EXPECT_EQ(n("/%00"), "/\0"s);
  EXPECT_EQ(n("/%2541"), "/%2541");  // decoded bytes are not re-scanned
  EXPECT_EQ(n("/%zz/./x"), "/%zz/x");
  EXPECT_EQ(n("."), "");
  EXPECT_EQ(n("../a"), "a");
}

TEST(NetUtf8, ValidateUtf8) {
  EXPECT_EQ(find_invalid_utf8("hello"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("123"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("\0a"s), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("\x69\xd5\xcd\x95"), 2u);
  EXPECT_EQ(find_invalid_utf8("\x80"), 1u);
  EXPECT_EQ(find_invalid_utf8("\xc0\x20"), 1u);
  EXPECT_EQ(find_invalid_utf8("\xc0"), 1u);
  EXPECT_EQ(find_invalid_utf8("\xfe"), 1u);
  EXPECT_EQ(find_invalid_utf8("\xff"), 1u);
  EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 1u);  // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("ab\xe0\x80\x80"), 3u);  // overlong
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 1u);  // > U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xf0\x9f\xa6\x8d"), std::nullopt);  // gorilla
  EXPECT_EQ(find_invalid_utf8("\xe5\xad\x94"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("\xc3\xa9\xc3"), 3u);
  // Kong quirk: second byte of a 2-byte sequence may be 0x7B..0x7F.
  EXPECT_EQ(find_invalid_utf8("\xc3{"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("\xc3\x7f"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("\xc3z"), 1u);
  EXPECT_EQ(msg(check_utf8("ok\xff")), "invalid utf-8 character sequence detected at position 3");
  EXPECT_EQ(msg(check_utf8("ok")), kOk);
}

TEST(NetCheckName, Typedef) {
  for (auto s : {"example", "EXAMPLE", "exa.mp.le", "3x4mp13", "3x4-mp-13", "3x4_mp_13",
                 "~3x4~mp~13", "~3..x4~.M-p~1__3_"})
    EXPECT_EQ(msg(check_name(s)), kOk) << s;
  for (auto s : {"examp:le", "examp;le", "examp/le", "examp le", "", "\xe5\xad\x94", "a*"})
    EXPECT_EQ(msg(check_name(s)),
              "invalid value '"s + s +
                  "': it must only contain alphanumeric and '., -, _, ~' characters")
        << s;
}

TEST(NetCheckUtf8Name, ServicesSpec) {
  for (auto s : {"example", "EXAMPLE", "exa.mp.le", "3x4mp13", "3x4-mp-13", "3x4_mp_13",
                 "~3x4~mp~13", "~3..x4~.M-p~1__3_", "\xe5\xad\x94",
                 "\xd0\x9a\xd0\xbe\xd0\xbd\xd0\xb3", "\xf0\x9f\xa6\x8d"})
    EXPECT_EQ(msg(check_utf8_name(s)), kOk) << s;
  for (auto s : {"examp:le", "examp;le", "examp/le", "examp le", ""})
    EXPECT_EQ(msg(check_utf8_name(s)),
              "invalid value '"s + s +
                  "': the only accepted ascii characters are alphanumerics or ., -, _, and ~")
        << s;
  EXPECT_EQ(msg(check_utf8_name("\x69\xd5\xcd\x95")),
            "invalid utf-8 character sequence detected at position 2");
  // Passes the utf-8 quirk, then fails the character class on '{'.
  EXPECT_EQ(msg(check_utf8_name("\xc3{")),
            "invalid value '\xc3{': the only accepted ascii characters are alphanumerics or "
            "., -, _, and ~");
}

TEST(NetCheckTag, Typedef) {
  for (auto s : {"tag", "a b", "with-dash", "!#$%&'()*+-.:;<=>?@[]^_`{|}~", "\xe5\xad\x94",
                 " "})
    EXPECT_EQ(msg(check_tag(s)), kOk) << s;
  for (auto s : {"a,b", "a/b", "", "tab\there", "del\x7f"})
    EXPECT_EQ(msg(check_tag(s)), "invalid tag '"s + s +
                                     "': expected printable ascii (except `,` and `/`) or "
                                     "valid utf-8 sequences")
        << s;
  EXPECT_EQ(msg(check_tag("ab\xc0")), "invalid utf-8 character sequence detected at position 3");
}

// ---------------------------------------------------------------- URLs

TEST(NetParseUrl, SocketUrlSemantics) {
  EXPECT_FALSE(parse_url(""));
  auto u = parse_url("https://user:pw@example.com:8443/a/b;p=1?q=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->authority, "user:pw@example.com:8443");
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "pw");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port_text, "8443");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/a/b");
  EXPECT_EQ(u->params, "p=1");
  EXPECT_EQ(u->query, "q=1");
  EXPECT_EQ(u->fragment, "frag");

  u = parse_url("http://[::1]:80/x");
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 80);
  u = parse_url("http://[::1]/x");
  EXPECT_EQ(u->host, "::1");
  EXPECT_FALSE(u->port_text);

  // "localhost:8000" is scheme "localhost" + path "8000".
  u = parse_url("localhost:8000");
  EXPECT_EQ(u->scheme, "localhost");
  EXPECT_EQ(u->path, "8000");
  EXPECT_EQ(u->host, "");

  u = parse_url("//example.com");
  EXPECT_EQ(u->scheme, "");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->path, "");

  u = parse_url("http://h:/");
  EXPECT_EQ(u->port_text, "");
  EXPECT_FALSE(u->port_number);
  u = parse_url("http://h: 0x50/");
  EXPECT_EQ(u->port, 80);  // Lua tonumber
  u = parse_url("http://h:8.5/");
  EXPECT_EQ(u->port_number, 8.5);
  EXPECT_FALSE(u->port);
  u = parse_url("http://h/?");
  EXPECT_EQ(u->query, "");
  u = parse_url("http://a#b?c");
  EXPECT_EQ(u->host, "a");
  EXPECT_EQ(u->fragment, "b?c");
  EXPECT_FALSE(u->query);
  u = parse_url("1http+x-y.z:rest");
  EXPECT_EQ(u->scheme, "1http+x-y.z");
  u = parse_url("-x:rest");
  EXPECT_EQ(u->scheme, "");
  EXPECT_EQ(u->path, "-x:rest");
  u = parse_url("http://@:");
  EXPECT_EQ(u->userinfo, "");
  EXPECT_EQ(u->host, "");
  EXPECT_EQ(u->port_text, "");
  u = parse_url("http://[]");
  EXPECT_EQ(u->host, "[]");
}

TEST(NetCheckUrl, Typedef) {
  EXPECT_EQ(msg(check_url("")), "could not parse url. invalid url");
  EXPECT_EQ(msg(check_url("/path")), "missing host in url");
  EXPECT_EQ(msg(check_url("localhost:8000")), "missing host in url");
  EXPECT_EQ(msg(check_url("http:///x")), "missing host in url");
  EXPECT_EQ(msg(check_url("//example.com")), "missing scheme in url");
  for (auto s : {"http://example.com", "https://example.com/path/to/resource?q=search",
                 "grpc://[::1]:50051", "x://y"})
    EXPECT_EQ(msg(check_url(s)), kOk) << s;
}

TEST(NetExpandServiceUrl, Shorthand) {
  EXPECT_FALSE(expand_service_url(""));
  auto s = expand_service_url("https://example.com/foo");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->protocol, "https");
  EXPECT_EQ(s->host, "example.com");
  EXPECT_EQ(s->port, 443);
  EXPECT_EQ(s->path, "/foo");
  s = expand_service_url("http://example.com");
  EXPECT_EQ(s->port, 80);
  EXPECT_FALSE(s->path);
  s = expand_service_url("//example.com:443");
  EXPECT_EQ(s->protocol, "https");
  EXPECT_EQ(s->port, 443);
  s = expand_service_url("//example.com:80");
  EXPECT_EQ(s->protocol, "http");
  s = expand_service_url("grpc://example.com");
  EXPECT_EQ(s->protocol, "grpc");
  EXPECT_EQ(s->port, 80);
  s = expand_service_url("http://example.com:abc/");
  EXPECT_FALSE(s->port);
  EXPECT_EQ(s->port_string, "abc");
  s = expand_service_url("/just/a/path");
  EXPECT_EQ(s->protocol, "http");
  EXPECT_FALSE(s->host);
  EXPECT_EQ(s->path, "/just/a/path");
}

TEST(NetLuaToNumber, Basics) {
  EXPECT_EQ(lua_tonumber("80"), 80);
  EXPECT_EQ(lua_tonumber(" 80\t"), 80);
  EXPECT_EQ(lua_tonumber("0x1F"), 31);
  EXPECT_EQ(lua_tonumber("-5"), -5);
  EXPECT_EQ(lua_tonumber("8e1"), 80);
  EXPECT_EQ(lua_tonumber(".5"), 0.5);
  for (auto s : {"", " ", "abc", "0x", "1e", "80a", "--1", "."}) EXPECT_FALSE(lua_tonumber(s)) << s;
  EXPECT_FALSE(lua_tonumber("80\0"s));
}

// ---------------------------------------------------------------- targets / upstreams

TEST(NetTargets, SchemaAndDao) {
  for (auto s : {"valid.name", "valid.name:8080", "12.34.56.78", "1.2.3.4:123", "::1"})
    EXPECT_EQ(msg(check_target(s)), kOk) << s;
  EXPECT_EQ(msg(check_target("\\\\bad\\\\////name////")),
            "Invalid target ('\\\\bad\\\\////name////'); not a valid hostname or ip address");
  EXPECT_EQ(msg(check_target("bad\xff")), "Invalid target; not a valid hostname or ip address");

  std::string err;
  EXPECT_EQ(normalize_target("valid.name", &err), "valid.name:8000");
  EXPECT_EQ(normalize_target("Valid.Name:8080", &err), "Valid.Name:8080");
  EXPECT_EQ(normalize_target("012.034.056.078", &err), "12.34.56.78:8000");
  EXPECT_EQ(normalize_target("1.2.3.4:0123", &err), "1.2.3.4:123");
  EXPECT_EQ(normalize_target("::1", &err), "[" + kZeros1 + "]:8000");
  EXPECT_EQ(normalize_target("[::1]:81", &err), "[" + kZeros1 + "]:81");
  EXPECT_EQ(normalize_target("[2001:DB8::1]", &err),
            "[2001:0db8:0000:0000:0000:0000:0000:0001]:8000");
  EXPECT_FALSE(normalize_target("bad name", &err));
  EXPECT_EQ(err, "Invalid target; not a valid hostname or ip address");
  EXPECT_FALSE(normalize_target("1.2.3.4:70000", &err));
}

TEST(NetUpstreamName, Spec) {
  EXPECT_EQ(msg(check_upstream_name("valid.host.name")), kOk);
  EXPECT_EQ(msg(check_upstream_name("123.123.123.123")),
            "Invalid name ('123.123.123.123'); no ip addresses allowed");
  EXPECT_EQ(msg(check_upstream_name("::1")), "Invalid name ('::1'); no ip addresses allowed");
  EXPECT_EQ(msg(check_upstream_name("\\\\bad\\\\////name////")),
            "Invalid name ('\\\\bad\\\\////name////'); must be a valid hostname");
  EXPECT_EQ(msg(check_upstream_name("name:80")), "Invalid name ('name:80'); no port allowed");
  EXPECT_EQ(msg(check_upstream_name("bad\xc0")), "Invalid name; must be a valid hostname");
  EXPECT_EQ(msg(check_upstream_name("name:99999")),
            "Invalid name ('name:99999'); must be a valid hostname");
}

// ---------------------------------------------------------------- robustness

TEST(NetRobustness, HugeAndBinaryInputs) {
  // A few 1 MiB inputs plus 64 KiB pathological patterns keep the -O0 +
  // sanitizer run fast while still catching anything quadratic.
  constexpr size_t kMiB = 1 << 20, kSmall = 1 << 16;
  auto repeat = [](std::string_view unit, size_t size) {
    std::string s;
    while (s.size() < size) s += unit;
    return s;
  };
  const std::vector<std::string> inputs = {
      std::string(kMiB, 'a'),
      std::string(kMiB, '\xff'),
      repeat("/a/../%2e%2E/./", kMiB),
      repeat(":1", kMiB),
      std::string(kSmall, ':'),
      std::string(kSmall, '.'),
      std::string(kSmall, '/'),
      std::string(kSmall, '%'),
      std::string(kSmall, '*'),
      std::string(kSmall, '['),
      std::string(kSmall, '\0'),
      "/" + std::string(kSmall, '1'),
      "[" + std::string(kSmall, ':') + "]:" + std::string(1 << 10, '9'),
      "\0\x01\x80\xfe\xff:[]%"s,
  };
  for (const auto& in : inputs) {
    std::string err;
    (void)hostname_type(in);
    (void)normalize_host_port(in, &err);
    (void)normalize_ipv4(in, &err);
    (void)normalize_ipv6(in, &err);
    (void)check_hostname(in, &err);
    (void)check_host(in);
    (void)check_host_with_optional_port(in);
    (void)check_wildcard_host(in);
    (void)check_sni(in);
    (void)check_ip(in);
    (void)check_ip_or_cidr(in);
    (void)check_cidr_v4(in);
    (void)check_path(in);
    (void)check_route_host(in);
    (void)check_router_path(in);
    (void)normalize_uri_path(in);
    (void)normalize_uri_path(in, false);
    (void)check_utf8(in);
    (void)check_name(in);
    (void)check_utf8_name(in);
    (void)check_tag(in);
    (void)parse_url(in);
    (void)check_url(in);
    (void)expand_service_url(in);
    (void)lua_tonumber(in);
    (void)check_target(in);
    (void)normalize_target(in, &err);
    (void)check_upstream_name(in);
  }
  EXPECT_EQ(msg(check_host(std::string(1 << 20, 'a'))), kOk);
  EXPECT_EQ(msg(check_utf8(std::string(1 << 20, '\xff'))),
            "invalid utf-8 character sequence detected at position 1");
  EXPECT_EQ(msg(check_host("a\0b"s)), "invalid value: a\0b"s);
  EXPECT_EQ(msg(check_path("/a\0b"s)),
            "invalid path: '/a\0b' (characters outside of the reserved list of RFC 3986 found)"s);
}
