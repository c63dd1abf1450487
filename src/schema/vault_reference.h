// Kong's kong.vault.is_reference: a secret given as "{vault://prefix/name}" instead of its value.
#pragma once

#include <string>

namespace kongdb::schema {

inline bool is_vault_reference(const std::string& s) {
  return s.size() > 10 && s.rfind("{vault://", 0) == 0 && s.back() == '}';
}

}  // namespace kongdb::schema
