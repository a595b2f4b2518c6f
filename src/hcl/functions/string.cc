// String functions: format, formatlist, join, split, lower/upper/title,
// replace, regex family (RE2, Go syntax), trim family, substr, strrev,
// chomp, indent, startswith/endswith/strcontains.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cwchar>
#include <cwctype>
#include <locale.h>

#include <fmt/format.h>
#include <re2/re2.h>

#include "hcl/functions/internal.h"
#include "hcl/value_json.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();

// UTF-8 code points of s.
std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Unicode case mapping through the C.UTF-8 locale (simple, per code point, as Go's).
std::string MapCase(const std::string& s, bool upper) {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  std::string out;
  out.reserve(s.size());
  std::mbstate_t in_state{}, out_state{};
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (p < end) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x80 || !loc) {
      char m = static_cast<char>(c);
      if (upper && m >= 'a' && m <= 'z') m = static_cast<char>(m - 'a' + 'A');
      if (!upper && m >= 'A' && m <= 'Z') m = static_cast<char>(m - 'A' + 'a');
      out += m;
      ++p;
      continue;
    }
    wchar_t wc;
    locale_t old = uselocale(loc);
    std::size_t n = std::mbrtowc(&wc, p, static_cast<std::size_t>(end - p), &in_state);
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2) || n == 0) {
      uselocale(old);
      out += *p++;
      in_state = {};
      continue;
    }
    wchar_t mapped = upper ? towupper_l(static_cast<wint_t>(wc), loc) : towlower_l(static_cast<wint_t>(wc), loc);
    char buf[MB_LEN_MAX];
    std::size_t w = std::wcrtomb(buf, mapped, &out_state);
    uselocale(old);
    if (w == static_cast<std::size_t>(-1)) out.append(p, n);
    else out.append(buf, w);
    p += n;
  }
  return out;
}
std::string LowerUtf8(const std::string& s) { return MapCase(s, false); }
std::string UpperUtf8(const std::string& s) { return MapCase(s, true); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// ---- format ----

std::string PadTo(std::string s, int width, bool left, char pad) {
  int len = static_cast<int>(Chars(s).size());
  if (width <= len) return s;
  std::string fill(static_cast<std::size_t>(width - len), pad);
  if (left) return s + std::string(static_cast<std::size_t>(width - len), ' ');
  if (pad == '0' && !s.empty() && (s[0] == '-' || s[0] == '+')) return s.substr(0, 1) + fill + s.substr(1);
  return fill + s;
}

std::string GoQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

FunctionResult FormatImpl(const std::string& spec, const std::vector<Value>& args, int args_offset) {
  std::string out;
  std::size_t next = 0;
  std::vector<bool> used(args.size(), false);
  for (std::size_t i = 0; i < spec.size(); ++i) {
    char c = spec[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (++i >= spec.size()) return FuncErr(0, "invalid format string: unterminated verb");
    if (spec[i] == '%') {
      out += '%';
      continue;
    }
    bool minus = false, plus = false, zero = false, space = false, sharp = false;
    for (; i < spec.size(); ++i) {
      char f = spec[i];
      if (f == '-') minus = true;
      else if (f == '+') plus = true;
      else if (f == '0') zero = true;
      else if (f == ' ') space = true;
      else if (f == '#') sharp = true;
      else break;
    }
    if (i < spec.size() && spec[i] == '[') {
      std::size_t close = spec.find(']', i);
      if (close == std::string::npos) return FuncErr(0, "invalid format string: unterminated argument index");
      int idx = std::atoi(spec.substr(i + 1, close - i - 1).c_str());
      if (idx < 1) return FuncErr(0, "invalid format string: argument index must be at least 1");
      next = static_cast<std::size_t>(idx - 1);
      i = close + 1;
    }
    int width = -1, prec = -1;
    if (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
      width = 0;
      while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) width = width * 10 + (spec[i++] - '0');
    }
    if (i < spec.size() && spec[i] == '.') {
      ++i;
      prec = 0;
      while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) prec = prec * 10 + (spec[i++] - '0');
    }
    if (i >= spec.size()) return FuncErr(0, "invalid format string: unterminated verb");
    char verb = spec[i];
    if (next >= args.size())
      return FuncErr(-1, fmt::format("not enough arguments for \"%{}\" at {}: need index {} but have {} total",
                                     verb, i, next + 1, args.size()));
    Value arg = args[next];
    used[next] = true;
    ++next;
    if (!arg.is_known()) return Value::Unknown(kStr);
    int argi = static_cast<int>(next - 1) + args_offset;
    std::string s;
    char pad = zero && !minus ? '0' : ' ';
    auto num = [&]() -> std::expected<Value, FunctionError> {
      auto n = Convert(arg, Type::Number());
      if (!n || n->is_null()) return std::unexpected(FunctionError{argi, "a number is required"});
      return *n;
    };
    switch (verb) {
      case 'v':
      case 's': {
        if (arg.is_null()) {
          if (verb == 's') return FuncErr(argi, "null value cannot be formatted");
          s = "null";
        } else if (sharp && verb == 'v') {
          auto j = ValueToJSON(arg);
          if (!j) return FuncErr(argi, j.error().summary);
          s = *j;
        } else if (arg.type().is_primitive()) {
          s = Convert(arg, kStr)->AsString();
        } else if (verb == 'v') {
          auto j = ValueToJSON(arg);
          if (!j) return FuncErr(argi, j.error().summary);
          s = *j;
        } else {
          return FuncErr(argi, "a string is required");
        }
        if (prec >= 0) {
          auto cs = Chars(s);
          if (static_cast<int>(cs.size()) > prec) {
            s.clear();
            for (int k = 0; k < prec; ++k) s += cs[k];
          }
        }
        break;
      }
      case 'q': {
        auto v = Convert(arg, kStr);
        if (!v || v->is_null()) return FuncErr(argi, "a string is required");
        s = GoQuote(v->AsString());
        break;
      }
      case 't': {
        auto v = Convert(arg, Type::Bool());
        if (!v || v->is_null()) return FuncErr(argi, "a bool is required");
        s = v->AsBool() ? "true" : "false";
        break;
      }
      case 'd':
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        if (verb == 'x' || verb == 'X') {
          if (arg.type().kind() == TypeKind::kString) {
            for (unsigned char ch : arg.AsString())
              s += verb == 'x' ? fmt::format("{:02x}", ch) : fmt::format("{:02X}", ch);
            break;
          }
        }
        auto n = num();
        if (!n) return std::unexpected(n.error());
        if (!n->IsInteger()) return FuncErr(argi, "an integer is required");
        mpz_class z = n->AsNumber().get_num();
        bool neg = z < 0;
        if (neg) z = -z;
        int base = verb == 'd' ? 10 : verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
        s = z.get_str(base);
        if (verb == 'X') s = UpperUtf8(s);
        if (sharp && verb == 'o') s = "0" + s;
        if (sharp && verb == 'x') s = "0x" + s;
        if (sharp && verb == 'X') s = "0X" + s;
        if (neg) s = "-" + s;
        else if (plus) s = "+" + s;
        else if (space) s = " " + s;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        auto n = num();
        if (!n) return std::unexpected(n.error());
        double d = n->AsDouble();
        if (verb == 'g' || verb == 'G') {
          if (prec < 0) {
            s = FormatNumber(n->AsNumber());
            if (verb == 'G') s = UpperUtf8(s);
          } else {
            s = fmt::format(fmt::runtime(fmt::format("{{:.{}{}}}", prec, verb)), d);
          }
        } else {
          int p = prec < 0 ? 6 : prec;
          char fv = verb == 'F' ? 'f' : verb;
          s = fmt::format(fmt::runtime(fmt::format("{{:.{}{}}}", p, fv)), d);
        }
        if (plus && d >= 0) s = "+" + s;
        else if (space && d >= 0) s = " " + s;
        break;
      }
      default:
        return FuncErr(0, fmt::format("invalid format string: unsupported format verb %{}", verb));
    }
    out += width >= 0 ? PadTo(s, width, minus, pad) : s;
  }
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (!used[k])
      return FuncErr(-1, fmt::format("too many arguments; only {} used by format string",
                                     std::count(used.begin(), used.end(), true)));
  }
  return Value::String(out);
}

