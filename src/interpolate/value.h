// The values a template computes with: the Go types Packer's functions take
// and return, plus the data map that `.` starts as.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace kiln::interpolate {

using DataMap = std::map<std::string, std::string>;

// The largest string a function may return or a template may render to.
// Go has no such limit, so "{{printf "%9999999d%9999999d..."}}" or nested
// replace_all could make Packer allocate without bound; kiln reports an
// error instead.
inline constexpr size_t kMaxStringBytes = size_t{64} << 20;

// monostate is Go's nil / a missing value. The map is borrowed from Context.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string,
                           const DataMap*>;

// Go's truth for if/with/and/or/not: false, 0, "" and empty maps are false.
inline bool Truth(const Value& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
  if (auto* d = std::get_if<double>(&v)) return *d != 0;
  if (auto* s = std::get_if<std::string>(&v)) return !s->empty();
  if (auto* m = std::get_if<const DataMap*>(&v)) return !(*m)->empty();
  return false;
}

// The Go type name, as fmt prints it in "%!d(string=x)".
inline std::string_view TypeName(const Value& v) {
  static constexpr std::string_view kNames[] = {
      "<nil>", "bool", "int", "float64", "string", "map[string]string"};
  return kNames[v.index()];
}

}  // namespace kiln::interpolate
