// keys: a JWK or a PEM key pair, optionally in a key set; behaviour from Kong's
// kong/db/schema/entities/keys.lua.
#include "kongdb/core/json.h"
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/jwk.h"
#include "schema/vault_reference.h"

namespace kongdb::schema::entities {
namespace {

// The JWK is stored as JSON text: it must decode, name the key's own kid, load as a key and
// have the shape of typedefs.jwk, checked in that order.
std::optional<std::string> check_jwk_text(const std::string& text, const Value& kid) {
  if (is_vault_reference(text)) return std::nullopt;  // resolved only at use
  auto decoded = json::parse(text);
  if (!decoded) return "could not json decode jwk string";
  const Value* jwk_kid = decoded->is_object() ? decoded->find("kid") : nullptr;
  if (!jwk_kid || *jwk_kid != kid) return "kid in jwk.kid must be equal to keys.kid";
  if (!jwk::loads(*decoded)) return std::string(jwk::k_not_a_key);
  static const Schema jwk_shape = [] {
    Schema s = *typedefs::jwk().fields_;
    s.prepare();
    return s;
  }();
  if (auto errs = jwk_shape.validate(*decoded, true)) return Schema::errors_to_string(*errs);
  return std::nullopt;
}

std::optional<std::string> check_key_material(const Value& key) {
  const Value* text = key.find("jwk");
  if (text && text->is_string()) {
    const Value* kid = key.find("kid");
    if (auto err = check_jwk_text(text->as_string(), kid ? *kid : Value())) return err;
  }
  const Value* pem = key.find("pem");
  if (pem && pem->is_object()) {
    const Value* priv = pem->find("private_key");
    const Value* pub = pem->find("public_key");
    const bool has_priv = priv && !priv->is_null();
    const bool has_pub = pub && !pub->is_null();
    if (!has_priv && !has_pub) return "need to supply a PEM formatted public and/or private key.";
  }
  return std::nullopt;
}

}  // namespace

Schema keys() {
  Schema s;
  s.name = "keys";
  s.primary_key = {"id"};
  s.cache_key = {"kid", "set"};
  s.endpoint_key = "name";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"set", Field::foreign("key_sets").required(false).on_delete("cascade").description(
                  "The key set this key belongs to.")},
      {"name", Field::string().required(false).unique().description("The name of the key.")},
      {"kid", Field::string().required().unique(false).description("The key's identifier.")},
      {"jwk", Field::string().referenceable().encrypted().description(
                  "A JSON Web Key, as JSON text.")},
      {"pem", typedefs::pem()},
      {"tags", typedefs::tags()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
  };
  // The two formats describe the same key; Kong allows exactly one of them.
  s.entity_checks = {
      EntityCheck::mutually_exclusive({"jwk", "pem"}),
      EntityCheck::at_least_one_of({"jwk", "pem"}),
      EntityCheck::custom({"jwk", "pem", "kid"}, check_key_material),
  };
  return s;
}

}  // namespace kongdb::schema::entities
