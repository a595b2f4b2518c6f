#include "interpolate/go_fmt.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <optional>

namespace kiln::interpolate {
namespace {

// Go's %v / shortest %g: exponent form below 1e-4 and from 1e6 (e+06).
std::string FormatFloat(double d) {
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof buf - 1, d,
                           std::chars_format::scientific);
  *sci.ptr = '\0';  // for atoi below
  std::string_view s(buf, sci.ptr - buf);
  size_t e = s.find('e');
  if (e == std::string_view::npos) return std::string(s);  // inf, nan
  int exp = std::atoi(s.data() + e + 1);
  if (exp < -4 || exp >= 6)
    return fmt::format("{}e{}{:02}", s.substr(0, e), exp < 0 ? '-' : '+',
                       std::abs(exp));
  auto fixed =
      std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return std::string(buf, fixed.ptr - buf);
}

struct Spec {
  bool minus = false, plus = false, zero = false;
  int width = -1, precision = -1;
  char verb = 0;
};

std::string Pad(std::string s, const Spec& sp, bool numeric) {
  if (sp.width <= static_cast<int>(s.size())) return s;
  size_t n = sp.width - s.size();
  if (sp.minus) return s + std::string(n, ' ');
  if (sp.zero && numeric) {
    size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+');
    return s.insert(sign, n, '0');
  }
  return std::string(n, ' ') + s;
}

std::string BadVerb(char verb, const Value& v) {
  if (std::holds_alternative<std::monostate>(v))
    return fmt::format("%!{}(<nil>)", verb);
  return fmt::format("%!{}({}={})", verb, TypeName(v), FormatValue(v));
}

std::string FormatInt(int64_t i, const Spec& sp) {
  if (sp.verb == 'q') {  // a quoted character; printable ASCII only
    if (i < 0x20 || i >= 0x7f) return BadVerb('q', i);
    bool escape = i == '\'' || i == '\\';
    return Pad(fmt::format("'{}{}'", escape ? "\\" : "", char(i)), sp, false);
  }
  if (std::string_view("vdxXbo").find(sp.verb) == std::string_view::npos)
    return BadVerb(sp.verb, i);
  uint64_t mag = i < 0 ? 0 - static_cast<uint64_t>(i) : i;
  char base = sp.verb == 'v' ? 'd' : sp.verb;
  std::string digits =
      fmt::format(fmt::runtime(fmt::format("{{:{}}}", base)), mag);
  return Pad((i < 0 ? "-" : sp.plus ? "+" : "") + digits, sp, true);
}

std::string FormatDouble(double d, const Spec& sp) {
  if (std::string_view("vgfe").find(sp.verb) == std::string_view::npos)
    return BadVerb(sp.verb, d);
  std::string s =
      (sp.verb == 'v' || sp.verb == 'g') && sp.precision < 0
          ? FormatFloat(d)
          : fmt::format(fmt::runtime(fmt::format(
                            "{{:.{}{}}}", sp.precision < 0 ? 6 : sp.precision,
                            sp.verb == 'v' ? 'g' : sp.verb)),
                        d);
  if (sp.plus && d >= 0) s.insert(0, "+");
  return Pad(s, sp, true);
}

std::string FormatString(const std::string& s, const Spec& sp) {
  switch (sp.verb) {
    case 'v':
    case 's':
      return Pad(sp.precision >= 0 ? s.substr(0, sp.precision) : s, sp, false);
    case 'q':
      return Pad(Quote(s), sp, false);
    case 'x':
    case 'X': {
      std::string hex;
      for (unsigned char c : s)
        hex += sp.verb == 'x' ? fmt::format("{:02x}", c)
                              : fmt::format("{:02X}", c);
      return Pad(hex, sp, false);
    }
    default:
      return BadVerb(sp.verb, s);
  }
}

std::string FormatArg(const Value& v, const Spec& sp) {
  if (auto* i = std::get_if<int64_t>(&v)) return FormatInt(*i, sp);
  if (auto* d = std::get_if<double>(&v)) return FormatDouble(*d, sp);
  if (auto* s = std::get_if<std::string>(&v)) return FormatString(*s, sp);
  if (auto* b = std::get_if<bool>(&v))
    return sp.verb == 'v' || sp.verb == 't'
               ? Pad(*b ? "true" : "false", sp, false)
               : BadVerb(sp.verb, v);
  return sp.verb == 'v' || sp.verb == 's' ? Pad(FormatValue(v), sp, false)
                                          : BadVerb(sp.verb, v);
}

}  // namespace

