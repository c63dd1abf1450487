// Result<T>: a value or Kong's error object; errors are values, never exceptions.
//
//   Result<Value> r = dao.insert(entity);
//   if (!r) return r.error();        // Error{code, name, message, fields}
#pragma once

#include <tl/expected.hpp>
#include <utility>

#include "kongdb/core/error.h"

namespace kongdb {

template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
  Result(const Error& e) : tl::expected<T, Error>(tl::unexpect, e) {}
  Result(Error&& e) : tl::expected<T, Error>(tl::unexpect, std::move(e)) {}
};

}  // namespace kongdb
