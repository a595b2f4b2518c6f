// Values to and from JSON text, exactly: numbers keep every digit (no
// double rounding), object keys sorted as cty does. Used by jsonencode /
// jsondecode, fixtures and `kiln console`.
#pragma once

#include <string>
#include <string_view>

#include "hcl/value.h"
#include "json/value.h"
#include "util/error.h"

namespace kiln::hcl {

// JSON text of a wholly known value (unknown values are an error; sensitive
// marks are ignored, the caller decides about masking). Compact by default.
Result<std::string> ValueToJSON(const Value& v, bool pretty = false);

// A JSON document as a value: objects -> object, arrays -> tuple, numbers exact.
Value ValueFromJSON(const json::Value& j);
Result<Value> ParseJSONValue(std::string_view text, const std::string& filename = "<json>");

}  // namespace kiln::hcl
