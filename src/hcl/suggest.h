// "Did you mean" suggestions for unknown names in HCL diagnostics.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace kiln::hcl {

// The name in `names` closest to `given` by edit distance, if within 2
// edits; empty otherwise.
inline std::string Suggest(const std::string& given, const std::vector<std::string>& names) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_d = 3;
  for (const std::string& n : names) {
    std::size_t d = distance(given, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

}  // namespace kiln::hcl
