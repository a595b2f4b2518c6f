#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "cli/template_args.h"
#include "hcl/eval.h"
#include "hcl/parser.h"
#include "template/hcl_loader.h"
#include "ui/diagnostics.h"

namespace kiln::cli {

namespace {

constexpr std::string_view kUsage =
    "Usage: kiln console [options] [TEMPLATE]\n\n"
    "  Evaluates HCL2 expressions, one per line, read from standard input,\n"
    "  in the scope of TEMPLATE (a .pkr.hcl file or a directory): var.*,\n"
    "  local.*, data.*, path.*, packer.version and the functions. Without a\n"
    "  template only functions, path and packer are available. Type 'exit'\n"
    "  to leave.\n";

// Values as Packer's console shows them: a string bare, others in HCL syntax.
std::string Printable(const hcl::Value& v) {
  if (v.is_known() && !v.is_null() && v.type().kind() == hcl::TypeKind::kString) return v.AsString();
  return v.UnmarkedDeep().DebugString();
}

}  // namespace

int RunConsole(std::span<const std::string> args, const GlobalOptions& global) {
  TemplateArgs targs;
  FlagSet flags("console");
  AddVariableFlags(flags, targs);
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(global.machine_readable);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() > 1) return UsageError(ui, MakeError("console expects at most one TEMPLATE argument"), kUsage, flags);

  ui::SourceCache sources;
  ui::MaskFn mask = [&ui](std::string_view text) { return ui.output().Mask(text); };
  std::shared_ptr<const hcl::EvalContext> ctx;
  if (rest->empty()) {
    ctx = tmpl::EmptyTemplateContext();
  } else {
    if (!tmpl::IsHclTemplatePath(rest->front())) {
      ui.output().Err("Error: kiln console evaluates HCL2 expressions; give a .pkr.hcl file or a directory\n");
      return 1;
    }
    LoadedTemplate loaded;
    tmpl::HclLoadOptions options;
    options.vars = targs.vars;
    tmpl::HclLoaded hcl = tmpl::LoadHclTemplate(rest->front(), options, loaded.diags);
    for (const std::string& secret : hcl.vars.secrets) ui.output().AddSecret(secret);
    if (!hcl.context) {
      ReportDiagnostics(loaded.diags, ui);
      return 1;
    }
    ctx = hcl.context;
  }

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
    Diagnostics diags;
    hcl::ExprPtr expr = hcl::ParseExpression(line, "<console-input>", diags, {.line = n, .column = 1, .byte = 0});
    hcl::Value v;
    if (expr && !HasErrors(diags)) v = expr->Evaluate(ctx.get(), diags);
    if (HasErrors(diags)) {
      // The console's input is not a file: say what was typed, and why.
      std::string text;
      for (const Error& e : diags)
        if (!e.warning) text += fmt::format("Error: {}\n\n  {}\n\n{}\n", e.summary, line, e.detail);
      ui.output().Err(text);
      failed = true;
      continue;
    }
    ui.output().Out(Printable(v) + "\n");
  }
  return failed && !interactive ? 1 : 0;
}

}  // namespace kiln::cli
