#include "util/float64.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace kiln {

std::optional<double> ParseFloat64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* last = text.data() + text.size();
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), last, d);
  if (end != last) return std::nullopt;
  if (ec == std::errc()) return d;
  if (ec != std::errc::result_out_of_range) return std::nullopt;
  // from_chars does not say which way it is out of range; strtod does
  // (HUGE_VAL for too large, a tiny value or zero for too small).
  std::string copy(text);
  double v = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(v)) return std::nullopt;
  return v;
}

}  // namespace kiln