std::string FormatValue(const Value& v) {
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return FormatFloat(*d);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* m = std::get_if<const DataMap*>(&v)) {
    std::string out = "map[";
    for (const auto& [k, val] : **m)
      out += (out.size() > 4 ? " " : "") + k + ":" + val;
    return out + "]";
  }
  return "<nil>";
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    static constexpr std::string_view kFrom = "\a\b\f\n\r\t\v\\\"",
                                      kTo = "abfnrtv\\\"";
    if (size_t k = kFrom.find(static_cast<char>(c));
        k != std::string_view::npos && c != 0) {
      out += '\\';
      out += kTo[k];
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);  // Go keeps printable UTF-8 as is
    }
  }
  return out + "\"";
}

std::string Sprint(std::span<const Value> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = std::holds_alternative<std::string>(args[i]);
    if (i > 0 && !is_string &&
        !std::holds_alternative<std::string>(args[i - 1]))
      out += ' ';
    out += FormatValue(args[i]);
  }
  return out;
}

std::string Sprintln(std::span<const Value> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i)
    out += (i ? " " : "") + FormatValue(args[i]);
  return out + "\n";
}

std::string Sprintf(std::string_view format, std::span<const Value> args) {
  // Go's fmt refuses widths and precisions beyond a million: digits are read
  // while the number so far is at most 1e6 (so 7 digits, or 8 from
  // 10000000..10000009, still pass), and a longer run ends the format with
  // %!(NOVERB), its remaining text unread. A width or precision taken from
  // an argument ("*") must be an int of magnitude <= 1e6, else
  // %!(BADWIDTH) / %!(BADPREC).
  constexpr int kMaxWidth = 1'000'000;
  std::string out;
  size_t next = 0;
  // Reads a number at i; nullopt (and i at the end) when it is too long.
  auto number = [&](size_t& i) -> std::optional<int> {
    int n = 0;
    for (; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
      if (n > kMaxWidth) {
        i = format.size();
        return std::nullopt;
      }
      n = n * 10 + (format[i] - '0');
    }
    return n;
  };
  // The int argument for a '*'; nullopt when missing, not an int or too big.
  auto star = [&]() -> std::optional<int> {
    if (next >= args.size()) return std::nullopt;
    const int64_t* n = std::get_if<int64_t>(&args[next++]);
    if (!n || *n > kMaxWidth || *n < -kMaxWidth) return std::nullopt;
    return static_cast<int>(*n);
  };
  for (size_t i = 0; i < format.size();) {
    if (out.size() > kMaxStringBytes) return out;  // the caller reports it
    if (format[i] != '%') {
      out += format[i++];
      continue;
    }
    Spec sp;
    ++i;
    for (; i < format.size(); ++i) {
      char f = format[i];
      if (f == '-')
        sp.minus = true;
      else if (f == '+')
        sp.plus = true;
      else if (f == '0')
        sp.zero = true;
      else if (f != ' ' && f != '#')
        break;
    }
    bool bad_number = false;
    if (i < format.size() && format[i] == '*') {
      ++i;
      std::optional<int> w = star();
      if (!w) {
        out += "%!(BADWIDTH)";
      } else if (*w < 0) {  // a negative width pads on the right
        sp.width = -*w;
        sp.minus = true;
      } else {
        sp.width = *w;
      }
    } else if (i < format.size() && format[i] >= '1' && format[i] <= '9') {
      std::optional<int> w = number(i);
      bad_number = !w;
      sp.width = w.value_or(-1);
    }
    if (!bad_number && i + 1 < format.size() && format[i] == '.') {
      ++i;
      if (format[i] == '*') {
        ++i;
        std::optional<int> p = star();
        if (!p || *p < 0) out += "%!(BADPREC)";
        sp.precision = p && *p >= 0 ? *p : -1;
      } else {
        std::optional<int> p = number(i);
        sp.precision = p.value_or(0);  // "%.f" is precision 0
      }
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    sp.verb = format[i++];
    if (sp.verb == '%')
      out += '%';
    else if (next >= args.size())
      out += fmt::format("%!{}(MISSING)", sp.verb);
    else
      out += FormatArg(args[next++], sp);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = next; k < args.size(); ++k)
      out += fmt::format("{}{}={}", k > next ? ", " : "", TypeName(args[k]),
                         FormatValue(args[k]));
    out += ")";
  }
  return out;
}

}  // namespace kiln::interpolate
