// Reads an HCL2 template (a .pkr.hcl or .pkr.json file, or a directory of
// them) into the same Template model the JSON loader produces, so validate,
// inspect and build treat both alike.
//
// Phases, as Packer's: parse every file and check the blocks (packer,
// variable, variables, locals, local, data, source, build); then, unless
// only the structure is wanted, evaluate: variables (default < PKR_VAR_name
// < *.auto.pkrvars.hcl < -var-file < -var, each converted to its type and
// validated), locals and data sources in dependency order, then every
// source of every build with its provisioners and post-processors, giving
// the model's builders ("<type>.<name>", or "<build>.<type>.<name>" in a
// named build), provisioners (restricted with `only` to their build's
// sources) and post-processor chains. Option values become JSON values with
// the range of the HCL expression they came from.
//
// Errors are diagnostics with file:line:column; loading keeps going to
// report as many as it can. No side effects besides reading files.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "template/template.h"
#include "template/variables.h"
#include "util/error.h"

namespace kiln::hcl {
class EvalContext;
}

namespace kiln::tmpl {

// Whether `path` should be read as HCL2: a directory, or a name ending in
// .pkr.hcl, .pkr.json or .hcl.
bool IsHclTemplatePath(const std::string& path);

struct HclLoadOptions {
  VariableArgs vars;
  // Structure only (-syntax-only, inspect): variables keep their declared
  // defaults and components their types and names; nothing is evaluated
  // beyond what names need.
  bool structure_only = false;
  // The environment, for PKR_VAR_name; empty: the process's.
  std::map<std::string, std::string> env;
  bool use_process_env = true;
};

struct HclLoaded {
  Template tmpl;
  // values: empty (HCL variables are not {{user}} variables); secrets: the
  // values of sensitive variables and locals, as strings.
  VariableValues vars;
  // The scope expressions of the template see (var, local, data, path,
  // packer and the functions), once variables and locals are evaluated.
  std::shared_ptr<const hcl::EvalContext> context;
};

// The scope of an expression outside any template: functions, path, packer.
std::shared_ptr<const hcl::EvalContext> EmptyTemplateContext();

HclLoaded LoadHclTemplate(const std::string& path, const HclLoadOptions& options, Diagnostics& diags);

}  // namespace kiln::tmpl
