// Evaluation scope: variables and functions, with parent chaining (for
// expressions and splats evaluate in child scopes). The expression node
// Evaluate() methods live in eval.cc.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hcl/ast.h"
#include "hcl/function.h"
#include "hcl/value.h"

namespace kiln::hcl {

class EvalContext {
 public:
  std::map<std::string, Value> variables;
  std::map<std::string, Function> functions;

  // A child scope: sees this scope's variables and functions.
  EvalContext NewChild() const;

  const Value* LookupVariable(const std::string& name) const;
  const Function* LookupFunction(const std::string& name) const;
  const EvalContext* parent() const { return parent_; }

  // The element bound to a splat's anonymous symbol (set by SplatExpr).
  const Value* splat_item = nullptr;
  const AnonSymbolExpr* splat_symbol = nullptr;

 private:
  const EvalContext* parent_ = nullptr;
};

// Evaluates `expr`: the value, or the first error if there was one (all
// diagnostics are appended to `diags` when given).
Result<Value> EvaluateExpr(const Expression& expr, const EvalContext* ctx,
                           Diagnostics* diags = nullptr);

// Evaluates `expr` and converts it to `want`; a conversion failure is an
// "Incorrect attribute value type" error at the expression naming `what`
// (e.g. the attribute name) and the path inside the value.
Value EvaluateAs(const Expression& expr, const EvalContext* ctx, const Type& want,
                 const std::string& what, Diagnostics& diags);

// Parses a type constraint expression: string, number, bool, any,
// list(T), set(T), map(T), object({a=T}), tuple([T, ...]), optional(T)
// (only as an object attribute type). Errors at the offending part.
Type TypeConstraint(const Expression& expr, Diagnostics& diags);

}  // namespace kiln::hcl
