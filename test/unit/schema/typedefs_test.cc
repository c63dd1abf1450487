// Kong: spec/01-unit/01-db/01-schema/03-typedefs_spec.lua (+ 05-services, 06-routes, 11-snis)
#include "kongdb/schema/typedefs.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace kongdb::schema {
namespace {

// The field's message, "" when valid, "<tree>" for nested errors.
std::string check(const Field& f, const Value& v) {
  Schema s;
  auto err = s.validate_field(f, v);
  if (!err) return "";
  return err->is_string() ? err->as_string() : "<tree>";
}

// Error of element i (0-based) of an array/set field; "" when that element is fine.
std::string element_error(const Field& f, const Value& v, size_t i) {
  Schema s;
  auto err = s.validate_field(f, v);
  if (!err || !err->is_array() || err->as_array().size() <= i) return "";
  const Value& e = err->as_array()[i];
  return e.is_string() ? e.as_string() : "";
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string public_pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, k);
  return bio_text(bio);
}

std::string private_pem(EVP_PKEY* k) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

std::string self_signed_cert(EVP_PKEY* k) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, k);
  X509_sign(x, k, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  X509_free(x);
  return bio_text(bio);
}

TEST(TypedefsTest, Uuid) {
  Field f = typedefs::uuid();
  EXPECT_EQ(f.type(), FieldType::String);
  EXPECT_TRUE(f.is_auto());
  EXPECT_EQ(check(f, "cbb297c0-a956-486d-ad1d-f9b42df9465a"), "");
  EXPECT_EQ(check(f, "00000000-0000-0000-0000-000000000000"), "");
  EXPECT_EQ(check(f, "hello"), "expected a valid UUID");
  EXPECT_EQ(check(f, 123), "expected a string");
  // Overriding with false, as `typedefs.uuid { auto = false }`.
  EXPECT_FALSE(typedefs::uuid().auto_fill(false).is_auto());
}

TEST(TypedefsTest, AutoTimestamps) {
  Field s = typedefs::auto_timestamp_s();
  EXPECT_EQ(s.type(), FieldType::Integer);
  EXPECT_TRUE(s.is_auto());
  EXPECT_EQ(check(s, 1700000000), "");
  EXPECT_EQ(check(s, 1.5), "expected an integer");
  EXPECT_EQ(check(s, 0), "expected a valid timestamp");
  Field ms = typedefs::auto_timestamp_ms();
  EXPECT_EQ(ms.type(), FieldType::Number);
  EXPECT_EQ(check(ms, 1700000000.123), "");
  EXPECT_EQ(check(ms, -1), "expected a valid timestamp");
}

TEST(TypedefsTest, Port) {
  Field f = typedefs::port();
  EXPECT_EQ(check(f, 1024), "");
  EXPECT_EQ(check(f, 0), "");
  EXPECT_EQ(check(f, 65535), "");
  EXPECT_EQ(check(f, 65535.0), "");
  EXPECT_EQ(check(f, "get"), "expected an integer");
  EXPECT_EQ(check(f, 65536), "value should be between 0 and 65535");
  EXPECT_EQ(check(f, 70000), "value should be between 0 and 65535");
  EXPECT_EQ(check(f, -1), "value should be between 0 and 65535");
  EXPECT_EQ(check(f, 65536.1), "expected an integer");
}

TEST(TypedefsTest, Timeout) {
  Field f = typedefs::timeout();
  EXPECT_EQ(check(f, 120), "");
  EXPECT_EQ(check(f, 0), "");
  EXPECT_EQ(check(f, 2147483646), "");
  EXPECT_EQ(check(f, -1), "value should be between 0 and 2147483646");
  EXPECT_EQ(check(f, 2147483647), "value should be between 0 and 2147483646");
  EXPECT_EQ(check(f, std::numeric_limits<double>::infinity()), "expected an integer");
}

