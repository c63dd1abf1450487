// Loading a JSON Web Key (RFC 7517) into an OpenSSL key, as Kong's typedefs.jwk validator does
// through lua-resty-openssl's pkey.new(jwk, { format = "JWK" }): RSA (n, e, and optionally the
// private parameters), EC (P-256/P-384/P-521: crv, x, y, optional d) and OKP (Ed25519, Ed448,
// X25519, X448: crv, x, optional d). Symmetric "oct" keys are not keys OpenSSL loads, so Kong
// refuses them too.
#pragma once

#include "kongdb/core/value.h"

namespace kongdb::schema::jwk {

/// Kong's message when a JWK does not load.
inline constexpr const char* k_not_a_key = "could not load JWK, likely not a valid key";

/// True when `jwk` (a decoded JSON object) describes a key OpenSSL accepts.
bool loads(const Value& jwk);

}  // namespace kongdb::schema::jwk
