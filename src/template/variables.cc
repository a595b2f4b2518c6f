#include "template/variables.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "template/decode.h"
#include "util/files.h"

namespace kiln::tmpl {

Result<std::map<std::string, std::string>> ReadVarFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return std::unexpected(text.error());
  Result<json::Value> root =
      json::Parse(*text, path, {.allow_duplicate_keys = true, .ignore_trailing_data = true});
  if (!root) return std::unexpected(root.error());
  if (!root->is_object())
    return std::unexpected(MakeError(root->range, "a variable file must be an object",
                                     "write {\"name\": \"value\", ...}"));
  std::map<std::string, std::string> out;
  for (const json::Member& m : root->members) {
    if (m.value.is_null()) {  // Go leaves the string empty
      out[m.key] = "";
      continue;
    }
    if (!m.value.is_string())
      return std::unexpected(MakeError(
          m.value.range, fmt::format("variable '{}' must be a string", m.key),
          fmt::format("found {}; quote the value", json::KindName(m.value.kind))));
    out[m.key] = m.value.text;
  }
  return out;
}

namespace {

constexpr std::size_t kMaxVariableDepth = 1000;

// Where a value came from: a default keeps its node for error positions.
struct RawValue {
  std::string text;
  const json::Value* node = nullptr;
};

}  // namespace

VariableValues ResolveVariables(const Template& t, const VariableArgs& args,
                                const interpolate::Context& base, Diagnostics& diags) {
  std::map<std::string, RawValue> raw;
  for (const Variable& v : t.variables)
    if (v.default_value) raw[v.name] = {*v.default_value, &v.default_node};
  for (const std::string& path : args.var_files) {
    Result<std::map<std::string, std::string>> file = ReadVarFile(path);
    if (!file) {
      // Var files carry the secrets: name the place, never quote the line.
      Error e = file.error();
      if (e.where) {
        e.summary = fmt::format("{}:{}:{}: {}", e.where->file, e.where->start.line, e.where->start.column, e.summary);
        e.where.reset();
      }
      diags.push_back(std::move(e));
      continue;
    }
    for (auto& [name, value] : *file) raw[name] = {value, nullptr};
  }
  for (const auto& [name, value] : args.vars) raw[name] = {value, nullptr};

  for (const Variable& v : t.variables)
    if (!raw.contains(v.name))
      diags.push_back(MakeError(v.where, fmt::format("required variable not set: {}", v.name),
                                fmt::format("pass it with -var '{}=...' or in a -var-file", v.name)));

  // Values may use {{env}} and refer to each other in any order: each is
  // rendered on first use, its references first; meeting a variable that is
  // still being rendered means a cycle.
  VariableValues out;
  std::vector<std::string> rendering;  // the chain of variables in progress
  std::set<std::string> in_progress;   // the same, for O(log n) look-ups
  bool too_deep = false;               // reported once
  std::function<Result<std::optional<std::string>>(const std::string&)> lookup;
  interpolate::Context ctx = base;
  ctx.env_allowed = true;
  ctx.build_allowed = false;
  ctx.user_lookup = [&](const std::string& name) { return lookup(name); };
  lookup = [&](const std::string& name) -> Result<std::optional<std::string>> {
    if (auto done = out.values.find(name); done != out.values.end()) return done->second;
    auto it = raw.find(name);
    if (it == raw.end()) return std::nullopt;
    if (in_progress.contains(name)) {
      auto at = std::find(rendering.begin(), rendering.end(), name);
      std::string loop;
      for (; at != rendering.end(); ++at) loop += *at + " -> ";
      Error e = MakeError(fmt::format("variables refer to each other in a loop: {}{}", loop, name),
                          "break the cycle of {{user}} references");
      if (const json::Value* node = it->second.node) {
        std::size_t action = node->text.find("{{");
        e.where = node->RangeOfChars(action == std::string::npos ? 0 : action, 2);
      }
      diags.push_back(std::move(e));
      return std::string();  // reported once; the rest of the loop renders on
    }
    if (rendering.size() >= kMaxVariableDepth) {
      // Each level is a native stack frame chain: thousands would overflow it.
      if (std::exchange(too_deep, true)) return std::string();
      Error e = MakeError(fmt::format("variable {}: variables refer to each other more than {} levels deep",
                                      name, kMaxVariableDepth),
                          "shorten the chain of {{user}} references");
      if (const json::Value* node = it->second.node) {
        std::size_t action = node->text.find("{{");
        e.where = node->RangeOfChars(action == std::string::npos ? 0 : action, 2);
      }
      diags.push_back(std::move(e));
      return std::string();  // reported once; the chain renders on with ""
    }
    rendering.push_back(name);
    in_progress.insert(name);
    std::optional<std::string> rendered;
    Diagnostics local;
    if (!interpolate::HasActions(it->second.text)) {
      rendered = it->second.text;
    } else if (it->second.node) {
      rendered = RenderAt(*it->second.node, ctx, fmt::format("variable {}", name), local);
    } else if (Result<std::string> r = interpolate::Render(it->second.text, ctx)) {
      rendered = *r;
    } else {
      local.push_back(MakeError(fmt::format("variable {}: {}", name, r.error().summary), r.error().detail));
    }
    rendering.pop_back();
    in_progress.erase(name);
    if (!rendered) {
      out.values[name] = "";  // reported once, here; users of it see ""
      for (Error& e : local) diags.push_back(std::move(e));
      return std::string();
    }
    out.values[name] = *rendered;
    return rendered;
  };
  for (const auto& [name, value] : raw) (void)lookup(name);

  for (const Variable& v : t.variables)
    if (v.sensitive && !out.values[v.name].empty()) out.secrets.push_back(out.values[v.name]);
  return out;
}

}  // namespace kiln::tmpl
