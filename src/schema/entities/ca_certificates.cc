// Provenance: Kong HEAD kong/db/schema/entities/ca_certificates.lua (behaviour only).
#include <ctime>

#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/pem.h"

namespace kongdb::schema::entities {

Schema ca_certificates() {
  Schema s;
  s.name = "ca_certificates";
  s.primary_key = {"id"};
  // Not workspaceable: CA certificates are shared by every workspace.
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"cert", typedefs::certificate().required()},
      {"cert_digest", Field::string().unique()},
      {"tags", typedefs::tags()},
  };
  // cert_digest (sha256 of the DER) is derived on write, so the same CA cannot be added twice.
  Transformation digest;
  digest.input = {"cert"};
  digest.on_write = [](const std::vector<Value>& args) -> tl::expected<Value, std::string> {
    std::optional<std::string> d;
    if (!args.empty() && args[0].is_string()) d = pem::cert_digest(args[0].as_string());
    if (!d) return tl::unexpected(std::string(pem::k_digest_failed));
    return Value::object({{"cert_digest", *d}});
  };
  s.transformations = {std::move(digest)};
  s.entity_checks = {
      EntityCheck::custom({"cert"},
                          [](const Value& e) -> std::optional<std::string> {
                            const Value* cert = e.find("cert");
                            if (!cert || !cert->is_string()) return std::nullopt;
                            return pem::check_ca_certificate(cert->as_string(),
                                                             static_cast<long long>(std::time(nullptr)));
                          }),
  };
  return s;
}

}  // namespace kongdb::schema::entities