FunctionResult Format(const std::vector<Value>& a) {
  std::vector<Value> rest(a.begin() + 1, a.end());
  return FormatImpl(a[0].AsString(), rest, 1);
}

FunctionResult FormatList(const std::vector<Value>& a) {
  // Lists are iterated in step; other values repeat.
  std::optional<std::size_t> n;
  for (std::size_t i = 1; i < a.size(); ++i) {
    const Type& t = a[i].type();
    if (t.is_list() || t.is_tuple() || t.is_set()) {
      if (!a[i].is_known()) return Value::Unknown(Type::List(kStr));
      std::size_t len = a[i].Elements().size();
      if (n && *n != len)
        return FuncErr(static_cast<int>(i), fmt::format("argument {} has length {}, which is inconsistent with argument {} of length {}", i + 1, len, 1, *n));
      n = len;
    }
  }
  if (!n) {
    auto one = Format(a);
    if (!one) return one;
    return Value::List({*one}, kStr);
  }
  std::vector<Value> out;
  for (std::size_t k = 0; k < *n; ++k) {
    std::vector<Value> row;
    for (std::size_t i = 1; i < a.size(); ++i) {
      const Type& t = a[i].type();
      row.push_back(t.is_list() || t.is_tuple() || t.is_set() ? a[i].Elements()[k] : a[i]);
    }
    auto s = FormatImpl(a[0].AsString(), row, 1);
    if (!s) return s;
    out.push_back(*s);
  }
  return Value::List(std::move(out), kStr);
}

