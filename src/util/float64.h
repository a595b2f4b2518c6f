// Numbers as Go's strconv.ParseFloat(s, 64) reads them, which is how Packer's
// JSON decoding turns every template number into a float64: a value beyond
// the range of a double (1e400) is an error; one too small for it (1e-400)
// rounds to zero.
#pragma once

#include <optional>
#include <string_view>

namespace kiln {

// nullopt when `text` is not a number or is out of range.
std::optional<double> ParseFloat64(std::string_view text);

}  // namespace kiln
