#include "cli/template_args.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "template/json_loader.h"
#include "ui/diagnostics.h"

namespace kiln::cli {

void AddVariableFlags(FlagSet& flags, TemplateArgs& args) {
  flags.Func("var", [&args](std::string_view kv) -> std::optional<std::string> {
    std::size_t eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) return "a variable must be given as -var 'name=value'";
    args.vars.vars.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    return std::nullopt;
  }, "Variable for templates, can be used multiple times.", "'key=value'");
  flags.Func("var-file", [&args](std::string_view path) -> std::optional<std::string> {
    args.vars.var_files.emplace_back(path);
    return std::nullopt;
  }, "JSON file containing user variables, can be used multiple times.", "path");
}

void AddSelectionFlags(FlagSet& flags, TemplateArgs& args) {
  flags.List("only", &args.selection.only, "Only run the builds with these names (globs allowed).");
  flags.List("except", &args.selection.except, "Run all builds and post-processors other than these.");
}

LoadedTemplate LoadTemplate(const std::string& path, const TemplateArgs& args, LoadStage stage,
                            ui::Output& output) {
  LoadedTemplate loaded;
  loaded.tmpl = tmpl::LoadJsonTemplate(path, loaded.diags);
  bool parsed = !HasErrors(loaded.diags);
  if (!parsed) {
    // Which variables are sensitive is unknown when the template does not
    // parse: hide every value the user passed rather than risk one.
    for (const auto& [name, value] : args.vars.vars) output.AddSecret(value);
    for (const std::string& file : args.vars.var_files)
      if (auto values = tmpl::ReadVarFile(file))
        for (const auto& [name, value] : *values) output.AddSecret(value);
    return loaded;
  }
  // Secrets first, before any stage can print: sensitive defaults, and the
  // values given for sensitive variables on the command line or in files.
  std::set<std::string> sensitive;
  for (const tmpl::Variable& v : loaded.tmpl.variables) {
    if (!v.sensitive) continue;
    sensitive.insert(v.name);
    if (v.default_value) output.AddSecret(*v.default_value);
  }
  for (const auto& [name, value] : args.vars.vars)
    if (sensitive.contains(name)) output.AddSecret(value);
  for (const std::string& file : args.vars.var_files)
    if (auto values = tmpl::ReadVarFile(file))
      for (const auto& [name, value] : *values)
        if (sensitive.contains(name)) output.AddSecret(value);
  if (stage == LoadStage::kSyntax) return loaded;

  interpolate::Context& ctx = loaded.context;
  ctx.start_time = std::chrono::system_clock::now();
  ctx.template_dir = loaded.tmpl.dir;
  std::error_code ec;
  ctx.pwd = std::filesystem::current_path(ec).string();
  ctx.packer_version = std::string(tmpl::kPackerCompatVersion);

  tmpl::CheckVersion(loaded.tmpl, loaded.diags);
  loaded.vars = tmpl::ResolveVariables(loaded.tmpl, args.vars, ctx, loaded.diags);
  // Rendered values of sensitive variables ({{env}}, {{user}}) too.
  for (const std::string& secret : loaded.vars.secrets) output.AddSecret(secret);
  if (stage == LoadStage::kVariables || HasErrors(loaded.diags)) return loaded;

  loaded.builds = tmpl::PrepareBuilds(loaded.tmpl, loaded.vars, args.selection, ctx, loaded.diags);
  return loaded;
}

bool ReportDiagnostics(const Diagnostics& diags, ui::Ui& ui) {
  ui::SourceCache sources;
  bool errors = false;
  Diagnostics warnings, failures;
  for (const Error& e : diags) (e.warning ? warnings : failures).push_back(e);
  if (!warnings.empty()) {
    std::string text = ui::RenderDiagnostics(warnings, sources);
    if (ui.machine_readable()) ui.Machine("ui", {"error", text});
    else ui.output().Err(text);
  }
  if (!failures.empty()) {
    errors = true;
    std::string text = ui::RenderDiagnostics(failures, sources);
    if (ui.machine_readable()) {
      ui.Machine("error-count", {std::to_string(failures.size())});
      ui.Machine("ui", {"error", text});
    } else {
      ui.output().Err(text);
    }
  }
  return errors;
}

int UsageError(ui::Ui& ui, const Error& error, std::string_view usage, const FlagSet& flags) {
  if (error.summary == "help") {
    ui.output().Out(fmt::format("{}\n{}", usage, flags.Help()));
    return 0;
  }
  ui.output().Err(fmt::format("Error: {}{}\n\n{}\n{}", error.summary,
                              error.detail.empty() ? "" : "\n  " + error.detail, usage, flags.Help()));
  return 1;
}

}  // namespace kiln::cli
