#include <fmt/format.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/template_args.h"
#include "hcl/eval.h"
#include "hcl/parser.h"
#include "interpolate/engine.h"
#include "template/hcl_loader.h"
#include "template/variables.h"
#include "ui/diagnostics.h"

namespace kiln::cli {

namespace {

constexpr std::string_view kUsage =
    "Usage: kiln console [options] [TEMPLATE]\n\n"
    "  Evaluates one line at a time from standard input. With an HCL2\n"
    "  TEMPLATE (.pkr.hcl, .pkr.json or a directory), or -config-type=hcl2,\n"
    "  lines are HCL2 expressions over var.*, local.*, data.*, path.*,\n"
    "  packer.version and the functions. With a JSON template, or no template\n"
    "  (as Packer), lines are legacy templates: {{user `name`}}, {{timestamp}},\n"
    "  {{upper `x`}}... Type 'exit' to leave.\n";

// One console line in, its value (or the error to show) out.
using LineEvaluator = std::function<Result<std::string>(const std::string& line, int line_number)>;

// Values as Packer's console shows them: a string bare, others in HCL syntax.
std::string Printable(const hcl::Value& v) {
  if (v.is_known() && !v.is_null() && v.type().kind() == hcl::TypeKind::kString) return v.AsString();
  return v.UnmarkedDeep().DebugString();
}

// HCL2: each line is an expression in the template's scope.
std::optional<LineEvaluator> HclEvaluator(const std::optional<std::string>& path, const TemplateArgs& targs,
                                          ui::Ui& ui) {
  std::shared_ptr<const hcl::EvalContext> ctx = tmpl::EmptyTemplateContext();
  if (path) {
    Diagnostics diags;
    tmpl::HclLoadOptions options;
    options.vars = targs.vars;
    tmpl::HclLoaded hcl = tmpl::LoadHclTemplate(*path, options, diags);
    for (const std::string& secret : hcl.vars.secrets) ui.output().AddSecret(secret);
    if (!hcl.context) {
      ReportDiagnostics(diags, ui);
      return std::nullopt;
    }
    ctx = hcl.context;
  }
  return [ctx](const std::string& line, int n) -> Result<std::string> {
    Diagnostics diags;
    hcl::ExprPtr expr = hcl::ParseExpression(line, "<console-input>", diags, {.line = n, .column = 1, .byte = 0});
    hcl::Value v;
    if (expr && !HasErrors(diags)) v = expr->Evaluate(ctx.get(), diags);
    for (const Error& e : diags)
      if (!e.warning) return std::unexpected(e);
    return Printable(v);
  };
}

// JSON: each line is a legacy template rendered with the template's
// variables (or, without a template, the -var and -var-file values).
std::optional<LineEvaluator> JsonEvaluator(const std::optional<std::string>& path, const TemplateArgs& targs,
                                           ui::Ui& ui) {
  interpolate::Context ctx = BaseInterpolationContext("");
  if (path) {
    LoadedTemplate loaded = LoadTemplate(*path, targs, LoadStage::kVariables, ui.output());
    if (ReportDiagnostics(loaded.diags, ui)) return std::nullopt;
    ctx = loaded.context;
    ctx.user_vars = loaded.vars.values;
  } else {
    for (const std::string& file : targs.vars.var_files) {
      Result<std::map<std::string, std::string>> values = tmpl::ReadVarFile(file);
      if (!values) {
        ReportDiagnostics({values.error()}, ui);
        return std::nullopt;
      }
      for (const auto& [name, value] : *values) ctx.user_vars[name] = value;
    }
    for (const auto& [name, value] : targs.vars.vars) ctx.user_vars[name] = value;
  }
  return [ctx](const std::string& line, int) { return interpolate::Render(line, ctx); };
}

}  // namespace

int RunConsole(std::span<const std::string> args, const GlobalOptions& global) {
  TemplateArgs targs;
  std::string config_type;
  FlagSet flags("console");
  AddVariableFlags(flags, targs);
  flags.String("config-type", &config_type,
               "Without a template: \"json\" (legacy {{ }} templates, the default) or \"hcl2\" (expressions).");
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(global.machine_readable);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() > 1) return UsageError(ui, MakeError("console expects at most one TEMPLATE argument"), kUsage, flags);
  if (!config_type.empty() && config_type != "json" && config_type != "hcl2")
    return UsageError(ui, MakeError(fmt::format("-config-type must be \"json\" or \"hcl2\", not \"{}\"", config_type)),
                      kUsage, flags);

  std::optional<std::string> path;
  if (!rest->empty()) path = rest->front();
  bool hcl = path ? tmpl::IsHclTemplatePath(*path) : config_type == "hcl2";
  std::optional<LineEvaluator> evaluate = hcl ? HclEvaluator(path, targs, ui) : JsonEvaluator(path, targs, ui);
  if (!evaluate) return 1;

  bool interactive = isatty(STDIN_FILENO);
  bool failed = false;
  std::string line;
  int n = 0;
  while (true) {
    if (interactive) ui.output().Out("> ");
    if (!std::getline(std::cin, line)) break;
    ++n;
    if (line == "exit" || line == "quit") break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<std::string> value = (*evaluate)(line, n);
    if (!value) {
      // The console's input is not a file: say what was typed, and why.
      const Error& e = value.error();
      ui.output().Err(fmt::format("Error: {}\n\n  {}\n\n{}", e.summary, line, e.detail.empty() ? "" : e.detail + "\n"));
      failed = true;
      continue;
    }
    ui.output().Out(*value + "\n");
  }
  return failed && !interactive ? 1 : 0;
}

}  // namespace kiln::cli
