#include "template/variables.h"

#include <fmt/format.h>

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

  VariableValues out;
  for (const auto& [name, value] : raw) out.values[name] = value.text;

  // Values may refer to each other in any order: render until nothing
  // changes. A chain of n references settles within n passes; more means a
  // cycle.
  interpolate::Context ctx = base;
  ctx.env_allowed = true;
  bool reported = false;
  for (std::size_t pass = 0; pass <= raw.size() + 1; ++pass) {
    ctx.user_vars = out.values;
    bool changed = false;
    for (const auto& [name, value] : raw) {
      if (!interpolate::HasActions(value.text)) continue;
      std::optional<std::string> rendered;
      if (value.node && !reported) {
        rendered = RenderAt(*value.node, ctx, fmt::format("variable {}", name), diags);
      } else {
        Result<std::string> r = interpolate::Render(value.text, ctx);
        if (r) rendered = *r;
        else if (!reported)
          diags.push_back(MakeError(fmt::format("variable {}: {}", name, r.error().summary), r.error().detail));
      }
      if (rendered && *rendered != out.values[name]) {
        out.values[name] = std::move(*rendered);
        changed = true;
      }
    }
    reported = true;
    if (!changed) break;
    if (pass == raw.size() + 1)
      diags.push_back(MakeError("variables refer to each other in a loop",
                                "break the cycle of {{user}} references between variables"));
  }

  for (const Variable& v : t.variables)
    if (v.sensitive && !out.values[v.name].empty()) out.secrets.push_back(out.values[v.name]);
  return out;
}

}  // namespace kiln::tmpl
