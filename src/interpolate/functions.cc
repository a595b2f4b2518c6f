#include "interpolate/functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "interpolate/engine.h"
#include "interpolate/go_fmt.h"
#include "interpolate/go_time_format.h"

namespace kiln::interpolate {
namespace {

using Args = std::span<const Value>;

const std::string& Str(const Value& v) { return std::get<std::string>(v); }
int64_t Int(const Value& v) { return std::get<int64_t>(v); }

// strings.Split: an empty separator splits into UTF-8 sequences.
std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> parts;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t n = 1;
      while (i + n < s.size() &&
             (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
        ++n;
      parts.push_back(s.substr(i, n));
      i += n;
    }
    return parts;
  }
  size_t start = 0;
  for (size_t hit; (hit = s.find(sep, start)) != std::string::npos;
       start = hit + sep.size())
    parts.push_back(s.substr(start, hit - start));
  parts.push_back(s.substr(start));
  return parts;
}

// strings.Replace; n < 0 replaces all. An empty `old` matches before every
// UTF-8 sequence and at the end, as in Go.
std::string Replace(const std::string& s, const std::string& old,
                    const std::string& with, int64_t n) {
  auto width = [&](size_t i) {
    size_t w = 1;
    while (i + w < s.size() &&
           (static_cast<unsigned char>(s[i + w]) & 0xC0) == 0x80)
      ++w;
    return w;
  };
  int64_t count = 0;
  if (old.empty()) {
    for (size_t i = 0; i < s.size(); i += width(i)) ++count;
    ++count;
  } else {
    for (size_t i = s.find(old); i != std::string::npos;
         i = s.find(old, i + old.size()))
      ++count;
  }
  if (n < 0 || n > count) n = count;
  std::string out;
  size_t start = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t j =
        old.empty() ? start + (i > 0 ? width(start) : 0) : s.find(old, start);
    out.append(s, start, j - start).append(with);
    start = j + old.size();
  }
  return out.append(s, start);
}