TEST(TypedefsTest, Ttl) {
  Field f = typedefs::ttl();
  EXPECT_EQ(f.type(), FieldType::Number);
  EXPECT_EQ(check(f, 0), "");
  EXPECT_EQ(check(f, 100000000), "");
  EXPECT_EQ(check(f, 0.5), "");
  EXPECT_EQ(check(f, 100000001), "value should be between 0 and 100000000");
  EXPECT_EQ(check(f, -1), "value should be between 0 and 100000000");
}

TEST(TypedefsTest, Protocol) {
  Field f = typedefs::protocol();
  EXPECT_EQ(check(f, "http"), "");
  EXPECT_EQ(check(f, "https"), "");
  EXPECT_EQ(check(f, "tls_passthrough"), "");
  EXPECT_EQ(check(f, "ftp"),
            "expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp");
  EXPECT_EQ(check(f, Value(Object{})), "expected a string");
  EXPECT_EQ(typedefs::all_protocols().size(), 8u);
}

TEST(TypedefsTest, Protocols) {
  Field f = typedefs::protocols();
  EXPECT_EQ(f.type(), FieldType::Set);
  EXPECT_TRUE(f.is_required());
  ASSERT_TRUE(f.default_.has_value());
  EXPECT_EQ(*f.default_, Value::array({"grpc", "grpcs", "http", "https"}));
  EXPECT_EQ(check(f, Value::array({"http", "tcp"})), "");
  EXPECT_EQ(element_error(f, Value::array({"http", "ftp"}), 1),
            "expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp");
  EXPECT_EQ(check(f, Value()), "required field missing");
  EXPECT_EQ(check(f, "http"), "expected a set");

  Field h = typedefs::protocols_http();
  EXPECT_TRUE(h.is_required());
  EXPECT_EQ(*h.default_, Value::array({"grpc", "grpcs", "http", "https"}));
  EXPECT_EQ(check(h, Value::array({"https"})), "");
  EXPECT_EQ(element_error(h, Value::array({"tcp"}), 0), "expected one of: grpc, grpcs, http, https");
}

TEST(TypedefsTest, HttpMethodAndMethods) {
  Field f = typedefs::http_method();
  EXPECT_EQ(check(f, "GET"), "");
  EXPECT_EQ(check(f, "FOOBAR"), "");
  EXPECT_EQ(check(f, "get"), "invalid value: get");
  EXPECT_EQ(check(f, "HELLO WORLD"), "invalid value: HELLO WORLD");
  EXPECT_EQ(check(f, " GET"), "invalid value:  GET");
  EXPECT_EQ(check(f, 123), "expected a string");
  EXPECT_EQ(check(f, ""), "length must be at least 1");

  Field m = typedefs::methods();
  EXPECT_EQ(check(m, Value::array({"GET", "POST", "CUSTOM"})), "");
  EXPECT_EQ(element_error(m, Value::array({false}), 0), "expected a string");
  EXPECT_EQ(element_error(m, Value::array({"get"}), 0), "invalid value: get");
  EXPECT_EQ(check(typedefs::no_methods(), Value::array({"GET"})), "value must be null");
  EXPECT_EQ(check(typedefs::no_methods(), Value()), "");
}

TEST(TypedefsTest, Host) {
  Field f = typedefs::host();
  for (const char* ok : {"hello.com", "1991.io", "HELLO.com", "example.123", "example_api.com",
                         "localhost", "example.test.", "3B-ww4c5e180e575a65lsy2b",
                         "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n", "127.0.0.1"}) {
    EXPECT_EQ(check(f, ok), "") << ok;
  }
  for (const char* bad : {"/example", ".example", "example:", "mock;bin", "example.com/org",
                          "example-.org", "example.org-", "hello..example.com",
                          "hello-.example.com", "*example.com", "www.example*", "mock*bin.com"}) {
    EXPECT_EQ(check(f, bad), std::string("invalid value: ") + bad) << bad;
  }
  EXPECT_EQ(check(f, "example.com:80"), "must not have a port");
  EXPECT_EQ(check(f, "example.com:1000000"), "must not have a port");
  EXPECT_EQ(check(f, ""), "length must be at least 1");
  EXPECT_EQ(check(f, false), "expected a string");
  EXPECT_EQ(check(typedefs::redis_host(), "example.com:80"), "must not have a port");
}

