// Conversion between types as cty does it: string<->number<->bool, tuple->list/set,
// object->map, list<->set, unification of element types, object attribute
// checks with optional attributes. Errors name the path inside the value.
#pragma once

#include <string>
#include <vector>

#include "hcl/value.h"
#include "util/error.h"

namespace kiln::hcl {

struct ConversionError {
  std::string path;     // "", ".a", "[2]", ".a[\"k\"]": where in the value it failed
  std::string message;  // "a number is required"

  // "attribute \"a\": a number is required", or just the message at the top.
  std::string Describe() const;
};

// Converts `v` to `want`. Dynamic `want` returns v unchanged. Unknown values
// convert to unknowns of the wanted type; null converts to null of it.
std::expected<Value, ConversionError> Convert(const Value& v, const Type& want);

// Whether Convert(v.type() -> want) can succeed without looking at values
// (string->number depends on the string, so it is "maybe" and returns true).
bool CanConvert(const Type& from, const Type& want);

// The common type all of `types` convert to, dynamic if mixed and
// incompatible (cty's unification): used for list literals, concat, etc.
// Sets `ok` false when there is no common type.
Type UnifyTypes(const std::vector<Type>& types, bool* ok = nullptr);

// Converts every value to the unified type (or fails).
std::expected<std::vector<Value>, ConversionError> UnifyValues(const std::vector<Value>& values,
                                                               Type* unified);

}  // namespace kiln::hcl
