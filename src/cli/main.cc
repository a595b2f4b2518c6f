#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "cli/command.h"

namespace kiln::cli {
namespace {

constexpr Command kCommands[] = {
    {"build", "build image(s) from template", RunBuild},
    {"console", "creates a console for testing variable interpolation", RunConsole},
    {"fmt", "Rewrites HCL2 config files to canonical format", RunFmt},
    {"hcl2_upgrade", "transform a JSON template into an HCL2 configuration", RunHcl2Upgrade},
    {"inspect", "see components of a template", RunInspect},
    {"validate", "check that a template is valid", RunValidate},
    {"version", "Prints the kiln version", RunVersion},
};

std::string Usage() {
  std::string out = "Usage: kiln [--version] [--help] [-machine-readable] <command> [<args>]\n\nAvailable commands are:\n";
  for (const Command& c : kCommands) out += fmt::format("    {:<15} {}\n", c.name, c.synopsis);
  return out;
}

}  // namespace

ui::Ui MakeUi(bool machine_readable, bool color, bool timestamps) {
  bool no_color_env = std::getenv("PACKER_NO_COLOR") || std::getenv("NO_COLOR");
  ui::UiOptions options{.color = color && !no_color_env && isatty(STDOUT_FILENO),
                        .machine_readable = machine_readable,
                        .timestamps = timestamps};
  return ui::Ui(ui::Output::Process(), options);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  GlobalOptions global;
  std::size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    std::string_view flag = args[i];
    if (flag == "-machine-readable" || flag == "--machine-readable") {
      global.machine_readable = true;
    } else if (flag == "-v" || flag == "-version" || flag == "--version") {
      return RunVersion({}, global);
    } else if (flag == "-h" || flag == "-help" || flag == "--help") {
      ui::Output::Process().Out(Usage());
      return 0;
    } else {
      ui::Output::Process().Err(fmt::format("Error: unknown flag {}\n\n{}", flag, Usage()));
      return 1;
    }
  }
  if (i == args.size()) {
    ui::Output::Process().Err(Usage());
    return 127;
  }
  for (const Command& c : kCommands)
    if (c.name == args[i]) return c.run(std::span(args).subspan(i + 1), global);
  ui::Output::Process().Err(fmt::format("Error: unknown command \"{}\"\n\n{}", args[i], Usage()));
  return 127;
}

}  // namespace kiln::cli
