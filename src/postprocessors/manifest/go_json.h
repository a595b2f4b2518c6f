// JSON written byte for byte as Go's json.MarshalIndent(v, "", "  ") writes
// it, so that packer-manifest.json files match Packer's: keys in the order
// given, "<", ">", "&", U+2028 and U+2029 escaped as \u003c..., other
// control characters as \u00XX except \n \r \t, invalid UTF-8 as \ufffd,
// empty arrays and objects as [] and {}, no trailing newline.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kiln::postprocessors::manifest {

std::string GoMarshalIndent(const nlohmann::ordered_json& value);

// One string as Go's encoder quotes it.
std::string GoQuote(std::string_view s);

}  // namespace kiln::postprocessors::manifest
