#include "schema/pem.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <random>
#include <string>

namespace pem = kongdb::schema::pem;

namespace {

struct bio_free_fn {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct x509_free_fn {
  void operator()(X509* p) const { X509_free(p); }
};
struct pkey_free_fn {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct bc_free_fn {
  void operator()(BASIC_CONSTRAINTS* p) const { BASIC_CONSTRAINTS_free(p); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free_fn>;
using x509_ptr = std::unique_ptr<X509, x509_free_fn>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free_fn>;
using bc_ptr = std::unique_ptr<BASIC_CONSTRAINTS, bc_free_fn>;

std::string drain(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

pkey_ptr rsa_key() { return pkey_ptr(EVP_RSA_gen(2048)); }
pkey_ptr ec_key() { return pkey_ptr(EVP_EC_gen("P-256")); }
pkey_ptr ed25519_key() { return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }

enum class ca_flag { none, ca_true, ca_false };

struct cert_opts {
  ca_flag ca = ca_flag::none;
  long long not_before = 0;  // epoch seconds; 0 means "now - 1 day"
  long long not_after = 0;   // epoch seconds; 0 means "now + 1 year"
};

x509_ptr make_cert(EVP_PKEY* key, const cert_opts& o) {
  x509_ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 42);
  long long now = static_cast<long long>(std::time(nullptr));
  ASN1_TIME_set(X509_getm_notBefore(x.get()),
                static_cast<time_t>(o.not_before ? o.not_before : now - 86400));
  ASN1_TIME_set(X509_getm_notAfter(x.get()),
                static_cast<time_t>(o.not_after ? o.not_after : now + 365 * 86400LL));
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kongdb.test"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509_set_pubkey(x.get(), key);
  if (o.ca != ca_flag::none) {
    bc_ptr bc(BASIC_CONSTRAINTS_new());
    bc->ca = o.ca == ca_flag::ca_true ? 0xFF : 0;
    X509_add1_ext_i2d(x.get(), NID_basic_constraints, bc.get(), 1, X509V3_ADD_REPLACE);
  }
  // Ed25519 signs without a separate digest.
  const EVP_MD* md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  EXPECT_GT(X509_sign(x.get(), key, md), 0);
  return x;
}

std::string cert_pem(X509* x) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x);
  return drain(bio.get());
}

std::string cert_der(X509* x) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(x, &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string private_pem(EVP_PKEY* k) {  // PKCS#8 "PRIVATE KEY"
  bio_ptr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  return drain(bio.get());
}

std::string traditional_pem(EVP_PKEY* k) {  // "RSA/EC PRIVATE KEY"
  bio_ptr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey_traditional(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  return drain(bio.get());
}

std::string encrypted_pem(EVP_PKEY* k) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  char pass[] = "secret";
  PEM_write_bio_PrivateKey(bio.get(), k, EVP_aes_128_cbc(),
                           reinterpret_cast<unsigned char*>(pass), 6, nullptr, nullptr);
  return drain(bio.get());
}

std::string public_pem(EVP_PKEY* k) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), k);
  return drain(bio.get());
}

std::string private_der(EVP_PKEY* k) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  i2d_PrivateKey_bio(bio.get(), k);
  return drain(bio.get());
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Shared material: key generation is slow under sanitizers, do it once.
struct material {
  pkey_ptr rsa, rsa2, ec, ed;
  std::string rsa_leaf, rsa_ca, rsa_ca_false, ec_leaf, ec_ca, ed_leaf, expired_ca;
  long long expired_at = 0;
  x509_ptr rsa_leaf_x;
};

const material& m() {
  static const material* mat = [] {
    auto* s = new material;
    s->rsa = rsa_key();
    s->rsa2 = rsa_key();
    s->ec = ec_key();
    s->ed = ed25519_key();
    s->rsa_leaf_x = make_cert(s->rsa.get(), {});
    s->rsa_leaf = cert_pem(s->rsa_leaf_x.get());
    s->rsa_ca = cert_pem(make_cert(s->rsa.get(), {ca_flag::ca_true, 0, 0}).get());
    s->rsa_ca_false = cert_pem(make_cert(s->rsa.get(), {ca_flag::ca_false, 0, 0}).get());
    s->ec_leaf = cert_pem(make_cert(s->ec.get(), {}).get());
    s->ec_ca = cert_pem(make_cert(s->ec.get(), {ca_flag::ca_true, 0, 0}).get());
    s->ed_leaf = cert_pem(make_cert(s->ed.get(), {}).get());
    s->expired_at = 1600000000;  // 2020-09-13T12:26:40Z
    s->expired_ca = cert_pem(
        make_cert(s->ec.get(), {ca_flag::ca_true, 1500000000, s->expired_at}).get());
    ERR_clear_error();
    return s;
  }();
  return *mat;
}

// Every public call must leave the thread's OpenSSL error queue empty.
class PemTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(ERR_peek_error(), 0UL); }
};

