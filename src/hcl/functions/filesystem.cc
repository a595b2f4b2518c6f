// Filesystem functions: file, filebase64, fileexists, fileset, abspath,
// basename, dirname, pathexpand, templatefile. Relative paths resolve
// against FunctionOptions::base_dir (Packer's path.root).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "hcl/eval.h"
#include "hcl/functions/internal.h"
#include "hcl/parser.h"

namespace kiln::hcl::functions {

namespace fs = std::filesystem;

namespace {

const Type kStr = Type::String();

std::string Resolve(const FunctionOptions& opts, const std::string& path) {
  std::string p = path;
  if (p.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    if (home) p = std::string(home) + p.substr(1);
  }
  if (fs::path(p).is_absolute()) return p;
  return (fs::path(opts.base_dir) / p).lexically_normal().string();
}

bool ValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// Glob matching of one path segment: * ? [abc] [a-z] [!x] {a,b}.
bool MatchSegment(std::string_view pat, std::string_view s) {
  if (pat.empty()) return s.empty();
  char c = pat[0];
  if (c == '*') {
    for (std::size_t i = 0; i <= s.size(); ++i)
      if (MatchSegment(pat.substr(1), s.substr(i))) return true;
    return false;
  }
  if (c == '{') {
    std::size_t close = pat.find('}');
    if (close != std::string_view::npos) {
      std::string_view alts = pat.substr(1, close - 1);
      std::string_view rest = pat.substr(close + 1);
      std::size_t start = 0;
      while (true) {
        std::size_t comma = alts.find(',', start);
        std::string alt(alts.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (MatchSegment(alt + std::string(rest), s)) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return false;
    }
  }
  if (s.empty()) return false;
  if (c == '?') return MatchSegment(pat.substr(1), s.substr(1));
  if (c == '[') {
    std::size_t close = pat.find(']', 1);
    if (close != std::string_view::npos) {
      std::string_view set = pat.substr(1, close - 1);
      bool neg = !set.empty() && (set[0] == '!' || set[0] == '^');
      if (neg) set = set.substr(1);
      bool hit = false;
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (i + 2 < set.size() && set[i + 1] == '-') {
          hit |= s[0] >= set[i] && s[0] <= set[i + 2];
          i += 2;
        } else {
          hit |= s[0] == set[i];
        }
      }
      if (hit == neg) return false;
      return MatchSegment(pat.substr(close + 1), s.substr(1));
    }
  }
  if (c == '\\' && pat.size() > 1) {
    return s[0] == pat[1] && MatchSegment(pat.substr(2), s.substr(1));
  }
  return s[0] == c && MatchSegment(pat.substr(1), s.substr(1));
}

std::vector<std::string> SplitPath(const std::string& p) {
  std::vector<std::string> out;
  std::stringstream ss(p);
  std::string part;
  while (std::getline(ss, part, '/'))
    if (!part.empty() && part != ".") out.push_back(part);
  return out;
}

// "**" matches any number of segments.
bool MatchPath(const std::vector<std::string>& pat, std::size_t pi, const std::vector<std::string>& segs,
               std::size_t si) {
  if (pi == pat.size()) return si == segs.size();
  if (pat[pi] == "**") {
    for (std::size_t k = si; k <= segs.size(); ++k)
      if (MatchPath(pat, pi + 1, segs, k)) return true;
    return false;
  }
  if (si == segs.size()) return false;
  return MatchSegment(pat[pi], segs[si]) && MatchPath(pat, pi + 1, segs, si + 1);
}

}  // namespace

std::expected<std::string, FunctionError> ReadFileArg(const FunctionOptions& opts,
                                                      const std::string& path, int arg) {
  std::string full = Resolve(opts, path);
  std::error_code ec;
  if (!fs::exists(full, ec))
    return std::unexpected(FunctionError{
        arg, fmt::format("no file exists at \"{}\"; this function works only with files that are "
                         "distributed as part of the configuration source code",
                         path)});
  if (fs::is_directory(full, ec))
    return std::unexpected(FunctionError{arg, fmt::format("\"{}\" is a directory, not a file", path)});
  std::ifstream in(full, std::ios::binary);
  if (!in) return std::unexpected(FunctionError{arg, fmt::format("failed to read \"{}\"", path)});
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void AddFilesystem(FunctionMap& m, const FunctionOptions& opts) {
  m["file"] = Fn({P("path", kStr)},
                 [opts](const std::vector<Value>& a) -> FunctionResult {
                   auto data = ReadFileArg(opts, a[0].AsString(), 0);
                   if (!data) return std::unexpected(data.error());
                   if (!ValidUtf8(*data))
                     return FuncErr(0, fmt::format("contents of \"{}\" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", a[0].AsString()));
                   return Value::String(*data);
                 },
                 kStr);
  m["filebase64"] = Fn({P("path", kStr)},
                       [opts](const std::vector<Value>& a) -> FunctionResult {
                         auto data = ReadFileArg(opts, a[0].AsString(), 0);
                         if (!data) return std::unexpected(data.error());
                         return Value::String(Base64Encode(*data));
                       },
                       kStr);
  m["fileexists"] = Fn({P("path", kStr)},
                       [opts](const std::vector<Value>& a) -> FunctionResult {
                         std::string full = Resolve(opts, a[0].AsString());
                         std::error_code ec;
                         auto st = fs::status(full, ec);
                         if (ec || !fs::exists(st)) return Value::False();
                         if (fs::is_directory(st)) return FuncErr(0, fmt::format("\"{}\" is a directory, not a file", a[0].AsString()));
                         return Value::True();
                       },
                       Type::Bool());
  m["fileset"] = Fn({P("path", kStr), P("pattern", kStr)},
                    [opts](const std::vector<Value>& a) -> FunctionResult {
                      std::string root = Resolve(opts, a[0].AsString());
                      std::vector<std::string> pat = SplitPath(a[1].AsString());
                      std::vector<Value> out;
                      std::error_code ec;
                      if (!fs::is_directory(root, ec)) return Value::Set({}, kStr);
                      for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
                           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                        if (!it->is_regular_file(ec)) continue;
                        std::string rel = fs::relative(it->path(), root, ec).generic_string();
                        if (MatchPath(pat, 0, SplitPath(rel), 0)) out.push_back(Value::String(rel));
                      }
                      return Value::Set(std::move(out), kStr);
                    },
                    Type::Set(kStr));
  m["abspath"] = Fn({P("path", kStr)},
                    [](const std::vector<Value>& a) -> FunctionResult {
                      std::error_code ec;
                      fs::path p = fs::absolute(a[0].AsString(), ec);
                      if (ec) return FuncErr(0, ec.message());
                      std::string s = p.lexically_normal().string();
                      if (s.size() > 1 && s.back() == '/') s.pop_back();
                      return Value::String(s);
                    },
                    kStr);
  m["basename"] = Fn({P("path", kStr)},
                     [](const std::vector<Value>& a) -> FunctionResult {
                       std::string s = a[0].AsString();
                       if (s.empty()) return Value::String(".");
                       while (s.size() > 1 && s.back() == '/') s.pop_back();
                       if (s == "/") return Value::String("/");
                       std::size_t slash = s.rfind('/');
                       return Value::String(slash == std::string::npos ? s : s.substr(slash + 1));
                     },
                     kStr);
  m["dirname"] = Fn({P("path", kStr)},
                    [](const std::vector<Value>& a) -> FunctionResult {
                      std::string s = a[0].AsString();
                      std::size_t slash = s.rfind('/');
                      if (slash == std::string::npos) return Value::String(".");
                      std::string d = s.substr(0, slash);
                      if (d.empty()) return Value::String("/");
                      return Value::String(fs::path(d).lexically_normal().string());
                    },
                    kStr);
  m["pathexpand"] = Fn({P("path", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         const std::string& s = a[0].AsString();
                         const char* home = std::getenv("HOME");
                         if (home && (s == "~" || s.starts_with("~/"))) return Value::String(std::string(home) + s.substr(1));
                         return Value::String(s);
                       },
                       kStr);
}

Function MakeTemplateFile(const FunctionOptions& opts, FunctionMap funcs) {
  // Calls from inside a template to templatefile are an error, not a recursion.
  Function refuse = Fn({P("path", kStr), P("vars", Type::Dynamic())},
                       [](const std::vector<Value>&) -> FunctionResult {
                         return FuncErr(-1, "cannot recursively call templatefile from inside templatefile call");
                       });
  funcs["templatefile"] = refuse;
  auto shared = std::make_shared<FunctionMap>(std::move(funcs));
  return Fn({P("path", kStr), P("vars", Type::Dynamic())},
            [opts, shared](const std::vector<Value>& a) -> FunctionResult {
              const Type& vt = a[1].type();
              if (!(vt.is_map() || vt.is_object()))
                return FuncErr(1, "invalid vars value: must be a map");
              auto src = ReadFileArg(opts, a[0].AsString(), 0);
              if (!src) return std::unexpected(src.error());
              Diagnostics diags;
              std::string file = Resolve(opts, a[0].AsString());
              ExprPtr tmpl = ParseTemplate(*src, file, diags);
              if (HasErrors(diags)) return FuncErr(0, diags.front().Message());
              EvalContext ctx;
              ctx.functions = *shared;
              for (const auto& [k, v] : a[1].Attributes()) {
                if (!IsValidIdentifier(k))
                  return FuncErr(1, fmt::format("invalid template variable name \"{}\": must start with a letter, followed by zero or more letters, digits, and underscores", k));
                ctx.variables[k] = v;
              }
              Value v = tmpl->Evaluate(&ctx, diags);
              if (HasErrors(diags)) return FuncErr(0, diags.front().Message());
              return v;
            });
}

}  // namespace kiln::hcl::functions
