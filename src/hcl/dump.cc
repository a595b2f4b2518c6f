#include "hcl/dump.h"

#include <fmt/format.h>

namespace kiln::hcl {

namespace {

Value DumpNative(const NativeBody& body, EvalContext& ctx, Diagnostics& diags) {
  std::map<std::string, Value> out;
  for (const NativeAttribute& a : body.attributes) {
    Value v = a.expr->Evaluate(&ctx, diags);
    out[a.name] = v;
    ctx.variables[a.name] = v;
  }
  for (const NativeBlock& b : body.blocks) {
    std::string key = b.type;
    for (const std::string& l : b.labels) key += " " + l;
    std::string unique = key;
    for (int n = 2; out.contains(unique); ++n) unique = fmt::format("{} #{}", key, n);
    EvalContext child = ctx.NewChild();
    out[unique] = DumpNative(*b.body, child, diags);
  }
  return Value::Object(std::move(out));
}

}  // namespace

Value EvaluateFileForDump(const File& file, EvalContext& ctx, Diagnostics& diags) {
  if (file.native) return DumpNative(*file.native, ctx, diags);
  std::map<std::string, Value> out;
  for (const auto& [name, a] : file.body->JustAttributes(diags)) {
    Value v = a.expr->Evaluate(&ctx, diags);
    out[name] = v;
  }
  return Value::Object(std::move(out));
}

}  // namespace kiln::hcl
