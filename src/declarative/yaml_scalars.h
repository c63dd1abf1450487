// YAML 1.1 implicit typing of plain scalars, shared by the reader (what a value means) and the
// writer (whether a string must be quoted to stay a string).
#pragma once

#include <string>

#include "kongdb/core/value.h"

namespace kongdb::declarative {

/// null, booleans (true/yes/on, false/no/off), integers (decimal, 0x, 0o), floats (.inf, .nan
/// included), else the string itself.
Value resolve_plain_scalar(const std::string& s);

}  // namespace kongdb::declarative
