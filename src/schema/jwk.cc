#include "schema/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kongdb/core/base64.h"

namespace kongdb::schema::jwk {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

// A JWK member: base64url without padding (padded input is tolerated, as ngx's decoder does).
std::optional<std::string> member(const Value& jwk, const char* name) {
  const Value* v = jwk.find(name);
  if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
  std::string text = v->as_string();
  for (char& c : text) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  return base64::decode(text);
}

std::string string_member(const Value& jwk, const char* name) {
  const Value* v = jwk.find(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

// Builds the key from OSSL parameters; the builder owns the big numbers it was given.
bool from_params(const char* type, OSSL_PARAM_BLD* bld, bool is_private) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return false;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return false;
  EVP_PKEY* raw = nullptr;
  const int selection = is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) <= 0) return false;
  Pkey key(raw);
  // fromdata takes EC points on trust; a point off the curve is not a key.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  return check && EVP_PKEY_public_check(check.get()) == 1;
}

bool push_bn(OSSL_PARAM_BLD* bld, std::vector<Bignum>& keep, const char* param, const std::string& bytes) {
  Bignum bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
  if (!bn || OSSL_PARAM_BLD_push_BN(bld, param, bn.get()) != 1) return false;
  keep.push_back(std::move(bn));
  return true;
}

bool load_rsa(const Value& jwk) {
  auto n = member(jwk, "n");
  auto e = member(jwk, "e");
  if (!n || !e) return false;
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  std::vector<Bignum> keep;
  if (!bld || !push_bn(bld.get(), keep, OSSL_PKEY_PARAM_RSA_N, *n) ||
      !push_bn(bld.get(), keep, OSSL_PKEY_PARAM_RSA_E, *e)) {
    return false;
  }
  const bool is_private = jwk.find("d") != nullptr;
  if (is_private) {
    auto d = member(jwk, "d");
    if (!d || !push_bn(bld.get(), keep, OSSL_PKEY_PARAM_RSA_D, *d)) return false;
    // The CRT parameters are optional, but all or none.
    static const std::pair<const char*, const char*> crt[] = {
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},   {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
    int present = 0;
    for (const auto& [name, param] : crt) {
      if (jwk.find(name) == nullptr) continue;
      auto v = member(jwk, name);
      if (!v || !push_bn(bld.get(), keep, param, *v)) return false;
      ++present;
    }
    if (present != 0 && present != 5) return false;
  }
  return from_params("RSA", bld.get(), is_private);
}

bool load_ec(const Value& jwk) {
  static const std::pair<const char*, const char*> curves[] = {
      {"P-256", "prime256v1"}, {"P-384", "secp384r1"}, {"P-521", "secp521r1"}};
  const std::string crv = string_member(jwk, "crv");
  const char* group = nullptr;
  for (const auto& [jwk_name, ossl_name] : curves) {
    if (crv == jwk_name) group = ossl_name;
  }
  auto x = member(jwk, "x");
  auto y = member(jwk, "y");
  if (!group || !x || !y || x->size() != y->size()) return false;
  std::string point = "\x04" + *x + *y;  // uncompressed point
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  std::vector<Bignum> keep;
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return false;
  }
  const bool is_private = jwk.find("d") != nullptr;
  if (is_private) {
    auto d = member(jwk, "d");
    if (!d || !push_bn(bld.get(), keep, OSSL_PKEY_PARAM_PRIV_KEY, *d)) return false;
  }
  return from_params("EC", bld.get(), is_private);
}

bool load_okp(const Value& jwk) {
  const std::string crv = string_member(jwk, "crv");
  if (crv != "Ed25519" && crv != "Ed448" && crv != "X25519" && crv != "X448") return false;
  auto x = member(jwk, "x");
  if (!x) return false;
  ParamBuilder bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, x->data(), x->size()) != 1) {
    return false;
  }
  const bool is_private = jwk.find("d") != nullptr;
  std::optional<std::string> d;
  if (is_private) {
    d = member(jwk, "d");
    if (!d || OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d->data(), d->size()) != 1) {
      return false;
    }
  }
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, crv.c_str(), nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return false;
  EVP_PKEY* raw = nullptr;
  const bool ok = EVP_PKEY_fromdata(ctx.get(), &raw, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                    params.get()) > 0;
  EVP_PKEY_free(raw);
  return ok;
}

}  // namespace

bool loads(const Value& jwk) {
  if (!jwk.is_object()) return false;
  const std::string kty = string_member(jwk, "kty");
  bool ok = false;
  if (kty == "RSA") ok = load_rsa(jwk);
  else if (kty == "EC") ok = load_ec(jwk);
  else if (kty == "OKP") ok = load_okp(jwk);
  ERR_clear_error();
  return ok;
}

}  // namespace kongdb::schema::jwk