TEST(TypedefsTest, HostWithOptionalPort) {
  Field f = typedefs::host_with_optional_port();
  EXPECT_EQ(check(f, "example.com"), "");
  EXPECT_EQ(check(f, "example.com:8080"), "");
  EXPECT_EQ(check(f, "example.com:1000000"), "invalid port number");
  EXPECT_EQ(check(f, "mock;bin"), "invalid hostname: mock;bin");
}

TEST(TypedefsTest, Hosts) {
  Field f = typedefs::hosts();
  EXPECT_EQ(f.type(), FieldType::Array);
  for (const char* ok : {"hello.com", "example.com:80", "example.com:8080", "example.*",
                         "*.example.org", "*.example.org:321", "localhost"}) {
    EXPECT_EQ(check(f, Value::array({ok})), "") << ok;
  }
  for (const char* bad : {"/example", ".example", "example:", "mock;bin", "example.com/org",
                          "example-.org", "example.org-", "hello..example.com",
                          "hello-.example.com"}) {
    EXPECT_EQ(element_error(f, Value::array({bad}), 0), std::string("invalid hostname: ") + bad)
        << bad;
  }
  EXPECT_EQ(element_error(f, Value::array({"example.com:1000000"}), 0), "invalid port number");
  for (const char* bad : {"*example.com", "www.example*", "mock*bin.com"}) {
    EXPECT_EQ(element_error(f, Value::array({bad}), 0),
              "invalid wildcard: must be placed at leftmost or rightmost label")
        << bad;
  }
  for (const char* bad : {"*.example.*", "**.example.com", "*.example*.*"}) {
    EXPECT_EQ(element_error(f, Value::array({bad}), 0),
              "invalid wildcard: must have at most one wildcard")
        << bad;
  }
  EXPECT_EQ(element_error(f, Value::array({false}), 0), "expected a string");
  EXPECT_EQ(element_error(f, Value::array({""}), 0), "length must be at least 1");
  EXPECT_EQ(check(typedefs::no_hosts(), Value::array({"a.com"})), "value must be null");
}

TEST(TypedefsTest, WildcardHost) {
  Field f = typedefs::wildcard_host();
  EXPECT_EQ(check(f, "*.example.com"), "");
  EXPECT_EQ(check(f, "example.*"), "");
  EXPECT_EQ(check(f, "test.example.com"), "");
  EXPECT_EQ(check(f, "foo.*.com"), "wildcard must be leftmost or rightmost character");
  EXPECT_EQ(check(f, "*.example.*"), "only one wildcard must be specified");
  EXPECT_EQ(check(f, "example.com:80"), "must not have a port");
  EXPECT_EQ(check(f, "127.0.0.1"), "must not be an IP");
  EXPECT_EQ(check(f, "[::1]"), "must not be an IP");
  EXPECT_EQ(check(f, "mock;bin"), "invalid value: mock;bin");
}

TEST(TypedefsTest, Sni) {
  Field f = typedefs::sni();
  EXPECT_EQ(check(f, "example.com"), "");
  EXPECT_EQ(check(f, "9foo.te-st.bar.test"), "");
  EXPECT_EQ(check(f, "127.0.0.1"), "must not be an IP");
  EXPECT_EQ(check(f, "[::1]"), "must not be an IP");
  EXPECT_EQ(check(f, "example.com:80"), "must not have a port");
  EXPECT_EQ(check(f, "mock;bin"), "invalid value: mock;bin");
  EXPECT_EQ(check(typedefs::redis_server_name(), "127.0.0.1"), "must not be an IP");
}

