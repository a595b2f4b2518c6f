#include "cli/template_args.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "communicators/ssh/config.h"
#include "template/hcl_loader.h"
#include "template/json_loader.h"
#include "ui/diagnostics.h"
#include "json/value.h"

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

namespace {

void RegisterSecrets(const tmpl::Template& t, const tmpl::VariableArgs& vars, bool all_passed_values,
                     ui::Output& output) {
  std::set<std::string> sensitive;
  for (const tmpl::Variable& v : t.variables) {
    if (!v.sensitive) continue;
    sensitive.insert(v.name);
    if (v.default_value) output.AddSecret(*v.default_value);
  }
  auto add = [&](const std::string& name, const std::string& value) {
    if (all_passed_values || sensitive.contains(name)) output.AddSecret(value);
  };
  for (const auto& [name, value] : vars.vars) add(name, value);
  for (const std::string& file : vars.var_files)
    if (auto values = tmpl::ReadVarFile(file))
      for (const auto& [name, value] : *values) add(name, value);
}

void InitContext(LoadedTemplate& loaded) { loaded.context = BaseInterpolationContext(loaded.tmpl.dir); }

// HCL2: variables are resolved while loading (sources need them), so the
// loader's secrets are registered before its diagnostics can be printed.
LoadedTemplate LoadHcl(const std::string& path, const TemplateArgs& args, LoadStage stage, ui::Output& output) {
  LoadedTemplate loaded;
  tmpl::HclLoadOptions options;
  options.vars = args.vars;
  options.structure_only = stage == LoadStage::kSyntax;
  tmpl::HclLoaded hcl = tmpl::LoadHclTemplate(path, options, loaded.diags);
  loaded.tmpl = std::move(hcl.tmpl);
  loaded.vars = std::move(hcl.vars);
  for (const tmpl::Variable& v : loaded.tmpl.variables)
    if (v.sensitive && v.default_value) output.AddSecret(*v.default_value);
  for (const std::string& secret : loaded.vars.secrets) output.AddSecret(secret);
  // Which values are sensitive is unknown when the variables could not be
  // read: hide every value the user passed.
  if (HasErrors(loaded.diags)) RegisterSecrets(loaded.tmpl, args.vars, true, output);
  if (HasErrors(loaded.diags) || stage == LoadStage::kSyntax) return loaded;
  InitContext(loaded);
  if (stage == LoadStage::kVariables) return loaded;
  loaded.builds = tmpl::PrepareBuilds(loaded.tmpl, loaded.vars, args.selection, loaded.context, loaded.diags);
  return loaded;
}

}  // namespace

interpolate::Context BaseInterpolationContext(const std::string& template_dir) {
  interpolate::Context ctx;
  ctx.start_time = std::chrono::system_clock::now();
  ctx.template_dir = template_dir;
  std::error_code ec;
  ctx.pwd = std::filesystem::current_path(ec).string();
  ctx.packer_version = std::string(tmpl::kPackerCompatVersion);
  return ctx;
}

LoadedTemplate LoadTemplate(const std::string& path, const TemplateArgs& args, LoadStage stage,
                            ui::Output& output) {
  LoadedTemplate loaded;
  ui::Log("loading template {} (var files: {}, -var flags: {})", path, args.vars.var_files.size(),
          args.vars.vars.size());
  if (tmpl::IsHclTemplatePath(path)) return LoadHcl(path, args, stage, output);
  loaded.tmpl = tmpl::LoadJsonTemplate(path, loaded.diags);
  // Secrets first, before anything can print them. A template with errors
  // may not say which variables are sensitive: then every value the user
  // passed is hidden rather than risk one.
  RegisterSecrets(loaded.tmpl, args.vars, /*all_passed_values=*/HasErrors(loaded.diags), output);
  if (HasErrors(loaded.diags)) return loaded;
  if (stage == LoadStage::kSyntax) return loaded;

  InitContext(loaded);
  interpolate::Context& ctx = loaded.context;

  tmpl::CheckVersion(loaded.tmpl, loaded.diags);
  loaded.vars = tmpl::ResolveVariables(loaded.tmpl, args.vars, ctx, loaded.diags);
  // Rendered values of sensitive variables ({{env}}, {{user}}) too.
  for (const std::string& secret : loaded.vars.secrets) output.AddSecret(secret);
  // Logged in full: the output masks the sensitive ones.
  for (const auto& [name, value] : loaded.vars.values) ui::Log("variable {} = {}", name, value);
  if (stage == LoadStage::kVariables || HasErrors(loaded.diags)) return loaded;

  loaded.builds = tmpl::PrepareBuilds(loaded.tmpl, loaded.vars, args.selection, ctx, loaded.diags);
  // Communicator passwords and key material are secrets whatever their source.
  for (const tmpl::PreparedBuild& b : loaded.builds) communicators::ssh::RegisterSecrets(b.builder.config);
  for (const tmpl::PreparedBuild& b : loaded.builds) ui::Log("build {}: {}", b.name, json::Dump(b.builder.config.values));
  return loaded;
}

bool ReportDiagnostics(const Diagnostics& diags, ui::Ui& ui) {
  ui::SourceCache sources;
  ui::MaskFn mask = [&ui](std::string_view text) { return ui.output().Mask(text); };
  bool errors = false;
  Diagnostics warnings, failures;
  for (const Error& e : diags) (e.warning ? warnings : failures).push_back(e);
  if (!warnings.empty()) {
    std::string text = ui::RenderDiagnostics(warnings, sources, mask);
    if (ui.machine_readable()) ui.Machine("ui", {"error", text});
    else ui.output().Err(text);
  }
  if (!failures.empty()) {
    errors = true;
    std::string text = ui::RenderDiagnostics(failures, sources, mask);
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
