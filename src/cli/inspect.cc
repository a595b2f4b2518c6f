#include <fmt/format.h>

#include <algorithm>

#include "cli/command.h"
#include "cli/template_args.h"
#include "template/hcl_loader.h"
#include "ui/masker.h"

namespace kiln::cli {

namespace {

constexpr std::string_view kUsage =
    "Usage: kiln inspect [options] TEMPLATE\n\n"
    "  Shows the variables, builds, provisioners and post-processors of a\n"
    "  template. Sensitive variables show as <sensitive>.\n";

std::size_t Widest(const std::vector<std::string>& names) {
  std::size_t w = 0;
  for (const std::string& n : names) w = std::max(w, n.size());
  return w;
}

void Section(ui::Ui& ui, std::string_view heading, const std::vector<std::string>& lines,
             std::string_view empty) {
  ui.Raw(fmt::format("{}\n\n", heading));
  if (lines.empty()) ui.Raw(fmt::format("  {}\n", empty));
  for (const std::string& line : lines) ui.Raw(fmt::format("  {}\n", line));
  ui.Raw("\n");
}

}  // namespace

int RunInspect(std::span<const std::string> args, const GlobalOptions& global) {
  bool machine = global.machine_readable;
  TemplateArgs targs;
  FlagSet flags("inspect");
  AddSelectionFlags(flags, targs);
  AddVariableFlags(flags, targs);
  flags.Bool("machine-readable", &machine, "Produce machine-readable output.");
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(machine);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() != 1)
    return UsageError(ui, MakeError("inspect expects exactly one TEMPLATE argument"), kUsage, flags);

  LoadedTemplate loaded = LoadTemplate(rest->front(), targs, LoadStage::kSyntax, ui.output());
  if (ReportDiagnostics(loaded.diags, ui)) return 1;
  const tmpl::Template& t = loaded.tmpl;

  ui.Raw(tmpl::IsHclTemplatePath(t.path) ? "kiln inspect: HCL2 template\n" : "kiln inspect: JSON template\n");
  if (!t.description.empty()) ui.Raw(fmt::format("Description:\n\n  {}\n\n", t.description));

  // Variables: required ones first, then the others with their defaults,
  // each group sorted by name.
  std::vector<const tmpl::Variable*> required, optional;
  for (const tmpl::Variable& v : t.variables) (v.default_value ? optional : required).push_back(&v);
  auto by_name = [](const tmpl::Variable* a, const tmpl::Variable* b) { return a->name < b->name; };
  std::sort(required.begin(), required.end(), by_name);
  std::sort(optional.begin(), optional.end(), by_name);
  std::vector<std::string> names;
  for (const tmpl::Variable& v : t.variables) names.push_back(v.name);
  std::size_t width = Widest(names) + 1;
  std::vector<std::string> lines;
  for (const tmpl::Variable* v : required) {
    ui.Machine("template-variable", {v->name, "", "1"});
    lines.push_back(v->name);
  }
  if (!required.empty()) Section(ui, "Required variables:", lines, "");
  lines.clear();
  for (const tmpl::Variable* v : optional) {
    std::string value = v->sensitive ? std::string(ui::kMask) : *v->default_value;
    ui.Machine("template-variable", {v->name, value, "0"});
    lines.push_back(fmt::format("{:<{}} = {}", v->name, width, value));
  }
  if (!optional.empty() || required.empty())
    Section(ui, required.empty() ? "Variables:" : "Optional variables and their defaults:", lines,
            "<No variables>");

  lines.clear();
  names.clear();
  for (const tmpl::Component& b : t.builders) names.push_back(b.name);
  width = Widest(names);
  for (const tmpl::Component& b : t.builders) {
    ui.Machine("template-builder", {b.name, b.type});
    lines.push_back(b.name == b.type ? b.name : fmt::format("{:<{}} ({})", b.name, width, b.type));
  }
  Section(ui, "Builders:", lines, "<No builders>");

  lines.clear();
  for (const tmpl::Provisioner& p : t.provisioners) {
    ui.Machine("template-provisioner", {p.type});
    lines.push_back(p.type);
  }
  Section(ui, "Provisioners:", lines, "<No provisioners>");

  lines.clear();
  for (std::size_t i = 0; i < t.post_processors.size(); ++i) {
    std::string chain;
    for (const tmpl::PostProcessor& pp : t.post_processors[i]) {
      ui.Machine("template-post-processor", {std::to_string(i + 1), pp.name, pp.type});
      std::string item = pp.name == pp.type ? pp.type : fmt::format("{} ({})", pp.name, pp.type);
      chain += (chain.empty() ? "" : " -> ") + item;
    }
    lines.push_back(fmt::format("{}: {}", i + 1, chain));
  }
  Section(ui, "Post-processors:", lines, "<No post-processors>");

  ui.Raw("Note: names and values that use variables or functions such as\n"
         "'timestamp' are shown as written; they are rendered at build time.\n");
  return 0;
}

}  // namespace kiln::cli