TEST(TypedefsTest, IpAndCidr) {
  EXPECT_EQ(check(typedefs::ip(), "127.0.0.1"), "");
  EXPECT_EQ(check(typedefs::ip(), "::1"), "");
  EXPECT_EQ(check(typedefs::ip(), "x.x.x.x"), "not an ip address: x.x.x.x");
  EXPECT_EQ(check(typedefs::ip_or_cidr(), "10.0.0.0/8"), "");
  EXPECT_EQ(check(typedefs::ip_or_cidr(), "127.0.0.1"), "");
  EXPECT_EQ(check(typedefs::ip_or_cidr(), "x.x.x.x"), "invalid ip or cidr range: 'x.x.x.x'");
  EXPECT_EQ(check(typedefs::cidr_v4(), "10.0.0.0/8"), "");
  EXPECT_EQ(check(typedefs::cidr_v4(), "10.0.0.1"), "");  // Kong accepts bare IPv4 too
  EXPECT_EQ(check(typedefs::cidr_v4(), "::1/128"), "invalid ipv4 cidr range: '::1/128'");
}

TEST(TypedefsTest, SourcesAndDestinations) {
  Field f = typedefs::sources();
  EXPECT_EQ(f.type(), FieldType::Set);
  Value ok = Value::array({Value::object({{"ip", "127.0.0.1"}}),
                           Value::object({{"ip", "127.75.78.72"}, {"port", 8000}})});
  EXPECT_EQ(check(f, ok), "");
  Schema s;
  auto err = s.validate_field(
      f, Value::array({Value::object({{"ip", "127.0.0.1"}}),
                       Value::object({{"ip", "127.75.78.72"}, {"port", 65536}})}));
  ASSERT_TRUE(err && err->is_array() && err->as_array().size() == 2);
  const Value* port_err = err->as_array()[1].find("port");
  ASSERT_NE(port_err, nullptr);
  EXPECT_EQ(port_err->as_string(), "value should be between 0 and 65535");
  EXPECT_EQ(check(typedefs::destinations(), ok), "");
  EXPECT_EQ(check(typedefs::no_sources(), ok), "value must be null");
  EXPECT_EQ(check(typedefs::no_destinations(), Value()), "");
}

TEST(TypedefsTest, Path) {
  Field f = typedefs::path();
  EXPECT_EQ(check(f, "/"), "");
  EXPECT_EQ(check(f, "/abcd~user~2"), "");
  EXPECT_EQ(check(f, "/ovo/"), "");
  EXPECT_EQ(check(f, "/hello/path$with$!&'()*+,;=stuff"), "");
  EXPECT_EQ(check(f, "/abcd%aa%10%ff%AA%FF"), "");
  EXPECT_EQ(check(f, false), "expected a string");
  EXPECT_EQ(check(f, ""), "length must be at least 1");
  EXPECT_EQ(check(f, "foo"), "should start with: /");
  for (const char* bad : {"/foo//bar", "/foo/bar//", "//foo/bar"}) {
    EXPECT_EQ(check(f, bad), "must not have empty segments") << bad;
  }
  for (const char* bad : {"/users/|foo/profile", "/users/(this|foo/profile)"}) {
    EXPECT_EQ(check(f, bad), std::string("invalid path: '") + bad +
                                 "' (characters outside of the reserved list of RFC 3986 found)");
  }
  const char* pcts[] = {"/some%2words", "/some%0Xwords", "/some%2Gwords",
                        "/some%20words%", "/some%20words%a", "/some%20words%ax"};
  const char* errs[] = {"%2w", "%0X", "%2G", "%", "%a", "%ax"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(check(f, pcts[i]), std::string("invalid url-encoded value: '") + errs[i] + "'");
  }
}