std::string Lower(std::string s) {
  std::ranges::transform(s, s.begin(),
                         [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string Upper(std::string s) {
  std::ranges::transform(s, s.begin(),
                         [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string RandomUuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                  // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32,
                     (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFull);
}

// The argument text of urlquery/js/html: one string as is, else fmt.Sprint.
std::string EscaperInput(Args a) {
  if (a.size() == 1 && std::holds_alternative<std::string>(a[0]))
    return Str(a[0]);
  return Sprint(a);
}

// Comparison classes of Go's eq/lt; -1 for values that cannot be compared.
int Kind(const Value& v) {
  return std::holds_alternative<std::monostate>(v) ||
                 std::holds_alternative<const DataMap*>(v)
             ? -1
             : static_cast<int>(v.index());
}

FuncResult Compare(Args a, bool want_less, bool or_equal) {
  if (Kind(a[0]) < 0 || Kind(a[1]) < 0 || std::holds_alternative<bool>(a[0]))
    return std::unexpected("invalid type for comparison");
  if (Kind(a[0]) != Kind(a[1]))
    return std::unexpected("incompatible types for comparison");
  bool less = a[0] < a[1], equal = a[0] == a[1];
  return want_less ? (less || (or_equal && equal))
                   : (!less && !(equal && !or_equal));
}

FuncResult Eq(Args a) {
  if (a.size() < 2) return std::unexpected("missing argument for comparison");
  for (size_t i = 1; i < a.size(); ++i) {
    if (Kind(a[0]) < 0 || Kind(a[i]) < 0)
      return std::unexpected("invalid type for comparison");
    if (Kind(a[0]) != Kind(a[i]))
      return std::unexpected("incompatible types for comparison");
    if (a[0] == a[i]) return true;
  }
  return false;
}

FuncResult Index(Args a) {
  Value item = a[0];
  for (const Value& key : a.subspan(1)) {
    if (auto* m = std::get_if<const DataMap*>(&item)) {
      if (!std::holds_alternative<std::string>(key))
        return std::unexpected(
            fmt::format("value has type {}; should be string", TypeName(key)));
      auto it = (*m)->find(Str(key));
      item = it == (*m)->end() ? std::string() : it->second;
    } else if (auto* s = std::get_if<std::string>(&item)) {
      if (!std::holds_alternative<int64_t>(key))
        return std::unexpected(fmt::format(
            "cannot index slice/array with type {}", TypeName(key)));
      if (Int(key) < 0 || Int(key) >= static_cast<int64_t>(s->size()))
        return std::unexpected(fmt::format("index out of range: {}", Int(key)));
      item = static_cast<int64_t>(static_cast<unsigned char>((*s)[Int(key)]));
    } else {
      return std::unexpected(
          fmt::format("can't index item of type {}", TypeName(item)));
    }
  }
  return item;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\uFFFD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string JsEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\\' || c == '\'' || c == '"')
      out += {'\\', static_cast<char>(c)};
    else if (c == '<' || c == '>' || c == '&' || c == '=' || c < 0x20)
      out += fmt::format("\\u{:04X}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string QueryEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else if (c == ' ')
      out += '+';
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// Packer only reads these in variable defaults (`env_allowed`), and kiln
// has no client for the services behind them.
FuncResult RemoteSecret(const Context& ctx, std::string_view service,
                        std::string_view not_here, std::string_view what) {
  if (!ctx.env_allowed) return std::unexpected(std::string(not_here));
  return std::unexpected(fmt::format(
      "could not read {}: {} is not configured (kiln has no {} client)", what,
      service, service));
}

FuncResult NotEmpty(const std::string& value, std::string_view what) {
  if (value.empty())
    return std::unexpected(fmt::format("{} not available", what));
  return value;
}

constexpr auto kFunctions = std::to_array<Function>({
    // Go's builtins.
    {"and", "aa", true, [](Args a, const Context&) -> FuncResult {
       for (const Value& v : a) if (!Truth(v)) return v;
       return a.back();
     }},
    {"or", "aa", true, [](Args a, const Context&) -> FuncResult {
       for (const Value& v : a) if (Truth(v)) return v;
       return a.back();
     }},
    {"not", "a", false, [](Args a, const Context&) -> FuncResult { return !Truth(a[0]); }},
    {"len", "a", false, [](Args a, const Context&) -> FuncResult {
       if (auto* s = std::get_if<std::string>(&a[0])) return static_cast<int64_t>(s->size());
       if (auto* m = std::get_if<const DataMap*>(&a[0])) return static_cast<int64_t>((*m)->size());
       return std::unexpected(fmt::format("len of type {}", TypeName(a[0])));
     }},
    {"index", "aa", true, [](Args a, const Context&) { return Index(a); }},
    {"eq", "aa", true, [](Args a, const Context&) { return Eq(a); }},
    {"ne", "aa", false, [](Args a, const Context&) -> FuncResult {
       auto eq = Eq(a);
       if (!eq) return eq;
       return !std::get<bool>(*eq);
     }},
    {"lt", "aa", false, [](Args a, const Context&) { return Compare(a, true, false); }},
    {"le", "aa", false, [](Args a, const Context&) { return Compare(a, true, true); }},
    {"gt", "aa", false, [](Args a, const Context&) { return Compare(a, false, false); }},
    {"ge", "aa", false, [](Args a, const Context&) { return Compare(a, false, true); }},
    {"print", "a", true, [](Args a, const Context&) -> FuncResult { return Sprint(a); }},
    {"println", "a", true, [](Args a, const Context&) -> FuncResult { return Sprintln(a); }},
    {"printf", "sa", true, [](Args a, const Context&) -> FuncResult { return Sprintf(Str(a[0]), a.subspan(1)); }},
    {"urlquery", "a", true, [](Args a, const Context&) -> FuncResult { return QueryEscape(EscaperInput(a)); }},
    {"js", "a", true, [](Args a, const Context&) -> FuncResult { return JsEscape(EscaperInput(a)); }},
    {"html", "a", true, [](Args a, const Context&) -> FuncResult { return HtmlEscape(EscaperInput(a)); }},

    // Packer's functions (template/interpolate/funcs.go).
    {"user", "s", false, [](Args a, const Context& ctx) -> FuncResult {
       auto it = ctx.user_vars.find(Str(a[0]));
       if (it != ctx.user_vars.end()) return it->second;
       // Outside variable defaults an unknown variable is simply empty.
       if (ctx.env_allowed) return std::unexpected(fmt::format(
             "variable not set: {} (variables used in variable defaults must be defined)", Str(a[0])));
       return std::string();
     }},
    {"env", "s", false, [](Args a, const Context& ctx) -> FuncResult {
       if (!ctx.env_allowed) return std::unexpected("env vars are not allowed here (only in variable defaults)");
       if (ctx.getenv) return ctx.getenv(Str(a[0])).value_or("");
       const char* v = std::getenv(Str(a[0]).c_str());
       return std::string(v ? v : "");
     }},
    {"timestamp", "", false, [](Args, const Context& ctx) -> FuncResult {
       using namespace std::chrono;
       return std::to_string(floor<seconds>(ctx.start_time).time_since_epoch().count());
     }},
    {"isotime", "s", true, [](Args a, const Context& ctx) -> FuncResult {
       if (a.size() > 1) {
         std::vector<std::string> all;
         for (const Value& v : a) all.push_back(Str(v));
         return std::unexpected(fmt::format("too many values, 1 needed: [{}]", fmt::join(all, " ")));
       }
       return FormatGoTime(a.empty() ? kRfc3339 : std::string_view(Str(a[0])), ctx.start_time);
     }},
    {"strftime", "s", false, [](Args a, const Context& ctx) -> FuncResult {
       return FormatStrftime(Str(a[0]), ctx.start_time);
     }},
    {"uuid", "", false, [](Args, const Context& ctx) -> FuncResult {
       return ctx.uuid ? ctx.uuid() : RandomUuid();
     }},
    {"build_name", "", false, [](Args, const Context& ctx) { return NotEmpty(ctx.build_name, "build_name"); }},
    {"build_type", "", false, [](Args, const Context& ctx) { return NotEmpty(ctx.build_type, "build_type"); }},
    {"template_dir", "", false, [](Args, const Context& ctx) { return NotEmpty(ctx.template_dir, "template path"); }},
    {"packer_version", "", false, [](Args, const Context& ctx) {
       return NotEmpty(ctx.packer_version, "packer_version");
     }},
    {"pwd", "", false, [](Args, const Context& ctx) -> FuncResult {
       if (!ctx.pwd.empty()) return ctx.pwd;
       std::error_code ec;
       auto cwd = std::filesystem::current_path(ec);
       if (ec) return std::unexpected(ec.message());
       return cwd.string();
     }},
    {"lower", "s", false, [](Args a, const Context&) -> FuncResult { return Lower(Str(a[0])); }},
    {"upper", "s", false, [](Args a, const Context&) -> FuncResult { return Upper(Str(a[0])); }},
    {"split", "ssi", false, [](Args a, const Context&) -> FuncResult {
       auto parts = Split(Str(a[0]), Str(a[1]));
       int64_t i = Int(a[2]);
       if (i < 0 || i >= static_cast<int64_t>(parts.size()))
         return std::unexpected(fmt::format(
             "the substring {} was unavailable using the separator value, {}, only {} values were found", i,
             Str(a[1]), parts.size()));
       return parts[i];
     }},
    {"replace", "ssis", false, [](Args a, const Context&) -> FuncResult {
       return Replace(Str(a[3]), Str(a[0]), Str(a[1]), Int(a[2]));
     }},
    {"replace_all", "sss", false, [](Args a, const Context&) -> FuncResult {
       return Replace(Str(a[2]), Str(a[0]), Str(a[1]), -1);
     }},
    {"clean_resource_name", "s", false, [](Args a, const Context&) -> FuncResult {
       return CleanResourceName(Str(a[0]));
     }},
    {"build", "s", false, [](Args a, const Context& ctx) -> FuncResult {
       // The engine leaves the action in place while build_values is unset.
       if (!ctx.build_values) return std::unexpected("build values are not available before the build runs");
       auto it = ctx.build_values->find(Str(a[0]));
       if (it == ctx.build_values->end())
         return std::unexpected(fmt::format("loaded data, but couldn't find {} in it", Str(a[0])));
       return it->second;
     }},
    {"consul_key", "s", false, [](Args a, const Context& ctx) {
       return RemoteSecret(ctx, "Consul", "consul_key is not allowed here", fmt::format("key \"{}\"", Str(a[0])));
     }},
    {"vault", "ss", false, [](Args a, const Context& ctx) {
       return RemoteSecret(ctx, "Vault", "Vault vars are only allowed in the variables section",
                           fmt::format("key \"{}\" at path \"{}\"", Str(a[1]), Str(a[0])));
     }},
    {"aws_secretsmanager", "s", true, [](Args a, const Context& ctx) -> FuncResult {
       if (a.empty()) return std::unexpected("secret name must be provided");
       if (a.size() > 2) return std::unexpected("only secret name and optional secret key can be provided.");
       return RemoteSecret(ctx, "AWS Secrets Manager", "AWS Secrets Manager is only allowed in the variables section",
                           fmt::format("secret \"{}\"", Str(a[0])));
     }},
    {"aws_secretsmanager_raw", "s", false, [](Args a, const Context& ctx) {
       return RemoteSecret(ctx, "AWS Secrets Manager", "AWS Secrets Manager is only allowed in the variables section",
                           fmt::format("secret \"{}\"", Str(a[0])));
     }},
    {"sed", "ss", false, [](Args, const Context&) -> FuncResult {
       return std::unexpected("template function `sed` is deprecated use `replace` or `replace_all` instead.");
     }},
});

}  // namespace

const Function* FindFunction(std::string_view name) {
  auto it = std::ranges::find(kFunctions, name, &Function::name);
  return it == kFunctions.end() ? nullptr : &*it;
}

std::string CleanResourceName(std::string_view s) {
  std::string out = Lower(std::string(s));
  for (char& c : out)
    if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) c = '-';
  return out;
}

}  // namespace kiln::interpolate
