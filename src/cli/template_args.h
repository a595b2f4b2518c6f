// What validate, inspect and build share: the -var/-var-file/-only/-except
// flags, and loading a template through its stages (parse, variables,
// prepare), registering secrets with the output before anything is printed.
#pragma once

#include <string>
#include <vector>

#include "cli/flags.h"
#include "interpolate/engine.h"
#include "template/prepare.h"
#include "template/template.h"
#include "template/variables.h"
#include "ui/ui.h"

namespace kiln::cli {

struct TemplateArgs {
  tmpl::VariableArgs vars;
  tmpl::BuildSelection selection;
};

void AddVariableFlags(FlagSet& flags, TemplateArgs& args);
void AddSelectionFlags(FlagSet& flags, TemplateArgs& args);

enum class LoadStage { kSyntax, kVariables, kPrepare };

struct LoadedTemplate {
  tmpl::Template tmpl;
  tmpl::VariableValues vars;
  interpolate::Context context;  // the run's base context: start time, dirs
  std::vector<tmpl::PreparedBuild> builds;
  Diagnostics diags;
};

// The run's base context: start time, template dir (may be empty), pwd,
// packer version; no variables.
interpolate::Context BaseInterpolationContext(const std::string& template_dir);

// Loads `path` up to `stage`. Check `HasErrors(result.diags)`.
LoadedTemplate LoadTemplate(const std::string& path, const TemplateArgs& args, LoadStage stage,
                            ui::Output& output);

// Prints diagnostics (errors and warnings) through `ui`; returns true when
// any was an error.
bool ReportDiagnostics(const Diagnostics& diags, ui::Ui& ui);

// Usage errors: prints the message and the command's help, returns 1.
int UsageError(ui::Ui& ui, const Error& error, std::string_view usage, const FlagSet& flags);

}  // namespace kiln::cli