TEST(TypedefsTest, RouterPath) {
  Field f = typedefs::router_path();
  EXPECT_EQ(check(f, "/"), "");
  EXPECT_EQ(check(f, "/abcd~user~2"), "");
  EXPECT_EQ(check(f, "/ovo/"), "");
  EXPECT_EQ(check(f, "~/users/(foo|bar)/profile"), "");
  EXPECT_EQ(check(f, "foo"), "should start with: / (fixed path) or ~/ (regex path)");
  EXPECT_EQ(check(f, ""), "length must be at least 1");
  for (const char* bad : {"/foo//bar", "/foo/bar//", "//foo/bar"}) {
    EXPECT_EQ(check(f, bad), "must not have empty segments") << bad;
  }
  EXPECT_EQ(check(f, "~/users/(foo/profile"),
            "invalid regex: '/users/(foo/profile' (PCRE returned: pcre2_compile() failed: "
            "missing closing parenthesis in \"/users/(foo/profile\")");
  const char* pcts[] = {"/some%2words", "/some%0Xwords", "/some%2Gwords",
                        "/some%20words%", "/some%20words%a", "/some%20words%ax"};
  const char* errs[] = {"%2w", "%0X", "%2G", "%", "%a", "%ax"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(check(f, pcts[i]), std::string("invalid url-encoded value: '") + errs[i] + "'");
  }
  EXPECT_EQ(check(f, "/a/../b"), "non-normalized path, consider use '/b' instead");

  Field paths = typedefs::router_paths();
  EXPECT_EQ(element_error(paths, Value::array({"/ok", false}), 1), "expected a string");
  EXPECT_EQ(check(typedefs::no_paths(), Value::array({"/"})), "value must be null");
}

TEST(TypedefsTest, Url) {
  Field f = typedefs::url();
  EXPECT_EQ(check(f, "http://example.com/path?q=1"), "");
  EXPECT_EQ(check(f, "example.com"), "missing host in url");
  EXPECT_EQ(check(f, "//example.com"), "missing scheme in url");
}

TEST(TypedefsTest, NameAndUtf8Name) {
  Field f = typedefs::name();
  EXPECT_TRUE(f.is_unique());
  for (const char* ok : {"example", "EXAMPLE", "exa.mp.le", "3x4-mp-13", "3x4_mp_13",
                         "~3..x4~.M-p~1__3_"}) {
    EXPECT_EQ(check(f, ok), "") << ok;
  }
  EXPECT_EQ(check(f, "examp:le"),
            "invalid value 'examp:le': it must only contain alphanumeric and '., -, _, ~' "
            "characters");
  EXPECT_EQ(check(f, ""), "length must be at least 1");
  EXPECT_EQ(check(f, false), "expected a string");

  Field u = typedefs::utf8_name();
  EXPECT_TRUE(u.is_unique());
  for (const char* ok : {"example", "~3..x4~.M-p~1__3_", "孔", "Конг", "🦍"}) {
    EXPECT_EQ(check(u, ok), "") << ok;
  }
  EXPECT_EQ(check(u, "examp le"),
            "invalid value 'examp le': the only accepted ascii characters are alphanumerics or "
            "., -, _, and ~");
  EXPECT_EQ(check(u, std::string("i\xd5\xcd\x95")),
            "invalid utf-8 character sequence detected at position 2");
}

TEST(TypedefsTest, TagAndTags) {
  Field t = typedefs::tag();
  EXPECT_TRUE(t.is_required());
  EXPECT_EQ(check(t, "foo"), "");
  EXPECT_EQ(check(t, "with space"), "");
  EXPECT_EQ(check(t, "a,b"),
            "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 "
            "sequences");
  EXPECT_EQ(check(t, "a/b"),
            "invalid tag 'a/b': expected printable ascii (except `,` and `/`) or valid utf-8 "
            "sequences");
  Field ts = typedefs::tags();
  EXPECT_EQ(ts.type(), FieldType::Set);
  EXPECT_FALSE(ts.is_required());
  EXPECT_EQ(check(ts, Value::array({"a", "b"})), "");
  EXPECT_EQ(element_error(ts, Value::array({"ok", 1}), 1), "expected a string");
  EXPECT_EQ(check(ts, "a"), "expected a set");
}

