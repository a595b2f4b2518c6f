#include "template/weak_decode.h"

#include <charconv>
#include <cmath>

#include "util/float64.h"

namespace kiln::tmpl {

std::optional<bool> WeakBool(std::string_view t) {
  if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True") return true;
  if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False" || t.empty())
    return false;
  return std::nullopt;
}

std::optional<bool> WeakBool(const json::Value& v) {
  switch (v.kind) {
    case json::Kind::kBool: return v.boolean;
    case json::Kind::kString: return WeakBool(std::string_view(v.text));
    case json::Kind::kNumber: {
      std::optional<double> d = ParseFloat64(v.text);
      if (!d) return std::nullopt;  // out of range
      return *d != 0;
    }
    default: return std::nullopt;
  }
}

std::optional<long long> WeakInt(std::string_view t) {
  long long n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return n;
}

std::optional<long long> WeakInt(const json::Value& v) {
  switch (v.kind) {
    case json::Kind::kBool: return v.boolean ? 1 : 0;
    case json::Kind::kString: return WeakInt(std::string_view(v.text));
    case json::Kind::kNumber: {
      if (auto n = WeakInt(std::string_view(v.text))) return n;
      std::optional<double> d = ParseFloat64(v.text);
      if (d && *d == std::trunc(*d) && std::fabs(*d) < 9e18) return static_cast<long long>(*d);
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<double> WeakFloat(const json::Value& v) {
  switch (v.kind) {
    case json::Kind::kBool: return v.boolean ? 1.0 : 0.0;
    case json::Kind::kNumber:
    case json::Kind::kString: return ParseFloat64(v.text);
    default: return std::nullopt;
  }
}

std::optional<std::string> WeakString(const json::Value& v) {
  switch (v.kind) {
    case json::Kind::kString:
    case json::Kind::kNumber: return v.text;
    case json::Kind::kBool: return v.boolean ? "1" : "0";
    default: return std::nullopt;
  }
}

}  // namespace kiln::tmpl
