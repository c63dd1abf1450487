// Certificates over the Admin API: SNI names as keys, PATCH of the key pair, delete with SNIs.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

// A fresh self-signed certificate and its key, as PEM.
std::pair<std::string, std::string> self_signed(const std::string& cn) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  };
  std::string cert = pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  std::string pkey = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(x);
  EVP_PKEY_free(key);
  return {cert, pkey};
}

std::string pair_body(const std::pair<std::string, std::string>& kp, const Value& snis = Value()) {
  Value b = Value::object({{"cert", kp.first}, {"key", kp.second}});
  if (!snis.is_null()) b.as_object().set("snis", snis);
  return json::encode(b);
}

using Certificates = AdminApiTest;

TEST_F(Certificates, CreatedCertificateListsItsSnisAndIsReachableByThem) {
  Response r = call("POST", "/certificates", pair_body(self_signed("a.example.com"), Value::array({"b.example.com", "a.example.com"})));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(*body(r).find("snis"), Value::array({"a.example.com", "b.example.com"}));
  Response by_sni = call("GET", "/certificates/b.example.com");
  ASSERT_EQ(by_sni.status, 200) << by_sni.body;
  EXPECT_EQ(str(body(by_sni), "id"), str(body(r), "id"));
  EXPECT_EQ(body(call("GET", "/certificates/a.example.com/snis")).find("data")->as_array().size(), 2u);
}

TEST_F(Certificates, PatchReplacesTheKeyPair) {
  Value cert = create("/certificates", pair_body(self_signed("a.example.com"), Value::array({"a.example.com"})));
  auto second = self_signed("b.example.com");
  Response r = call("PATCH", "/certificates/" + str(cert, "id"), pair_body(second));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r), "key"), second.second);
}

TEST_F(Certificates, DeleteAlsoDeletesItsSnis) {
  Value cert = create("/certificates", pair_body(self_signed("a.example.com"), Value::array({"a.example.com"})));
  EXPECT_EQ(call("DELETE", "/certificates/" + str(cert, "id")).status, 204);
  EXPECT_EQ(call("GET", "/snis/a.example.com").status, 404);
  EXPECT_EQ(call("GET", "/certificates/" + str(cert, "id")).status, 404);
}

TEST_F(Certificates, PutBySniNameCreatesTheCertificateWithThatSni) {
  Response r = call("PUT", "/certificates/new.example.com", pair_body(self_signed("new.example.com"), Value::array({"x.example.com"})));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*body(r).find("snis"), Value::array({"new.example.com", "x.example.com"}));
}

TEST_F(Certificates, MismatchedKeyIsASchemaViolation) {
  auto a = self_signed("a.example.com");
  auto b = self_signed("b.example.com");
  Response r = call("POST", "/certificates", pair_body({a.first, b.second}));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(2));
}

}  // namespace
}  // namespace kongdb::admin::testing
