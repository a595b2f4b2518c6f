// The functions a template can call: Go's text/template builtins and
// Packer's own (user, env, isotime, split, build, ...).
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "interpolate/value.h"

namespace kiln::interpolate {

struct Context;

// What a function returns: a value, or the message Go's function would
// return as its error (the engine prefixes "error calling NAME: ").
using FuncResult = std::expected<Value, std::string>;

struct Function {
  std::string_view name;
  // One character per parameter, as Go declares them: 's' string, 'i' int,
  // 'a' any. The engine converts and checks arguments before the call.
  std::string_view params;
  bool variadic = false;  // the last parameter repeats zero or more times
  FuncResult (*call)(std::span<const Value> args, const Context& ctx);

  size_t min_args() const { return params.size() - (variadic ? 1 : 0); }
};

// nullptr when no such function exists.
const Function* FindFunction(std::string_view name);

// Packer's clean_resource_name (googlecompute's): lowercase, and every byte
// outside [a-z0-9] becomes '-'. Exposed for tests.
std::string CleanResourceName(std::string_view s);

}  // namespace kiln::interpolate
