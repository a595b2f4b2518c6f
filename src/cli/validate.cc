#include <fmt/format.h>

#include "cli/command.h"
#include "cli/template_args.h"

namespace kiln::cli {

namespace {
constexpr std::string_view kUsage =
    "Usage: kiln validate [options] TEMPLATE\n\n"
    "  Checks that the template is valid: parses it, applies variables, and\n"
    "  checks the configuration of every builder, provisioner and\n"
    "  post-processor. Exits non-zero with the errors when it is not.\n";
}  // namespace

int RunValidate(std::span<const std::string> args, const GlobalOptions& global) {
  bool machine = global.machine_readable, syntax_only = false;
  TemplateArgs targs;
  FlagSet flags("validate");
  flags.Bool("syntax-only", &syntax_only, "Only check syntax. Do not verify config of the template.");
  AddSelectionFlags(flags, targs);
  AddVariableFlags(flags, targs);
  flags.Bool("machine-readable", &machine, "Produce machine-readable output.");
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(machine);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() != 1)
    return UsageError(ui, MakeError("validate expects exactly one TEMPLATE argument"), kUsage, flags);

  LoadedTemplate loaded = LoadTemplate(rest->front(), targs,
                                       syntax_only ? LoadStage::kSyntax : LoadStage::kPrepare, ui.output());
  if (ReportDiagnostics(loaded.diags, ui)) return 1;
  if (syntax_only) {
    ui.Raw("Syntax-only check passed. Everything looks okay.\n");
    return 0;
  }
  if (loaded.builds.empty() && !targs.selection.only.empty())
    ui.output().Err("Warning: -only matches no build; nothing was validated.\n");
  ui.Raw("The configuration is valid.\n");
  return 0;
}

}  // namespace kiln::cli