TEST(TypedefsTest, NoForeign) {
  struct Case {
    Field f;
    const char* ref;
  };
  for (const Case& c : {Case{typedefs::no_route(), "routes"}, Case{typedefs::no_service(), "services"},
                        Case{typedefs::no_consumer(), "consumers"}}) {
    EXPECT_EQ(c.f.type(), FieldType::Foreign);
    EXPECT_EQ(c.f.reference_.value_or(""), c.ref);
    EXPECT_EQ(check(c.f, Value()), "");
    EXPECT_EQ(check(c.f, Value::object({{"id", "cbb297c0-a956-486d-ad1d-f9b42df9465a"}})),
              "value must be null");
  }
}

TEST(TypedefsTest, SemanticVersion) {
  Field f = typedefs::semantic_version();
  for (const char* ok : {"1", "1.2", "1.2.3", "100.200.300", "1.2.3-rc.1", "1.2.3-alpha.1",
                         "1.2.3.4-enterprise-edition"}) {
    EXPECT_EQ(check(f, ok), "") << ok;
  }
  EXPECT_EQ(check(f, "hello"), "invalid version number: must be in format of X.Y.Z");
  EXPECT_EQ(check(f, ".1"), "invalid version number: must be in format of X.Y.Z");
  EXPECT_EQ(check(f, "1..1"), "must not have empty version segments");
}

