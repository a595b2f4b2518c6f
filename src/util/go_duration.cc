#include "util/go_duration.h"

#include <cmath>
#include <utility>

namespace kiln {

std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view s) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3}, {"ms", 1e6},
      {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    double value = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') value = value * 10 + (s[i++] - '0'), digits = true;
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') value += (s[i++] - '0') * scale, scale /= 10, digits = true;
    }
    if (!digits) return std::nullopt;
    std::size_t unit_start = i;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.') ++i;
    std::string_view unit = s.substr(unit_start, i - unit_start);
    bool known = false;
    for (const auto& [name, factor] : kUnits)
      if (unit == name) total += value * factor, known = true;
    if (!known) return std::nullopt;  // a missing unit is an error too, as in Go
    s.remove_prefix(i);
  }
  if (total > 9.2e18) return std::nullopt;
  auto ns = std::chrono::nanoseconds(static_cast<long long>(std::llround(total)));
  return negative ? -ns : ns;
}

}  // namespace kiln
