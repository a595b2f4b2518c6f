#include <fmt/format.h>

#include <fstream>

#include "cli/command.h"
#include "cli/template_args.h"
#include "template/json_loader.h"
#include "template/legacy_to_hcl.h"

namespace kiln::cli {

namespace {
constexpr std::string_view kUsage =
    "Usage: kiln hcl2_upgrade [options] TEMPLATE.json\n\n"
    "  Translates a JSON template into an HCL2 template (TEMPLATE.json.pkr.hcl\n"
    "  unless -output-file says otherwise). Values that cannot be translated\n"
    "  are kept as written, with a comment above them.\n";
}  // namespace

int RunHcl2Upgrade(std::span<const std::string> args, const GlobalOptions& global) {
  std::string output_file;
  bool annotations = false;
  FlagSet flags("hcl2_upgrade");
  flags.String("output-file", &output_file, "File where to write the HCL2 template (default: TEMPLATE.pkr.hcl).");
  flags.Bool("with-annotations", &annotations, "Add comments that explain each section.");
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(global.machine_readable);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() != 1)
    return UsageError(ui, MakeError("hcl2_upgrade expects exactly one TEMPLATE argument"), kUsage, flags);
  const std::string& input = rest->front();
  if (output_file.empty()) output_file = input + ".pkr.hcl";

  // Only the template's structure is needed: like Packer, a required
  // variable without a value does not stop the upgrade.
  TemplateArgs none;
  LoadedTemplate loaded = LoadTemplate(input, none, LoadStage::kSyntax, ui.output());
  if (ReportDiagnostics(loaded.diags, ui)) return 1;

  tmpl::UpgradeResult result = tmpl::UpgradeToHcl(loaded.tmpl, {.with_annotations = annotations});
  std::ofstream out(output_file, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(result.text.data(), static_cast<std::streamsize>(result.text.size())) || !out.flush()) {
    ui.Error(fmt::format("Error: cannot write {}", output_file));
    return 1;
  }
  for (const std::string& kept : result.untranslated)
    ui.output().Err(fmt::format("Warning: kept as written (no HCL2 equivalent): {}\n", kept));
  ui.Raw(fmt::format("Successfully created {}\n", output_file));
  return 0;
}

}  // namespace kiln::cli
