#include "schema/pem.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>

namespace kongdb::schema::pem {
namespace {

struct bio_deleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct x509_deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct pkey_deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct basic_constraints_deleter {
  void operator()(BASIC_CONSTRAINTS* p) const { BASIC_CONSTRAINTS_free(p); }
};
struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using bc_ptr = std::unique_ptr<BASIC_CONSTRAINTS, basic_constraints_deleter>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

// Empties the thread's error queue on scope exit so no call leaks errors,
// whatever path it returns through.
struct error_queue_guard {
  error_queue_guard() { ERR_clear_error(); }
  ~error_queue_guard() { ERR_clear_error(); }
  error_queue_guard(const error_queue_guard&) = delete;
  error_queue_guard& operator=(const error_queue_guard&) = delete;
};

constexpr std::string_view k_cert_tag = "-----BEGIN CERTIFICATE-----";

// Read-only memory BIO over the input; nullptr if it cannot be built (e.g.
// the input exceeds BIO_new_mem_buf's int length).
bio_ptr memory_bio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  // An empty string_view may carry a null data(); BIO wants a valid pointer.
  const char* p = data.empty() ? "" : data.data();
  return bio_ptr(BIO_new_mem_buf(p, static_cast<int>(data.size())));
}

// Never prompt for a passphrase: encrypted keys simply fail to load.
int no_passphrase(char*, int, int, void*) { return -1; }

// Drops the leading part of __FILE__ the way lua-resty-openssl does, after
// normalising out-of-tree build prefixes (see header).
std::string_view short_path(std::string_view path) {
  for (;;) {
    if (path.substr(0, 2) == "./") {
      path.remove_prefix(2);
    } else if (path.substr(0, 3) == "../") {
      path.remove_prefix(3);
    } else {
      break;
    }
  }
  auto slash = path.find('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return path;
}

// lua-resty-openssl's format_error(ctx) on OpenSSL 3: ctx plus the last
// queued error as "error:%X:lib:func:reason:file:line:".
std::string format_last_error(std::string_view ctx) {
  const char* file = nullptr;
  const char* func = nullptr;
  int line = 0;
  unsigned long code = ERR_peek_last_error_all(&file, &line, &func, nullptr, nullptr);
  if (code == 0) return std::string(ctx) + " failed";

  const char* lib = ERR_lib_error_string(code);
  const char* reason = ERR_reason_error_string(code);
  char hex[32];
  std::snprintf(hex, sizeof hex, "%lX", code);

  std::string out(ctx);
  out += ": error:";
  out += hex;
  out += ':';
  out += lib ? lib : "unknown library";
  out += ':';
  out += func ? func : "";
  out += ':';
  out += reason ? reason : "";
  out += ':';
  out += short_path(file ? file : "");
  out += ':';
  out += std::to_string(line);
  out += ':';
  return out;
}

// x509.new(str): PEM first, then DER from the start of the buffer.
x509_ptr load_certificate(std::string_view data) {
  bio_ptr bio = memory_bio(data);
  if (!bio) return nullptr;
  x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (cert) return cert;
  if (BIO_reset(bio.get()) != 1) return nullptr;
  return x509_ptr(d2i_X509_bio(bio.get(), nullptr));
}

// pkey.new(str): every loader re-reads the input from the start.
pkey_ptr load_key(std::string_view data) {
  bio_ptr bio = memory_bio(data);
  if (!bio) return nullptr;
  pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (key) return key;
  if (BIO_reset(bio.get()) != 1) return nullptr;
  key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
  if (key) return key;
  if (BIO_reset(bio.get()) != 1) return nullptr;
  key.reset(d2i_PrivateKey_bio(bio.get(), nullptr));
  if (key) return key;
  if (BIO_reset(bio.get()) != 1) return nullptr;
  key.reset(d2i_PUBKEY_bio(bio.get(), nullptr));
  return key;
}

// DER SubjectPublicKeyInfo; equal DER <=> equal PEM, which Kong compares.
std::optional<std::string> public_der(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(key, &buf);
  if (len <= 0 || buf == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string to_hex(const unsigned char* data, size_t len) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (size_t i = 0; i < len; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0x0f];
  }
  return out;
}

// Base id of the certificate's public key, or nullopt.
std::optional<int> key_id_of(X509* cert) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);  // borrowed, owned by cert
  if (pub == nullptr) return std::nullopt;
  int id = EVP_PKEY_get_base_id(pub);
  if (id == EVP_PKEY_NONE) return std::nullopt;
  return id;
}

}  // namespace

