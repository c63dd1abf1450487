// PEM / X.509 / private-key checks backing Kong's `certificate` and `key`
// typedefs and the `certificates` / `ca_certificates` entity checks.
//
// Behaviour mirrors Kong (kong/db/schema/typedefs.lua,
// kong/db/schema/entities/{certificates,ca_certificates}.lua), which parses
// through lua-resty-openssl 1.5.x:
//
//  * Certificates are loaded like `x509.new(str)`: first PEM
//    (PEM_read_bio_X509, so leading junk is skipped and only the first block
//    is read), then, on failure, raw DER (d2i_X509_bio). A DER blob is thus a
//    valid "certificate" in Kong too.
//  * Keys are loaded like `pkey.new(str)`: PEM private key, PEM public key,
//    DER private key, DER public key. A public key alone is a valid "key".
//
// Error texts reproduce lua-resty-openssl's format_error() on OpenSSL 3:
//   "invalid certificate: x509.new: error:<CODE %X>:<lib>:<func>:<reason>:<file>:<line>:"
//   "invalid key: pkey.new:load_key: error:<CODE %X>:<lib>:<func>:<reason>:<file>:<line>:"
// using the *last* error on the OpenSSL queue. Kong's own spec asserts e.g.
//   "invalid certificate: x509.new: error:688010A:asn1 encoding routines:"
//   "asn1_item_embed_d2i:nested asn1 error:asn1/tasn_dec.c:349:"
//
// Known, unavoidable differences from Kong's byte-for-byte output:
//  * <file>:<line> depend on the OpenSSL build linked. lua-resty-openssl
//    strips everything up to the first '/' of __FILE__; Kong's OpenSSL is
//    built in-tree ("crypto/asn1/x.c" -> "asn1/x.c"). Distribution builds use
//    an out-of-tree path ("../crypto/asn1/x.c"), so we first drop leading
//    "./" and "../" to land on Kong's form. Line numbers still vary with the
//    OpenSSL version.
//  * lua-resty-openssl tries the key loaders in Lua hash-table order (not
//    specified), so which loader's error ends up last - and therefore the
//    text after "pkey.new:load_key: " - can differ from Kong's. We always
//    try PEM private, PEM public, DER private, DER public, in that order.
//  * JWK-formatted keys (JSON) are accepted by lua-resty-openssl but are not
//    supported here; they are rejected as "invalid key: ...".
//  * Encrypted PEM keys: Kong hands OpenSSL no passphrase callback (OpenSSL's
//    default would try a terminal). We never prompt; the key is rejected with
//    whatever OpenSSL reports for a failed password read.
//
// Every function is total: junk input (empty, binary, huge) yields an error
// or false, never a crash. The OpenSSL error queue of the calling thread is
// cleared on return from every function (pre-existing entries included).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kongdb::schema::pem {

// Exact entity-check messages used by Kong (the Admin API wraps them as
// "schema violation (<msg>)").
inline constexpr std::string_view k_cert_key_mismatch =
    "certificate does not match key";
inline constexpr std::string_view k_alt_cert_key_mismatch =
    "alternative certificate does not match key";
inline constexpr std::string_view k_same_key_type =
    "certificate and alternative certificate need to have different type "
    "(e.g. RSA and ECDSA), the provided certificates were both of the same "
    "type";
inline constexpr std::string_view k_only_one_certificate =
    "please submit only one certificate at a time";
inline constexpr std::string_view k_ca_expired =
    "certificate expired, \"Not After\" time is in the past";
inline constexpr std::string_view k_not_a_ca =
    "certificate does not appear to be a CA because it is missing the "
    "\"CA\" basic constraint";
inline constexpr std::string_view k_digest_failed =
    "cannot create digest value of certificate";

// typedefs.certificate: nullopt when parseable, else
// "invalid certificate: x509.new: <openssl error>".
std::optional<std::string> check_certificate(std::string_view pem);

// typedefs.key: nullopt when parseable, else
// "invalid key: pkey.new:load_key: <openssl error>".
std::optional<std::string> check_key(std::string_view pem);

// certificates entity check: nullopt when the certificate's public key equals
// the key's public part, else k_cert_key_mismatch (also when either side does
// not parse). For cert_alt/key_alt the caller reports k_alt_cert_key_mismatch.
std::optional<std::string> check_cert_matches_key(std::string_view cert,
                                                  std::string_view key);

enum class KeyType { RSA, EC, Other };

// Coarse key type of the certificate's public key; nullopt if unparseable.
std::optional<KeyType> certificate_key_type(std::string_view cert);

// Exact OpenSSL base key id (EVP_PKEY_get_base_id) of the certificate's
// public key; nullopt if unparseable. Kong's "same type" check compares this
// id, so RSA vs RSA-PSS or Ed25519 vs Ed448 count as different types.
std::optional<int> certificate_key_id(std::string_view cert);

// Kong's ca_certificates multi-cert test: counts "-----BEGIN CERTIFICATE-----"
// occurrences in the raw text (anywhere, not only at line start), resuming
// each search one byte past the end of the previous tag as Kong does.
int count_certificates(std::string_view pem);

// True when the certificate parses and carries exactly one basicConstraints
// extension whose cA flag decodes to 0xFF (DER TRUE), as lua-resty-openssl's
// get_basic_constraints("CA") requires.
bool is_ca(std::string_view cert);

// True when notAfter < now (strictly; a cert expiring this very second is
// still fine). Unparseable certificates or times count as expired.
bool is_expired(std::string_view cert, long long now_epoch_seconds);

// Lower-case hex SHA-256 of arbitrary bytes.
std::string sha256_hex(std::string_view data);

// ca_certificates.cert_digest: Kong stores to_hex(x509:digest("sha256")),
// i.e. SHA-256 over the certificate's DER encoding (not the PEM text).
// nullopt if the certificate does not parse.
std::optional<std::string> cert_digest(std::string_view cert);

// Full ca_certificates entity check in Kong's order: multiple certs,
// expired, not a CA. nullopt when the certificate is acceptable.
std::optional<std::string> check_ca_certificate(std::string_view cert,
                                                long long now_epoch_seconds);

}  // namespace kongdb::schema::pem
