// The subcommands, as a table: name, one-line help, entry point.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ui/ui.h"

namespace kiln::cli {

struct GlobalOptions {
  bool machine_readable = false;
};

using CommandFn = int (*)(std::span<const std::string> args, const GlobalOptions& global);

struct Command {
  std::string_view name;
  std::string_view synopsis;
  CommandFn run;
};

int RunBuild(std::span<const std::string> args, const GlobalOptions& global);
int RunValidate(std::span<const std::string> args, const GlobalOptions& global);
int RunInspect(std::span<const std::string> args, const GlobalOptions& global);
int RunVersion(std::span<const std::string> args, const GlobalOptions& global);
int RunHcl2Upgrade(std::span<const std::string> args, const GlobalOptions& global);
int RunFmt(std::span<const std::string> args, const GlobalOptions& global);
int RunConsole(std::span<const std::string> args, const GlobalOptions& global);

// The process entry point: global flags, then a command. Returns the exit
// code (0 ok, 1 error, 127 unknown command).
int Main(int argc, char** argv);

// A Ui on the process's output, colored when stdout is a terminal unless
// `color` is false or PACKER_NO_COLOR/NO_COLOR is set.
ui::Ui MakeUi(bool machine_readable, bool color = true, bool timestamps = false);

}  // namespace kiln::cli