std::optional<std::string> check_certificate(std::string_view pem) {
  error_queue_guard guard;
  if (load_certificate(pem)) return std::nullopt;
  return "invalid certificate: " + format_last_error("x509.new");
}

std::optional<std::string> check_key(std::string_view pem) {
  error_queue_guard guard;
  if (load_key(pem)) return std::nullopt;
  // pkey.new formats with an empty context, then prefixes its own.
  std::string err = format_last_error("");
  if (err == " failed") {
    err = "nil failed";  // what Lua's "%s failed" prints for a nil ctx
  } else {
    err.erase(0, 2);  // drop the ": " that an empty ctx left behind
  }
  return "invalid key: pkey.new:load_key: " + err;
}

std::optional<std::string> check_cert_matches_key(std::string_view cert,
                                                  std::string_view key) {
  error_queue_guard guard;
  x509_ptr x = load_certificate(cert);
  pkey_ptr k = load_key(key);
  if (!x || !k) return std::string(k_cert_key_mismatch);
  EVP_PKEY* cert_pub = X509_get0_pubkey(x.get());
  if (cert_pub == nullptr) return std::string(k_cert_key_mismatch);
  auto a = public_der(cert_pub);
  auto b = public_der(k.get());
  if (!a || !b || *a != *b) return std::string(k_cert_key_mismatch);
  return std::nullopt;
}

std::optional<KeyType> certificate_key_type(std::string_view cert) {
  auto id = certificate_key_id(cert);
  if (!id) return std::nullopt;
  if (*id == EVP_PKEY_RSA) return KeyType::RSA;
  if (*id == EVP_PKEY_EC) return KeyType::EC;
  return KeyType::Other;
}

std::optional<int> certificate_key_id(std::string_view cert) {
  error_queue_guard guard;
  x509_ptr x = load_certificate(cert);
  if (!x) return std::nullopt;
  return key_id_of(x.get());
}

int count_certificates(std::string_view pem) {
  int count = 0;
  size_t from = 0;
  while (from <= pem.size()) {
    size_t at = pem.find(k_cert_tag, from);
    if (at == std::string_view::npos) break;
    ++count;
    // Kong resumes at seen + #TAG + 1 (1-based): one byte past the tag.
    from = at + k_cert_tag.size() + 1;
  }
  return count;
}

bool is_ca(std::string_view cert) {
  error_queue_guard guard;
  x509_ptr x = load_certificate(cert);
  if (!x) return false;
  int crit = 0;
  bc_ptr bc(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(x.get(), NID_basic_constraints, &crit, nullptr)));
  // crit -1: absent, -2: repeated (Kong gives up), else decode may still fail.
  if (!bc) return false;
  return bc->ca == 0xFF;
}

bool is_expired(std::string_view cert, long long now_epoch_seconds) {
  error_queue_guard guard;
  x509_ptr x = load_certificate(cert);
  if (!x) return true;
  const ASN1_TIME* not_after = X509_get0_notAfter(x.get());
  if (not_after == nullptr) return true;
  // ASN1_TIME_to_tm validates and normalises (incl. UTCTime century rule).
  std::tm tm{};
  if (ASN1_TIME_to_tm(not_after, &tm) != 1) return true;
  // Days from civil (proleptic Gregorian), avoiding timegm's time_t limits.
  long long y = static_cast<long long>(tm.tm_year) + 1900;
  unsigned m = static_cast<unsigned>(tm.tm_mon) + 1;
  unsigned d = static_cast<unsigned>(tm.tm_mday);
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long days = era * 146097 + static_cast<long long>(doe) - 719468;
  long long not_after_epoch =
      days * 86400 + tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
  return not_after_epoch < now_epoch_seconds;
}

std::string sha256_hex(std::string_view data) {
  error_queue_guard guard;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    return {};  // only on allocation failure
  }
  return to_hex(md, len);
}

std::optional<std::string> cert_digest(std::string_view cert) {
  error_queue_guard guard;
  x509_ptr x = load_certificate(cert);
  if (!x) return std::nullopt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x.get(), EVP_sha256(), md, &len) != 1) return std::nullopt;
  return to_hex(md, len);
}

std::optional<std::string> check_ca_certificate(std::string_view cert,
                                                long long now_epoch_seconds) {
  if (count_certificates(cert) > 1) return std::string(k_only_one_certificate);
  if (auto err = check_certificate(cert)) return err;
  if (is_expired(cert, now_epoch_seconds)) return std::string(k_ca_expired);
  if (!is_ca(cert)) return std::string(k_not_a_ca);
  return std::nullopt;
}

}  // namespace kongdb::schema::pem
