// Go's time.ParseDuration syntax, which Packer uses for every duration
// option: "300ms", "1.5h", "2h45m", "-1m"; "0" alone is allowed.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace kiln {

std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);
inline bool IsGoDuration(std::string_view text) { return ParseGoDuration(text).has_value(); }

}  // namespace kiln
