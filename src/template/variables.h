// User variables of a JSON template: defaults, -var-file files and -var
// pairs combined with Packer's precedence (defaults < files in order < -var,
// whatever the order on the command line), then rendered, since values may
// use {{env}} and refer to other variables with {{user}}.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "interpolate/engine.h"
#include "template/template.h"

namespace kiln::tmpl {

struct VariableArgs {
  std::vector<std::pair<std::string, std::string>> vars;  // -var k=v, in order
  std::vector<std::string> var_files;                      // -var-file, in order
};

struct VariableValues {
  std::map<std::string, std::string> values;
  // Values of sensitive variables, to be masked in every output.
  std::vector<std::string> secrets;
};

// Reads a -var-file: a flat JSON object of strings.
Result<std::map<std::string, std::string>> ReadVarFile(const std::string& path);

// `base` supplies env, timestamp and friends; user_vars is filled in here.
VariableValues ResolveVariables(const Template& t, const VariableArgs& args,
                                const interpolate::Context& base,
                                Diagnostics& diags);

}  // namespace kiln::tmpl
