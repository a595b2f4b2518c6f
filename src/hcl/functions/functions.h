// Packer's HCL2 function library (numeric, string, collection, encoding,
// filesystem, date and time, hash and crypto, uuid, IP network, type
// conversion, try/can, templatefile, legacy_isotime/legacy_strftime, and the
// remote-service ones that fail clearly when the service is unreachable).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "hcl/function.h"

namespace kiln::hcl {

struct FunctionOptions {
  // Directory relative file paths resolve against (path.root in Packer).
  std::string base_dir = ".";
  // When set, `env(name)` is offered and reads through this hook (Packer
  // allows env only in variable defaults: the loader decides when to set it).
  std::function<std::optional<std::string>(const std::string&)> env;
  // The clock for timestamp(); default: system clock. Tests may fix it.
  std::function<std::chrono::system_clock::time_point()> now;
};

// Every function, by name.
std::map<std::string, Function> StandardFunctions(const FunctionOptions& options = {});

}  // namespace kiln::hcl
