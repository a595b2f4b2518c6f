#include "interpolate/functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "clients/aws/secret_lookup.h"
#include "interpolate/engine.h"
#include "interpolate/go_fmt.h"
#include "interpolate/go_time_format.h"

namespace kiln::interpolate {
namespace {

using Args = std::span<const Value>;
using Ctx = const Context&;

const std::string& Str(const Value& v) { return std::get<std::string>(v); }
int64_t Int(const Value& v) { return std::get<int64_t>(v); }
std::unexpected<std::string> Fail(std::string message) {
  return std::unexpected(std::move(message));
}
std::unexpected<std::string> TooLong() {
  return Fail(fmt::format("the result would be longer than {} MiB",
                          kMaxStringBytes >> 20));
}

// Bytes in the UTF-8 sequence starting at s[i].
size_t RuneWidth(std::string_view s, size_t i) {
  size_t w = 1;
  while (i + w < s.size() &&
         (static_cast<unsigned char>(s[i + w]) & 0xC0) == 0x80)
    ++w;
  return w;
}

// strings.Split: an empty separator splits into UTF-8 sequences.
std::vector<std::string> SplitString(const std::string& s,
                                     const std::string& sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  if (sep.empty()) {
    for (; start < s.size(); start += RuneWidth(s, start))
      parts.push_back(s.substr(start, RuneWidth(s, start)));
    return parts;
  }
  for (size_t hit; (hit = s.find(sep, start)) != std::string::npos;
       start = hit + sep.size())
    parts.push_back(s.substr(start, hit - start));
  parts.push_back(s.substr(start));
  return parts;
}

// strings.Replace; n < 0 replaces all. An empty `old` matches before every
// UTF-8 sequence and at the end, as in Go. Fails rather than build a result
// longer than kMaxStringBytes.
FuncResult ReplaceString(const std::string& s, const std::string& old,
                         const std::string& with, int64_t n) {
  int64_t count = 0;
  if (old.empty()) {
    for (size_t i = 0; i <= s.size(); i += i < s.size() ? RuneWidth(s, i) : 1)
      ++count;
  } else {
    for (size_t i = s.find(old); i != std::string::npos;
         i = s.find(old, i + old.size()))
      ++count;
  }
  if (n < 0 || n > count) n = count;
  if (size_t growth = with.size() > old.size() ? with.size() - old.size() : 0;
      n > 0 && growth > 0 &&
      (s.size() > kMaxStringBytes ||
       growth > (kMaxStringBytes - s.size()) / static_cast<uint64_t>(n)))
    return TooLong();
  std::string out;
  size_t start = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t j = !old.empty() ? s.find(old, start)
               : i > 0      ? start + RuneWidth(s, start)
                            : start;
    out.append(s, start, j - start).append(with);
    start = j + old.size();
  }
  return out.append(s, start);
}

std::string Lowercase(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Whether printing `a` could exceed kMaxStringBytes (the values themselves,
// plus a separator each).
bool PrintTooLong(Args a) {
  size_t total = 0;
  for (const Value& v : a) {
    const std::string* s = std::get_if<std::string>(&v);
    total += (s ? s->size() : 24) + 1;  // other values print short
  }
  return total > kMaxStringBytes;
}

// The argument text of urlquery/js/html: one string as is, else fmt.Sprint.
std::string EscaperInput(Args a) {
  if (a.size() == 1 && std::holds_alternative<std::string>(a[0]))
    return Str(a[0]);
  return Sprint(a);
}

// Go's comparison classes (bool, int, float, string); -1 if not comparable.
int Kind(const Value& v) {
  bool basic = !std::holds_alternative<std::monostate>(v) &&
               !std::holds_alternative<const DataMap*>(v);
  return basic ? static_cast<int>(v.index()) : -1;
}

// lt, le, gt, ge.
template <bool kLess, bool kOrEqual>
FuncResult Compare(Args a, Ctx) {
  if (Kind(a[0]) < 0 || Kind(a[1]) < 0 || std::holds_alternative<bool>(a[0]))
    return Fail("invalid type for comparison");
  if (Kind(a[0]) != Kind(a[1]))
    return Fail("incompatible types for comparison");
  if (kOrEqual && a[0] == a[1]) return true;
  return kLess ? a[0] < a[1] : a[1] < a[0];
}

// eq x y z: whether x equals any of the others.
FuncResult Eq(Args a, Ctx) {
  if (a.size() < 2) return Fail("missing argument for comparison");
  for (const Value& other : a.subspan(1)) {
    if (Kind(a[0]) < 0 || Kind(other) < 0)
      return Fail("invalid type for comparison");
    if (Kind(a[0]) != Kind(other))
      return Fail("incompatible types for comparison");
    if (a[0] == other) return true;
  }
  return false;
}

FuncResult Ne(Args a, Ctx ctx) {
  auto eq = Eq(a, ctx);
  if (!eq) return eq;
  return !std::get<bool>(*eq);
}

// and/or return the deciding argument itself, not a bool.
FuncResult And(Args a, Ctx) {
  for (const Value& v : a.first(a.size() - 1))
    if (!Truth(v)) return v;
  return a.back();
}

FuncResult Or(Args a, Ctx) {
  for (const Value& v : a.first(a.size() - 1))
    if (Truth(v)) return v;
  return a.back();
}

FuncResult Not(Args a, Ctx) { return !Truth(a[0]); }

FuncResult Len(Args a, Ctx) {
  if (auto* s = std::get_if<std::string>(&a[0]))
    return static_cast<int64_t>(s->size());
  if (auto* m = std::get_if<const DataMap*>(&a[0]))
    return static_cast<int64_t>((*m)->size());
  return Fail(fmt::format("len of type {}", TypeName(a[0])));
}

// index x k1 k2...: a byte of a string (as an int), or a data map entry.
FuncResult Index(Args a, Ctx) {
  Value item = a[0];
  for (const Value& key : a.subspan(1)) {
    if (auto* m = std::get_if<const DataMap*>(&item)) {
      if (!std::holds_alternative<std::string>(key))
        return Fail(
            fmt::format("value has type {}; should be string", TypeName(key)));
      auto it = (*m)->find(Str(key));
      item = it == (*m)->end() ? std::string() : it->second;
    } else if (auto* s = std::get_if<std::string>(&item)) {
      if (!std::holds_alternative<int64_t>(key))
        return Fail(fmt::format("cannot index slice/array with type {}",
                                TypeName(key)));
      if (Int(key) < 0 || Int(key) >= static_cast<int64_t>(s->size()))
        return Fail(fmt::format("index out of range: {}", Int(key)));
      item = static_cast<int64_t>(static_cast<unsigned char>((*s)[Int(key)]));
    } else {
      return Fail(fmt::format("can't index item of type {}", TypeName(item)));
    }
  }
  return item;
}

FuncResult Print(Args a, Ctx) {
  if (PrintTooLong(a)) return TooLong();
  return Sprint(a);
}
FuncResult Println(Args a, Ctx) {
  if (PrintTooLong(a)) return TooLong();
  return Sprintln(a);
}
FuncResult Printf(Args a, Ctx) {
  std::string s = Sprintf(Str(a[0]), a.subspan(1));
  if (s.size() > kMaxStringBytes) return TooLong();
  return s;
}

// html/template's HTMLEscapeString.
FuncResult Html(Args a, Ctx) {
  if (PrintTooLong(a)) return TooLong();
  static constexpr std::string_view kSpecial = "\"'&<>";
  static constexpr std::array<std::string_view, 5> kEntities = {
      "&#34;", "&#39;", "&amp;", "&lt;", "&gt;"};
  std::string out;
  for (char c : EscaperInput(a)) {
    size_t k = kSpecial.find(c);
    if (c == '\0')
      out += "\uFFFD";
    else if (k != std::string_view::npos)
      out += kEntities[k];
    else
      out += c;
  }
  return out;
}

// JSEscapeString: quotes and backslash get a backslash; <>&= and control
// characters become \uXXXX.
FuncResult Js(Args a, Ctx) {
  if (PrintTooLong(a)) return TooLong();
  std::string out;
  for (unsigned char c : EscaperInput(a)) {
    if (c == '\\' || c == '\'' || c == '"')
      out += {'\\', static_cast<char>(c)};
    else if (c == '<' || c == '>' || c == '&' || c == '=' || c < 0x20)
      out += fmt::format("\\u{:04X}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

// url.QueryEscape.
FuncResult UrlQuery(Args a, Ctx) {
  if (PrintTooLong(a)) return TooLong();
  std::string out;
  for (unsigned char c : EscaperInput(a)) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else if (c == ' ')
      out += '+';
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

FuncResult User(Args a, Ctx ctx) {
  if (ctx.user_lookup) {
    Result<std::optional<std::string>> v = ctx.user_lookup(Str(a[0]));
    if (!v) return Fail(v.error().summary);
    if (*v) return **v;
    return Fail(fmt::format("variable not set: {} (declare it in \"variables\")", Str(a[0])));
  }
  auto it = ctx.user_vars.find(Str(a[0]));
  if (it != ctx.user_vars.end()) return it->second;
  // Packer: empty everywhere but in variable defaults, which need every
  // variable they use.
  if (ctx.env_allowed)
    return Fail(
        fmt::format("variable not set: {} (variables used in variable defaults "
                    "must be defined)",
                    Str(a[0])));
  return std::string();
}

FuncResult Env(Args a, Ctx ctx) {
  if (!ctx.env_allowed)
    return Fail("env is only allowed in variable defaults; declare a variable with {{env}} as its default and use {{user}} here");
  if (ctx.getenv) return ctx.getenv(Str(a[0])).value_or("");
  const char* v = std::getenv(Str(a[0]).c_str());
  return std::string(v ? v : "");
}

FuncResult Timestamp(Args, Ctx ctx) {
  auto secs = std::chrono::floor<std::chrono::seconds>(ctx.start_time);
  return std::to_string(secs.time_since_epoch().count());
}

FuncResult Isotime(Args a, Ctx ctx) {
  if (a.size() > 1) {
    std::vector<std::string> all;
    for (const Value& v : a) all.push_back(Str(v));
    return Fail(fmt::format("wrong number of args for isotime: want at most 1 got {} ({})", all.size(),
                            fmt::join(all, " ")));
  }
  return FormatGoTime(a.empty() ? kRfc3339 : std::string_view(Str(a[0])),
                      ctx.start_time);
}

FuncResult Strftime(Args a, Ctx ctx) {
  return FormatStrftime(Str(a[0]), ctx.start_time);
}

FuncResult Uuid(Args, Ctx ctx) {
  if (ctx.uuid) return ctx.uuid();
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                  // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32,
                     (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFull);
}

FuncResult NotEmpty(const std::string& value, std::string_view what) {
  if (value.empty()) return Fail(fmt::format("{} not available", what));
  return value;
}
FuncResult BuildName(Args, Ctx ctx) {
  return NotEmpty(ctx.build_name, "build_name");
}
FuncResult BuildType(Args, Ctx ctx) {
  return NotEmpty(ctx.build_type, "build_type");
}
FuncResult TemplateDir(Args, Ctx ctx) {
  return NotEmpty(ctx.template_dir, "template path");
}
FuncResult PackerVersion(Args, Ctx ctx) {
  return NotEmpty(ctx.packer_version, "packer_version");
}

FuncResult Pwd(Args, Ctx ctx) {
  if (!ctx.pwd.empty()) return ctx.pwd;
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  if (ec) return Fail(ec.message());
  return cwd.string();
}

FuncResult Lower(Args a, Ctx) { return Lowercase(Str(a[0])); }
FuncResult Upper(Args a, Ctx) {
  std::string s = Str(a[0]);
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// split str sep i: element i of strings.Split.
FuncResult Split(Args a, Ctx) {
  auto parts = SplitString(Str(a[0]), Str(a[1]));
  int64_t i = Int(a[2]);
  if (i < 0 || i >= static_cast<int64_t>(parts.size()))
    return Fail(fmt::format("index {} is out of range: \"{}\" split on \"{}\" has {} parts", i, Str(a[0]),
                            Str(a[1]), parts.size()));
  return parts[i];
}

// replace old new n src; replace_all old new src.
FuncResult Replace(Args a, Ctx) {
  return ReplaceString(Str(a[3]), Str(a[0]), Str(a[1]), Int(a[2]));
}
FuncResult ReplaceAll(Args a, Ctx) {
  return ReplaceString(Str(a[2]), Str(a[0]), Str(a[1]), -1);
}
FuncResult CleanName(Args a, Ctx ctx) {
  if (!ctx.clean_resource_name_allowed)
    return Fail("function \"clean_resource_name\" not defined here: only amazon builders' options offer it");
  return CleanResourceName(Str(a[0]));
}

FuncResult Build(Args a, Ctx ctx) {
  // The engine leaves `build` actions in place while build_values is unset.
  if (!ctx.build_values)
    return Fail("build values are not available here: only provisioners and post-processors can use them");
  auto it = ctx.build_values->find(Str(a[0]));
  if (it == ctx.build_values->end())
    return Fail(fmt::format("the build has no value called {}", Str(a[0])));
  return it->second;
}

// Packer reads secrets only in variable defaults; kiln has no client for
// the services behind them.
FuncResult Unreachable(Ctx ctx, std::string_view service,
                       std::string_view not_here, std::string what) {
  if (!ctx.env_allowed) return Fail(std::string(not_here));
  return Fail(fmt::format(
      "could not read {}: {} is not configured (kiln has no {} client)", what,
      service, service));
}
FuncResult ConsulKey(Args a, Ctx ctx) {
  return Unreachable(ctx, "Consul", "consul_key is only allowed in variable defaults",
                     fmt::format("key \"{}\"", Str(a[0])));
}
FuncResult Vault(Args a, Ctx ctx) {
  return Unreachable(
      ctx, "Vault", "vault is only allowed in variable defaults",
      fmt::format("key \"{}\" at path \"{}\"", Str(a[1]), Str(a[0])));
}
// Packer reads AWS secrets only in variable defaults, as {{env}}.
constexpr std::string_view kAwsNotHere =
    "aws_secretsmanager is only allowed in variable defaults";
FuncResult AwsSecretResult(Result<std::string> r) {
  if (!r) return Fail(r.error().Message());
  return std::move(*r);
}
FuncResult AwsSecret(Args a, Ctx ctx) {
  if (!ctx.env_allowed) return Fail(std::string(kAwsNotHere));
  if (a.empty()) return Fail("secret name must be provided");
  if (a.size() > 2)
    return Fail("aws_secretsmanager takes a secret name and, optionally, a key");
  return AwsSecretResult(clients::aws::ReadTemplateSecret(Str(a[0]), a.size() == 2 ? Str(a[1]) : std::string()));
}
FuncResult AwsSecretRaw(Args a, Ctx ctx) {
  if (!ctx.env_allowed) return Fail("aws_secretsmanager_raw is only allowed in variable defaults");
  return AwsSecretResult(clients::aws::ReadTemplateSecret(Str(a[0]), std::nullopt));
}
FuncResult Sed(Args, Ctx) {
  return Fail("sed is deprecated and no longer available: use replace or replace_all");
}

// name, parameters, variadic, implementation.
constexpr auto kFunctions = std::to_array<Function>({
    // Go's text/template builtins.
    {"and", "aa", true, And},
    {"or", "aa", true, Or},
    {"not", "a", false, Not},
    {"len", "a", false, Len},
    {"index", "aa", true, Index},
    {"eq", "aa", true, Eq},
    {"ne", "aa", false, Ne},
    {"lt", "aa", false, Compare<true, false>},
    {"le", "aa", false, Compare<true, true>},
    {"gt", "aa", false, Compare<false, false>},
    {"ge", "aa", false, Compare<false, true>},
    {"print", "a", true, Print},
    {"println", "a", true, Println},
    {"printf", "sa", true, Printf},
    {"urlquery", "a", true, UrlQuery},
    {"js", "a", true, Js},
    {"html", "a", true, Html},
    // Packer's (template/interpolate/funcs.go).
    {"user", "s", false, User},
    {"env", "s", false, Env},
    {"timestamp", "", false, Timestamp},
    {"isotime", "s", true, Isotime},
    {"strftime", "s", false, Strftime},
    {"uuid", "", false, Uuid},
    {"build_name", "", false, BuildName},
    {"build_type", "", false, BuildType},
    {"template_dir", "", false, TemplateDir},
    {"packer_version", "", false, PackerVersion},
    {"pwd", "", false, Pwd},
    {"lower", "s", false, Lower},
    {"upper", "s", false, Upper},
    {"split", "ssi", false, Split},
    {"replace", "ssis", false, Replace},
    {"replace_all", "sss", false, ReplaceAll},
    {"clean_resource_name", "s", false, CleanName},
    {"build", "s", false, Build},
    {"consul_key", "s", false, ConsulKey},
    {"vault", "ss", false, Vault},
    {"aws_secretsmanager", "s", true, AwsSecret},
    {"aws_secretsmanager_raw", "s", false, AwsSecretRaw},
    {"sed", "ss", false, Sed},
});

}  // namespace

const Function* FindFunction(std::string_view name) {
  auto it = std::ranges::find(kFunctions, name, &Function::name);
  return it == kFunctions.end() ? nullptr : &*it;
}

std::string CleanResourceName(std::string_view s) {
  std::string out = Lowercase(std::string(s));
  for (char& c : out)
    if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) c = '-';
  return out;
}

}  // namespace kiln::interpolate
