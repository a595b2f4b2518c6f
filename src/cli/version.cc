#include <fmt/format.h>

#include "cli/command.h"
#include "template/prepare.h"

namespace kiln::cli {

int RunVersion(std::span<const std::string> args, const GlobalOptions& global) {
  bool machine = global.machine_readable;
  for (const std::string& a : args)
    if (a == "-machine-readable" || a == "--machine-readable") machine = true;
  ui::Ui ui = MakeUi(machine);
  ui.Machine("version", {KILN_VERSION});
  ui.Machine("version-prelease", {""});
  ui.Machine("version-commit", {""});
  ui.Raw(fmt::format("kiln v{} (reads Packer {} templates)\n", KILN_VERSION, tmpl::kPackerCompatVersion));
  return 0;
}

}  // namespace kiln::cli