TEST(TypedefsTest, HeaderNameAndHeaders) {
  Field f = typedefs::header_name();
  EXPECT_EQ(check(f, "X-Foo_Bar9"), "");
  EXPECT_EQ(check(f, "X Foo"),
            "bad header name 'X Foo', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
  Field h = typedefs::headers();
  EXPECT_EQ(check(h, Value::object({{"location", Value::array({"a"})}})), "");
  EXPECT_EQ(check(h, Value::object({{"location", true}})), "expected an array");
  // Kong: err.headers[1] == "length must be at least 1"
  EXPECT_EQ(element_error(h, Value::object({{"location", Value::array({""})}}), 0),
            "length must be at least 1");
  EXPECT_EQ(check(typedefs::no_headers(), Value::object({{"a", Value::array({"b"})}})),
            "value must be null");
  EXPECT_EQ(check(typedefs::cookie_name(), "sess"), "");
  EXPECT_EQ(check(typedefs::cookie_name(), "a;b"),
            "contains one or more invalid characters. ASCII control characters (0-31;127), "
            "space, tab and the characters ()<>@,;:\\\"/?={}[] are not allowed.");
}

TEST(TypedefsTest, CertificateAndKey) {
  PkeyPtr k(EVP_RSA_gen(2048));
  Field c = typedefs::certificate();
  EXPECT_EQ(check(c, self_signed_cert(k.get())), "");
  EXPECT_EQ(check(c, 42), "expected a string");
  EXPECT_EQ(check(c, "not a certificate").rfind("invalid certificate: x509.new: ", 0), 0u);
  EXPECT_EQ(check(c, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
                .rfind("invalid certificate", 0),
            0u);
  Field key = typedefs::key();
  EXPECT_EQ(check(key, private_pem(k.get())), "");
  EXPECT_EQ(check(key, public_pem(k.get())), "");
  EXPECT_EQ(check(key, 42), "expected a string");
  EXPECT_EQ(check(key, "not a key").rfind("invalid key: pkey.new:load_key: ", 0), 0u);
  EXPECT_EQ(check(key, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n")
                .rfind("invalid key", 0),
            0u);
}

TEST(TypedefsTest, Pem) {
  Field f = typedefs::pem();
  PkeyPtr k(EVP_EC_gen("P-256"));
  PkeyPtr other(EVP_EC_gen("P-256"));
  auto rec = [](std::initializer_list<Object::Entry> e) { return Value::object(e); };
  EXPECT_EQ(check(f, rec({{"public_key", public_pem(k.get())}})), "");
  EXPECT_EQ(check(f, rec({{"private_key", private_pem(k.get())}})), "");
  EXPECT_EQ(check(f, rec({{"public_key", public_pem(k.get())},
                          {"private_key", private_pem(k.get())}})),
            "");
  EXPECT_EQ(check(f, rec({{"public_key", private_pem(k.get())}})), "could not load public key");
  EXPECT_EQ(check(f, rec({{"private_key", public_pem(k.get())}})).rfind(
                "could not load private key", 0),
            0u);
  EXPECT_EQ(check(f, rec({{"public_key", public_pem(other.get())},
                          {"private_key", private_pem(k.get())}})),
            "public key does not match private key");
  EXPECT_EQ(check(f, rec({{"public_key", "{vault://env/pub}"}})), "");
  // at_least_one_of check on the record.
  EXPECT_EQ(check(f, rec({})), "<tree>");
}

TEST(TypedefsTest, Shapes) {
  Field j = typedefs::jwk();
  EXPECT_EQ(j.type(), FieldType::Record);
  ASSERT_TRUE(j.fields_);
  EXPECT_EQ(j.fields_->fields.size(), 25u);
  ASSERT_NE(j.fields_->field("kid"), nullptr);
  EXPECT_TRUE(j.fields_->field("kid")->is_required());
  EXPECT_NE(j.fields_->field("x5t#S256"), nullptr);

  Field l = typedefs::lua_code();
  EXPECT_EQ(l.type(), FieldType::Map);
  EXPECT_EQ(check(l, Value::object({{"a", "return 1"}})), "");
  EXPECT_EQ(check(l, Value::object({{"a", ""}})), "length must be at least 1");

  EXPECT_EQ(typedefs::key_set().reference_.value_or(""), "key_sets");
  EXPECT_EQ(check(typedefs::no_key_set(), Value::object({{"id", "x"}})), "value must be null");
  EXPECT_EQ(check(typedefs::regex_or_plain_pattern(), "plain"), "");
  EXPECT_EQ(check(typedefs::regex_or_plain_pattern(), "~(a"),
            "invalid regex: '(a' (PCRE returned: pcre2_compile() failed: missing closing "
            "parenthesis in \"(a\")");
}

TEST(TypedefsTest, Descriptions) {
  EXPECT_EQ(typedefs::port().description_.value_or(""),
            "An integer representing a port number between 0 and 65535, inclusive.");
  EXPECT_EQ(typedefs::ttl().description_.value_or(""), "Time-to-live value for data");
  EXPECT_EQ(typedefs::tags().description_.value_or(""), "A set of strings representing tags.");
  EXPECT_EQ(typedefs::no_consumer().description_.value_or(""),
            "Custom type for representing a foreign key with a null value allowed.");
}

TEST(TypedefsTest, ByName) {
  for (const char* n : {"uuid", "port", "timeout", "protocols", "tags", "lua_code", "jwk", "pem",
                        "cidr", "cidr_v4", "hosts", "no_paths", "semantic_version", "ttl",
                        "auto_timestamp_s", "url", "key", "certificate", "header_name", "queue"}) {
    EXPECT_TRUE(typedefs::by_name(n).has_value()) << n;
  }
  auto p = typedefs::by_name("port");
  ASSERT_TRUE(p);
  EXPECT_EQ(check(*p, 70000), "value should be between 0 and 65535");
  EXPECT_FALSE(typedefs::by_name("nope").has_value());
}

}  // namespace
}  // namespace kongdb::schema
