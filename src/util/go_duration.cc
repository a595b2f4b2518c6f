#include "util/go_duration.h"

#include <cstdint>
#include <utility>

namespace kiln {

// Exact integer arithmetic, as Go's: a duration is an int64 of nanoseconds,
// and a text beyond it ("9999999999h", 2^63 ns) is an error, not a double
// rounded into range.
std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view s) {
  using u128 = unsigned __int128;
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"ns", 1},           {"us", 1'000},          {"\xC2\xB5s", 1'000}, {"\xCE\xBCs", 1'000},
      {"ms", 1'000'000},   {"s", 1'000'000'000},   {"m", 60'000'000'000}, {"h", 3'600'000'000'000}};
  constexpr u128 kLimit = u128(1) << 63;  // |int64 min|
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  u128 total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    u128 whole = 0;
    bool digits = false;
    for (; i < s.size() && digit(s[i]); ++i, digits = true) {
      whole = whole * 10 + (s[i] - '0');
      if (whole > kLimit) return std::nullopt;
    }
    u128 fraction = 0, scale = 1;  // fraction / scale, up to 19 digits kept
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && digit(s[i]); ++i, digits = true)
        if (scale < u128(10'000'000'000'000'000'000ull)) fraction = fraction * 10 + (s[i] - '0'), scale *= 10;
    }
    if (!digits) return std::nullopt;
    std::size_t unit_start = i;
    while (i < s.size() && !digit(s[i]) && s[i] != '.') ++i;
    std::string_view unit = s.substr(unit_start, i - unit_start);
    std::uint64_t factor = 0;
    for (const auto& [name, f] : kUnits)
      if (unit == name) factor = f;
    if (factor == 0) return std::nullopt;  // a missing or unknown unit, as in Go
    total += whole * factor + fraction * factor / scale;
    if (total > kLimit) return std::nullopt;
    s.remove_prefix(i);
  }
  if (!negative && total == kLimit) return std::nullopt;
  std::int64_t ns = total == kLimit ? INT64_MIN : static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(negative && ns != INT64_MIN ? -ns : ns);
}

}  // namespace kiln
