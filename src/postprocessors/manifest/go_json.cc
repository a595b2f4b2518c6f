#include "postprocessors/manifest/go_json.h"

#include <fmt/format.h>

namespace kiln::postprocessors::manifest {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  unsigned char c1 = byte(i + 1);
  if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
  if (c == 0xED && c1 > 0x9F) return 0;  // surrogates
  if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
  if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
  return n;
}

void Write(const nlohmann::ordered_json& v, int depth, std::string& out) {
  std::string indent(2 * (depth + 1), ' ');
  std::string close(2 * depth, ' ');
  switch (v.type()) {
    case nlohmann::json::value_t::null: out += "null"; return;
    case nlohmann::json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case nlohmann::json::value_t::string: out += GoQuote(v.get_ref<const std::string&>()); return;
    case nlohmann::json::value_t::array:
      if (v.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < v.size(); ++i) {
        out += indent;
        Write(v[i], depth + 1, out);
        out += i + 1 < v.size() ? ",\n" : "\n";
      }
      out += close + "]";
      return;
    case nlohmann::json::value_t::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      std::size_t i = 0;
      for (const auto& [key, item] : v.items()) {
        out += indent + GoQuote(key) + ": ";
        Write(item, depth + 1, out);
        out += ++i < v.size() ? ",\n" : "\n";
      }
      out += close + "}";
      return;
    }
    default: out += v.dump(); return;  // numbers
  }
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&')
            out += fmt::format("\\u00{:02x}", c);
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t n = Utf8Length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, n);
    if (seq == "\xE2\x80\xA8")
      out += "\\u2028";
    else if (seq == "\xE2\x80\xA9")
      out += "\\u2029";
    else
      out += seq;
    i += n;
  }
  return out + "\"";
}

std::string GoMarshalIndent(const nlohmann::ordered_json& value) {
  std::string out;
  Write(value, 0, out);
  return out;
}

}  // namespace kiln::postprocessors::manifest
