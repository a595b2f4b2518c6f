// A function callable from HCL expressions, as cty's function.Function: typed
// parameters, an optional variadic one, and an implementation. The caller
// (FunctionCallExpr) checks arity, converts each argument to its parameter
// type, short-circuits unknown and null arguments unless the parameter allows
// them, strips sensitive marks and puts them back on the result.
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hcl/type.h"
#include "hcl/value.h"
#include "util/error.h"

namespace kiln::hcl {

class EvalContext;
class Expression;

struct Param {
  std::string name;
  Type type;                   // dynamic accepts anything
  bool allow_null = false;
  bool allow_unknown = false;
  bool allow_marked = false;   // receives sensitive values as they are
};

struct FunctionError {
  int arg = -1;         // index of the offending argument, -1 for the call
  std::string message;  // "the given string is not valid JSON"
};

using FunctionResult = std::expected<Value, FunctionError>;
using FunctionImpl = std::function<FunctionResult(const std::vector<Value>& args)>;

// For try() and can(): receives unevaluated argument expressions.
using LazyFunctionImpl = std::function<Value(const std::vector<std::shared_ptr<const Expression>>& args,
                                             const EvalContext* ctx, kiln::Diagnostics& diags)>;

struct Function {
  std::vector<Param> params;
  std::optional<Param> var_param;
  FunctionImpl impl;
  LazyFunctionImpl lazy;  // set instead of impl for try/can
  // Result type when some argument is unknown (default dynamic).
  Type unknown_result_type;
};

// Shorthand for building errors in implementations.
inline std::unexpected<FunctionError> FuncErr(int arg, std::string message) {
  return std::unexpected(FunctionError{arg, std::move(message)});
}

}  // namespace kiln::hcl