std::string Replace(const std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) {
    // Go's strings.Replace with an empty old string inserts between every rune.
    std::string out = to;
    for (const std::string& c : Chars(s)) out += c + to;
    return out;
  }
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t f = s.find(from, pos);
    if (f == std::string::npos) break;
    out += s.substr(pos, f - pos) + to;
    pos = f + from.size();
  }
  return out + s.substr(pos);
}

// Go regexp replacement syntax: $1, ${name}, $$.
std::string GoReplacementToRe2(const std::string& repl) {
  std::string out;
  for (std::size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c == '\\') {
      out += "\\\\";
      continue;
    }
    if (c != '$') {
      out += c;
      continue;
    }
    if (i + 1 < repl.size() && repl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    if (j < repl.size() && repl[j] == '{') {
      std::size_t close = repl.find('}', j);
      if (close == std::string::npos) {
        out += c;
        continue;
      }
      name = repl.substr(j + 1, close - j - 1);
      i = close;
    } else {
      while (j < repl.size() && (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_')) name += repl[j++];
      i = j - 1;
    }
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) out += "\\" + name;
    else out += "";  // named groups are resolved by the caller
  }
  return out;
}

std::expected<std::shared_ptr<RE2>, FunctionError> Compile(const std::string& pattern, int arg) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<RE2>(pattern, opts);
  if (!re->ok())
    return std::unexpected(FunctionError{arg, fmt::format("invalid regular expression pattern: {}", re->error())});
  return re;
}

// The value regex() returns for one match: string (no groups), list (unnamed
// groups), object (named groups).
Value MatchValue(const RE2& re, const std::vector<re2::StringPiece>& groups) {
  int n = re.NumberOfCapturingGroups();
  if (n == 0) return Value::String(std::string(groups[0]));
  const auto& names = re.CapturingGroupNames();
  if (!names.empty()) {
    std::map<std::string, Value> obj;
    for (const auto& [idx, name] : names)
      obj[name] = groups[idx].data() ? Value::String(std::string(groups[idx])) : Value::Null(kStr);
    return Value::Object(std::move(obj));
  }
  std::vector<Value> out;
  for (int i = 1; i <= n; ++i)
    out.push_back(groups[i].data() ? Value::String(std::string(groups[i])) : Value::Null(kStr));
  return Value::List(std::move(out), kStr);
}

FunctionResult Regex(const std::vector<Value>& a) {
  auto re = Compile(a[0].AsString(), 0);
  if (!re) return std::unexpected(re.error());
  int n = (*re)->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
  const std::string& s = a[1].AsString();
  if (!(*re)->Match(s, 0, s.size(), RE2::UNANCHORED, groups.data(), n + 1))
    return FuncErr(-1, "pattern did not match any part of the given string");
  return MatchValue(**re, groups);
}

FunctionResult RegexAll(const std::vector<Value>& a) {
  auto re = Compile(a[0].AsString(), 0);
  if (!re) return std::unexpected(re.error());
  int n = (*re)->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(n) + 1);
  const std::string& s = a[1].AsString();
  std::vector<Value> out;
  std::size_t pos = 0;
  while (pos <= s.size() && (*re)->Match(s, pos, s.size(), RE2::UNANCHORED, groups.data(), n + 1)) {
    out.push_back(MatchValue(**re, groups));
    std::size_t end = static_cast<std::size_t>(groups[0].data() - s.data()) + groups[0].size();
    pos = groups[0].empty() ? end + 1 : end;
  }
  Type elem = out.empty() ? (n == 0 ? kStr : Type::Dynamic()) : out[0].type();
  return Value::List(std::move(out), elem);
}

