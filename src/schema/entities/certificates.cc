// Provenance: Kong HEAD kong/db/schema/entities/certificates.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/pem.h"

namespace kongdb::schema::entities {

namespace {

const std::string* str_field(const Value& entity, std::string_view name) {
  const Value* v = entity.find(name);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

}  // namespace

Schema certificates() {
  Schema s;
  s.name = "certificates";
  s.primary_key = {"id"};
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"cert", typedefs::certificate().required().referenceable()},
      {"key", typedefs::key().required().referenceable().encrypted()},
      {"cert_alt", typedefs::certificate().required(false).referenceable()},
      {"key_alt", typedefs::key().required(false).referenceable().encrypted()},
      {"tags", typedefs::tags()},
      // Accepted on input so SNIs can be created along with the certificate; never stored.
      {"snis", Field::array(typedefs::wildcard_host()).required(false).transient()},
  };
  s.entity_checks = {
      EntityCheck::mutually_required({"cert_alt", "key_alt"}),
      EntityCheck::custom({"cert", "key"},
                          [](const Value& e) -> std::optional<std::string> {
                            const std::string* cert = str_field(e, "cert");
                            const std::string* key = str_field(e, "key");
                            if (!cert || !key) return std::nullopt;
                            if (pem::check_cert_matches_key(*cert, *key))
                              return std::string(pem::k_cert_key_mismatch);
                            return std::nullopt;
                          }),
      EntityCheck::custom({"cert_alt", "key_alt"},
                          [](const Value& e) -> std::optional<std::string> {
                            const std::string* cert = str_field(e, "cert_alt");
                            const std::string* key = str_field(e, "key_alt");
                            if (!cert || !key) return std::nullopt;
                            if (pem::check_cert_matches_key(*cert, *key))
                              return std::string(pem::k_alt_cert_key_mismatch);
                            return std::nullopt;
                          }),
      // The alternative certificate exists to serve a second key algorithm (RSA + ECDSA).
      EntityCheck::custom({"cert", "cert_alt"},
                          [](const Value& e) -> std::optional<std::string> {
                            const std::string* cert = str_field(e, "cert");
                            const std::string* alt = str_field(e, "cert_alt");
                            if (!cert || !alt) return std::nullopt;
                            auto a = pem::certificate_key_id(*cert);
                            auto b = pem::certificate_key_id(*alt);
                            if (a && b && *a == *b) return std::string(pem::k_same_key_type);
                            return std::nullopt;
                          }),
  };
  return s;
}

}  // namespace kongdb::schema::entities
