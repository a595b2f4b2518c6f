#include "hcl/functions/functions.h"

#include <fmt/format.h>

#include "hcl/eval.h"
#include "hcl/functions/internal.h"

namespace kiln::hcl {

namespace functions {

std::expected<std::int64_t, FunctionError> IntArg(const Value& v, int i) {
  if (!v.IsInteger()) return std::unexpected(FunctionError{i, "value must be a whole number"});
  auto n = v.AsInt64();
  if (!n) return std::unexpected(FunctionError{i, "value is too large"});
  return *n;
}

namespace {

// try(exprs...): the first argument that evaluates without error.
Value Try(const std::vector<std::shared_ptr<const Expression>>& args, const EvalContext* ctx,
          Diagnostics& diags) {
  if (args.empty()) {
    diags.push_back(kiln::MakeError("Not enough function arguments",
                                    "Function \"try\" expects at least one argument."));
    return Value::Unknown();
  }
  for (const auto& a : args) {
    Diagnostics local;
    Value v = a->Evaluate(ctx, local);
    if (!HasErrors(local)) {
      if (!v.IsWhollyKnown()) return Value::Unknown();
      return v;
    }
  }
  Range r = RangeBetween(args.front()->range(), args.back()->range());
  diags.push_back(ErrorAt(r, "Error in function call",
                          "Call to function \"try\" failed: no expression succeeded."));
  return Value::Unknown();
}

// can(expr): whether expr evaluates without error.
Value Can(const std::vector<std::shared_ptr<const Expression>>& args, const EvalContext* ctx,
          Diagnostics& diags) {
  if (args.size() != 1) {
    diags.push_back(ErrorAt(args.empty() ? Range{} : args[1]->range(),
                            args.empty() ? "Not enough function arguments" : "Too many function arguments",
                            "Function \"can\" expects exactly one argument."));
    return Value::Unknown(Type::Bool());
  }
  Diagnostics local;
  Value v = args[0]->Evaluate(ctx, local);
  if (HasErrors(local)) return Value::False();
  if (!v.IsWhollyKnown()) return Value::Unknown(Type::Bool());
  return Value::True();
}

}  // namespace
}  // namespace functions

std::map<std::string, Function> StandardFunctions(const FunctionOptions& options) {
  functions::FunctionMap m;
  functions::AddNumeric(m);
  functions::AddString(m);
  functions::AddCollection(m);
  functions::AddEncoding(m);
  functions::AddFilesystem(m, options);
  functions::AddDatetime(m, options);
  functions::AddCrypto(m, options);
  functions::AddNetwork(m);
  functions::AddConversion(m);
  functions::AddRemote(m);
  Function t;
  t.lazy = functions::Try;
  m["try"] = t;
  Function c;
  c.lazy = functions::Can;
  c.unknown_result_type = Type::Bool();
  m["can"] = c;
  m["templatefile"] = functions::MakeTemplateFile(options, m);
  if (options.env) {
    auto env = options.env;
    m["env"] = functions::Fn({functions::P("key", Type::String())},
                             [env](const std::vector<Value>& a) -> FunctionResult {
                               auto v = env(a[0].AsString());
                               return Value::String(v ? *v : "");
                             },
                             Type::String());
  }
  return m;
}

}  // namespace kiln::hcl