// A certificate from Kong's own spec with corrupted base64 body
// (spec/02-integration/04-admin_api/15-off_spec.lua).
constexpr const char* k_kong_bad_cert =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICIzCCAYSgAwIBAgIUUMiD8e3GDZ+vs7XBmdXzMxARUrgwCgYIKoZIzj0EAwIw\n"
    "IzENMAsGA1UECgwES29uZzESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTIyMTIzMDA0\n"
    "MDcwOFoXDTQyohnoooooooooooooooooooooooooooooooooooooooooooooasdfa\n"
    "Uwl+BNgxecswnvbQFLiUDqJjVjCfs/B53xQfV97ddxsRymES2viC2kjAm1Ete4TH\n"
    "CQmVltUBItHzI77AAAAAAAAAAAAAAAC/HC1yDSBBBBBBBBBBBBBdl0eiJwnB9lof\n"
    "MEnmOQLg177trb/AAAAAAAAAAAAAAACjUzBRMBBBBBBBBBBBBBBUI6+CKqKFz/Te\n"
    "ZJppMNl/Dh6d9DAAAAAAAAAAAAAAAASUI6+CKqBBBBBBBBBBBBB/Dh6d9DAPBgNV\n"
    "HRMBAf8EBTADAQHAAAAAAAAAAAAAAAMCA4GMADBBBBBBBBBBBBB1MnGtQcl9yOMr\n"
    "hNR54VrDKgqLR+CAAAAAAAAAAAAAAAjmrwVyQ5BBBBBBBBBBBBBEufQVO/01+2sx\n"
    "86gzAkIB/4Ilf4RluN2/gqHYlVEDRZzsqbwVJBHLeNKsZBSJkhNNpJBwa2Ndl9/i\n"
    "u2tDk0KZFSAvRnqRAo9iDBUkIUI1ahA=\n"
    "-----END CERTIFICATE-----";

}  // namespace

TEST_F(PemTest, ValidCertificates) {
  EXPECT_EQ(pem::check_certificate(m().rsa_leaf), std::nullopt);
  EXPECT_EQ(pem::check_certificate(m().ec_leaf), std::nullopt);
  EXPECT_EQ(pem::check_certificate(m().ed_leaf), std::nullopt);
  EXPECT_EQ(pem::check_certificate(m().expired_ca), std::nullopt);
  // Leading text is skipped, trailing junk ignored, like PEM_read_bio_X509.
  EXPECT_EQ(pem::check_certificate("subject=foo\n" + m().rsa_leaf + "garbage"), std::nullopt);
  // x509.new falls back to DER.
  EXPECT_EQ(pem::check_certificate(cert_der(m().rsa_leaf_x.get())), std::nullopt);
}

TEST_F(PemTest, InvalidCertificateMessages) {
  for (std::string_view junk : {std::string_view("not a certificate"),
                                std::string_view("-----BEGIN CERTIFICATE-----\n"
                                                 "-----END CERTIFICATE-----\n"),
                                std::string_view("")}) {
    auto err = pem::check_certificate(junk);
    ASSERT_TRUE(err.has_value()) << junk;
    EXPECT_TRUE(starts_with(*err, "invalid certificate: x509.new: error:")) << *err;
    EXPECT_EQ(err->back(), ':') << *err;
  }
  // The exact string Kong's spec asserts, minus the build-specific line.
  auto err = pem::check_certificate(k_kong_bad_cert);
  ASSERT_TRUE(err.has_value());
  EXPECT_TRUE(starts_with(*err,
                          "invalid certificate: x509.new: error:688010A:asn1 encoding routines:"
                          "asn1_item_embed_d2i:nested asn1 error:asn1/tasn_dec.c:"))
      << *err;
  // A key is not a certificate.
  EXPECT_TRUE(pem::check_certificate(private_pem(m().rsa.get())).has_value());
}