FunctionResult RegexReplace(const std::vector<Value>& a) {
  auto re = Compile(a[1].AsString(), 1);
  if (!re) return std::unexpected(re.error());
  std::string s = a[0].AsString();
  std::string repl = a[2].AsString();
  // Named references ${name} -> their group numbers.
  for (const auto& [idx, name] : (*re)->CapturingGroupNames())
    repl = Replace(repl, "${" + name + "}", "${" + std::to_string(idx) + "}");
  RE2::GlobalReplace(&s, **re, GoReplacementToRe2(repl));
  return Value::String(s);
}

FunctionResult ReplaceFn(const std::vector<Value>& a) {
  const std::string& s = a[0].AsString();
  const std::string& sub = a[1].AsString();
  // "/re/" means a regular expression (Terraform's replace).
  if (sub.size() >= 2 && sub.front() == '/' && sub.back() == '/') {
    auto re = Compile(sub.substr(1, sub.size() - 2), 1);
    if (!re) return std::unexpected(re.error());
    std::string out = s;
    RE2::GlobalReplace(&out, **re, GoReplacementToRe2(a[2].AsString()));
    return Value::String(out);
  }
  return Value::String(Replace(s, sub, a[2].AsString()));
}

std::string TrimChars(const std::string& s, const std::string& cut, bool left, bool right) {
  auto cs = Chars(s);
  auto cut_chars = Chars(cut);
  auto in = [&](const std::string& c) { return std::find(cut_chars.begin(), cut_chars.end(), c) != cut_chars.end(); };
  std::size_t b = 0, e = cs.size();
  if (left)
    while (b < e && in(cs[b])) ++b;
  if (right)
    while (e > b && in(cs[e - 1])) --e;
  std::string out;
  for (std::size_t i = b; i < e; ++i) out += cs[i];
  return out;
}

}  // namespace

