// Packer decodes options "weakly" (mapstructure's WeaklyTypedInput): user
// variables are strings, so "true" must work where a bool is wanted and 8080
// where a string is. These conversions follow those rules.
#pragma once

#include <optional>
#include <string>

#include "json/value.h"

namespace kiln::tmpl {

// bool: true/false, "1", "t", "T", "TRUE", "true", "True" and the false
// forms (Go's strconv.ParseBool), "" as false, numbers (non-zero = true).
std::optional<bool> WeakBool(const json::Value& v);
std::optional<bool> WeakBool(std::string_view text);
// int: integers, "42", a bool as 0/1, a float with no fraction.
std::optional<long long> WeakInt(const json::Value& v);
std::optional<long long> WeakInt(std::string_view text);
std::optional<double> WeakFloat(const json::Value& v);
// string: strings, numbers as written, bools as "true"/"false".
std::optional<std::string> WeakString(const json::Value& v);

}  // namespace kiln::tmpl