TEST_F(PemTest, ValidKeys) {
  EXPECT_EQ(pem::check_key(private_pem(m().rsa.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(traditional_pem(m().rsa.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(private_pem(m().ec.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(traditional_pem(m().ec.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(private_pem(m().ed.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(public_pem(m().rsa.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(public_pem(m().ec.get())), std::nullopt);
  EXPECT_EQ(pem::check_key(private_der(m().rsa.get())), std::nullopt);
}

TEST_F(PemTest, InvalidKeyMessages) {
  for (std::string_view junk : {std::string_view("not a key"),
                                std::string_view("-----BEGIN PRIVATE KEY-----\n"
                                                 "-----END PRIVATE KEY-----\n"),
                                std::string_view("")}) {
    auto err = pem::check_key(junk);
    ASSERT_TRUE(err.has_value()) << junk;
    EXPECT_TRUE(starts_with(*err, "invalid key: pkey.new:load_key: error:")) << *err;
  }
  // A certificate is not a key.
  EXPECT_TRUE(pem::check_key(m().rsa_leaf).has_value());
  // Encrypted keys are rejected without ever prompting for a passphrase.
  auto err = pem::check_key(encrypted_pem(m().rsa.get()));
  ASSERT_TRUE(err.has_value());
  EXPECT_TRUE(starts_with(*err, "invalid key: pkey.new:load_key: error:")) << *err;
}

TEST_F(PemTest, CertMatchesKey) {
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, private_pem(m().rsa.get())), std::nullopt);
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, traditional_pem(m().rsa.get())),
            std::nullopt);
  EXPECT_EQ(pem::check_cert_matches_key(m().ec_leaf, private_pem(m().ec.get())), std::nullopt);
  // Kong compares public parts only, so a bare public key matches too.
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, public_pem(m().rsa.get())), std::nullopt);

  const std::string mismatch = "certificate does not match key";
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, private_pem(m().rsa2.get())), mismatch);
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, private_pem(m().ec.get())), mismatch);
  EXPECT_EQ(pem::check_cert_matches_key("junk", private_pem(m().rsa.get())), mismatch);
  EXPECT_EQ(pem::check_cert_matches_key(m().rsa_leaf, "junk"), mismatch);
  EXPECT_EQ(pem::k_alt_cert_key_mismatch, "alternative certificate does not match key");
}

TEST_F(PemTest, KeyTypes) {
  EXPECT_EQ(pem::certificate_key_type(m().rsa_leaf), pem::KeyType::RSA);
  EXPECT_EQ(pem::certificate_key_type(m().ec_leaf), pem::KeyType::EC);
  EXPECT_EQ(pem::certificate_key_type(m().ed_leaf), pem::KeyType::Other);
  EXPECT_EQ(pem::certificate_key_type("junk"), std::nullopt);
  EXPECT_EQ(pem::certificate_key_id(m().rsa_leaf), pem::certificate_key_id(m().rsa_ca));
  EXPECT_NE(pem::certificate_key_id(m().rsa_leaf), pem::certificate_key_id(m().ec_leaf));
  EXPECT_EQ(pem::certificate_key_id(m().ed_leaf), EVP_PKEY_ED25519);
  EXPECT_EQ(pem::certificate_key_id(""), std::nullopt);
}

TEST_F(PemTest, CountCertificates) {
  EXPECT_EQ(pem::count_certificates(""), 0);
  EXPECT_EQ(pem::count_certificates("junk"), 0);
  EXPECT_EQ(pem::count_certificates(m().rsa_leaf), 1);
  EXPECT_EQ(pem::count_certificates(m().rsa_leaf + "\n" + m().rsa_leaf), 2);
  EXPECT_EQ(pem::count_certificates(m().rsa_leaf + m().ec_leaf + m().ed_leaf), 3);
  // Kong skips one byte after a tag before searching again.
  const std::string tag = "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(pem::count_certificates(tag + tag), 1);
  EXPECT_EQ(pem::count_certificates(tag + "x" + tag), 2);
}

TEST_F(PemTest, IsCa) {
  EXPECT_TRUE(pem::is_ca(m().rsa_ca));
  EXPECT_TRUE(pem::is_ca(m().ec_ca));
  EXPECT_FALSE(pem::is_ca(m().rsa_leaf));      // no basicConstraints
  EXPECT_FALSE(pem::is_ca(m().rsa_ca_false));  // CA:FALSE
  EXPECT_FALSE(pem::is_ca("junk"));
}

TEST_F(PemTest, IsExpired) {
  long long now = static_cast<long long>(std::time(nullptr));
  EXPECT_FALSE(pem::is_expired(m().rsa_leaf, now));
  EXPECT_TRUE(pem::is_expired(m().expired_ca, now));
  // Strict "<": expiring exactly now is still valid.
  EXPECT_FALSE(pem::is_expired(m().expired_ca, m().expired_at));
  EXPECT_TRUE(pem::is_expired(m().expired_ca, m().expired_at + 1));
  EXPECT_TRUE(pem::is_expired("junk", now));

  // GeneralizedTime (year >= 2050) is decoded correctly too.
  long long far = 4102444800LL;  // 2100-01-01T00:00:00Z
  auto x = make_cert(m().ec.get(), {ca_flag::ca_true, 0, far});
  std::string pem_text = cert_pem(x.get());
  EXPECT_FALSE(pem::is_expired(pem_text, far));
  EXPECT_TRUE(pem::is_expired(pem_text, far + 1));
}

TEST_F(PemTest, Digests) {
  EXPECT_EQ(pem::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(pem::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Kong digests the DER encoding, not the submitted text.
  std::string der = cert_der(m().rsa_leaf_x.get());
  EXPECT_EQ(pem::cert_digest(m().rsa_leaf), pem::sha256_hex(der));
  EXPECT_NE(pem::cert_digest(m().rsa_leaf), pem::sha256_hex(m().rsa_leaf));
  EXPECT_EQ(pem::cert_digest(der), pem::sha256_hex(der));
  EXPECT_EQ(pem::cert_digest("junk"), std::nullopt);
}

TEST_F(PemTest, CaCertificateEntityCheck) {
  long long now = static_cast<long long>(std::time(nullptr));
  EXPECT_EQ(pem::check_ca_certificate(m().rsa_ca, now), std::nullopt);
  EXPECT_EQ(pem::check_ca_certificate(m().rsa_leaf, now),
            "certificate does not appear to be a CA because it is missing the \"CA\" basic "
            "constraint");
  EXPECT_EQ(pem::check_ca_certificate(m().expired_ca, now),
            "certificate expired, \"Not After\" time is in the past");
  EXPECT_EQ(pem::check_ca_certificate(m().rsa_ca + "\n" + m().rsa_ca, now),
            "please submit only one certificate at a time");
  auto err = pem::check_ca_certificate("junk", now);
  ASSERT_TRUE(err.has_value());
  EXPECT_TRUE(starts_with(*err, "invalid certificate: ")) << *err;
}

TEST_F(PemTest, JunkNeverCrashes) {
  std::mt19937 rng(1234);
  std::string binary(1 << 20, '\0');
  for (auto& c : binary) c = static_cast<char>(rng());
  std::string big_a(1 << 20, 'A');
  std::string header_then_junk = "-----BEGIN CERTIFICATE-----\n" + big_a;
  std::string key_header_then_junk = "-----BEGIN PRIVATE KEY-----\n" + binary;
  std::string nul_in_middle = std::string("-----BEGIN\0CERTIFICATE-----", 27);
  // Truncated DER: a valid prefix followed by nothing.
  std::string der = cert_der(m().rsa_leaf_x.get());
  std::string truncated_der = der.substr(0, der.size() / 2);
  std::string truncated_pem = m().rsa_leaf.substr(0, m().rsa_leaf.size() / 2);

  for (const std::string& in : {std::string(), binary, big_a, header_then_junk,
                                key_header_then_junk, nul_in_middle, truncated_der,
                                truncated_pem}) {
    EXPECT_TRUE(pem::check_certificate(in).has_value());
    EXPECT_TRUE(pem::check_key(in).has_value());
    EXPECT_TRUE(pem::check_cert_matches_key(in, in).has_value());
    EXPECT_EQ(pem::certificate_key_type(in), std::nullopt);
    EXPECT_EQ(pem::certificate_key_id(in), std::nullopt);
    EXPECT_FALSE(pem::is_ca(in));
    EXPECT_TRUE(pem::is_expired(in, 0));
    EXPECT_EQ(pem::cert_digest(in), std::nullopt);
    EXPECT_TRUE(pem::check_ca_certificate(in, 0).has_value());
    EXPECT_EQ(pem::sha256_hex(in).size(), 64u);
    EXPECT_LE(pem::count_certificates(in), 1);
    EXPECT_EQ(ERR_peek_error(), 0UL);
  }
}

TEST_F(PemTest, ClearsPreexistingErrors) {
  ERR_raise(ERR_LIB_PEM, PEM_R_NO_START_LINE);
  EXPECT_EQ(pem::check_certificate(m().rsa_leaf), std::nullopt);
  EXPECT_EQ(ERR_peek_error(), 0UL);
}