void AddString(FunctionMap& m) {
  m["format"] = VarFn({P("format", kStr)}, PNull("args", Type::Dynamic()), Format, kStr);
  m["formatlist"] = VarFn({P("format", kStr)}, PNull("args", Type::Dynamic()), FormatList, Type::List(kStr));
  m["join"] = VarFn({P("separator", kStr)}, P("lists", Type::List(kStr)),
                    [](const std::vector<Value>& a) -> FunctionResult {
                      std::string out;
                      bool first = true;
                      for (std::size_t i = 1; i < a.size(); ++i)
                        for (const Value& e : a[i].Elements()) {
                          if (e.is_null()) return FuncErr(static_cast<int>(i), "element is null; cannot concatenate null values");
                          if (!first) out += a[0].AsString();
                          first = false;
                          out += e.AsString();
                        }
                      return Value::String(out);
                    },
                    kStr);
  m["split"] = Fn({P("separator", kStr), P("str", kStr)},
                  [](const std::vector<Value>& a) -> FunctionResult {
                    const std::string& sep = a[0].AsString();
                    const std::string& s = a[1].AsString();
                    std::vector<std::string> parts;
                    if (sep.empty()) {
                      parts = Chars(s);
                    } else {
                      std::size_t pos = 0;
                      while (true) {
                        std::size_t f = s.find(sep, pos);
                        if (f == std::string::npos) break;
                        parts.push_back(s.substr(pos, f - pos));
                        pos = f + sep.size();
                      }
                      parts.push_back(s.substr(pos));
                    }
                    return Value::StringList(parts);
                  },
                  Type::List(kStr));
  m["lower"] = Fn({P("str", kStr)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::String(LowerUtf8(a[0].AsString())); }, kStr);
  m["upper"] = Fn({P("str", kStr)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::String(UpperUtf8(a[0].AsString())); }, kStr);
  m["title"] = Fn({P("str", kStr)},
                  [](const std::vector<Value>& a) -> FunctionResult {
                    std::string s = a[0].AsString();
                    bool start = true;
                    for (char& c : s) {
                      if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
                      start = IsSpace(c) || c == '-' || c == '_' ? true : !std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80;
                    }
                    return Value::String(s);
                  },
                  kStr);
  m["replace"] = Fn({P("str", kStr), P("substr", kStr), P("replace", kStr)}, ReplaceFn, kStr);
  m["regex_replace"] = Fn({P("str", kStr), P("substr", kStr), P("replace", kStr)}, RegexReplace, kStr);
  m["regex"] = Fn({P("pattern", kStr), P("string", kStr)}, Regex);
  m["regexall"] = Fn({P("pattern", kStr), P("string", kStr)}, RegexAll);
  m["strrev"] = Fn({P("str", kStr)},
                   [](const std::vector<Value>& a) -> FunctionResult {
                     auto cs = Chars(a[0].AsString());
                     std::reverse(cs.begin(), cs.end());
                     std::string out;
                     for (auto& c : cs) out += c;
                     return Value::String(out);
                   },
                   kStr);
  m["substr"] = Fn({P("str", kStr), P("offset", Type::Number()), P("length", Type::Number())},
                   [](const std::vector<Value>& a) -> FunctionResult {
                     auto cs = Chars(a[0].AsString());
                     auto off = IntArg(a[1], 1);
                     if (!off) return std::unexpected(off.error());
                     auto len = IntArg(a[2], 2);
                     if (!len) return std::unexpected(len.error());
                     std::int64_t n = static_cast<std::int64_t>(cs.size());
                     std::int64_t o = *off;
                     if (o < 0) o += n;
                     if (o < 0) o = 0;
                     if (o > n) return FuncErr(1, "offset is out of range");
                     std::int64_t l = *len < 0 ? n - o : std::min(*len, n - o);
                     std::string out;
                     for (std::int64_t i = o; i < o + l; ++i) out += cs[static_cast<std::size_t>(i)];
                     return Value::String(out);
                   },
                   kStr);
  m["chomp"] = Fn({P("str", kStr)},
                  [](const std::vector<Value>& a) -> FunctionResult {
                    std::string s = a[0].AsString();
                    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
                    return Value::String(s);
                  },
                  kStr);
  m["trimspace"] = Fn({P("str", kStr)},
                      [](const std::vector<Value>& a) -> FunctionResult {
                        const std::string& s = a[0].AsString();
                        std::size_t b = 0, e = s.size();
                        while (b < e && IsSpace(s[b])) ++b;
                        while (e > b && IsSpace(s[e - 1])) --e;
                        return Value::String(s.substr(b, e - b));
                      },
                      kStr);
  m["trim"] = Fn({P("str", kStr), P("cutset", kStr)},
                 [](const std::vector<Value>& a) -> FunctionResult {
                   return Value::String(TrimChars(a[0].AsString(), a[1].AsString(), true, true));
                 },
                 kStr);
  m["trimprefix"] = Fn({P("str", kStr), P("prefix", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         const std::string& s = a[0].AsString();
                         const std::string& p = a[1].AsString();
                         return Value::String(s.starts_with(p) ? s.substr(p.size()) : s);
                       },
                       kStr);
  m["trimsuffix"] = Fn({P("str", kStr), P("suffix", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         const std::string& s = a[0].AsString();
                         const std::string& p = a[1].AsString();
                         return Value::String(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
                       },
                       kStr);
  m["startswith"] = Fn({P("str", kStr), P("prefix", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult { return Value::Bool(a[0].AsString().starts_with(a[1].AsString())); },
                       Type::Bool());
  m["endswith"] = Fn({P("str", kStr), P("suffix", kStr)},
                     [](const std::vector<Value>& a) -> FunctionResult { return Value::Bool(a[0].AsString().ends_with(a[1].AsString())); },
                     Type::Bool());
  m["strcontains"] = Fn({P("str", kStr), P("substr", kStr)},
                        [](const std::vector<Value>& a) -> FunctionResult {
                          return Value::Bool(a[0].AsString().find(a[1].AsString()) != std::string::npos);
                        },
                        Type::Bool());
  m["indent"] = Fn({P("spaces", Type::Number()), P("str", kStr)},
                   [](const std::vector<Value>& a) -> FunctionResult {
                     auto n = IntArg(a[0], 0);
                     if (!n) return std::unexpected(n.error());
                     if (*n < 0 || *n > 10000) return FuncErr(0, "must be between 0 and 10000");
                     std::string pad(static_cast<std::size_t>(*n), ' ');
                     return Value::String(Replace(a[1].AsString(), "\n", "\n" + pad));
                   },
                   kStr);
}

}  // namespace kiln::hcl::functions
