#include "provisioners/shell_local/options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "provisioners/shell/options.h"
#include "provisioners/shell_local/provisioner.h"

namespace kiln::provisioners::shell_local {
namespace {

using enum tmpl::OptionKind;

constexpr std::array<std::string_view, 6> kSystems = {"darwin", "freebsd", "linux", "openbsd", "solaris", "windows"};

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  std::vector<std::string_view> given;
  for (std::string_view name : {"command", "inline", "script", "scripts"})
    if (c.Given(name)) given.push_back(name);
  if (given.empty())
    diags.push_back(MakeError(c.where, "exactly one of command, inline, script or scripts must be set",
                              "set command to one command, inline to a list of commands, script to a file, or "
                              "scripts to a list of files"));
  if (given.size() > 1)
    diags.push_back(MakeError(c.where, "exactly one of command, inline, script or scripts must be set",
                              fmt::format("{} and {} are both set; keep one", given[0], given[1])));
  shell::CheckScriptFiles(c, diags);

  const nlohmann::json& only_on = c["only_on"];
  for (std::size_t i = 0; only_on.is_array() && i < only_on.size(); ++i) {
    std::string name = only_on[i].is_string() ? only_on[i].get<std::string>() : std::string();
    if (std::ranges::find(kSystems, name) == kSystems.end())
      diags.push_back(MakeError(c.At(fmt::format("only_on[{}]", i)),
                                fmt::format("unknown operating system '{}' in only_on", name),
                                fmt::format("use Go's names: {}", fmt::join(kSystems, ", "))));
  }
  shell::CheckEnvironmentVars(c, diags);
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "shell-local",
      .options = {
          {.name = "command"},
          {.name = "inline", .kind = kStringList},
          {.name = "script"},
          {.name = "scripts", .kind = kStringList},
          {.name = "execute_command",
           .kind = kStringList,
           .default_value = nlohmann::json::array({"/bin/sh", "-c", "{{.Vars}} {{.Script}}"}),
           .deferred = true},
          {.name = "inline_shebang", .default_value = "/bin/sh -e"},
          {.name = "only_on", .kind = kStringList},
          {.name = "environment_vars", .kind = kStringList},
          {.name = "env", .kind = kStringMap},
          {.name = "env_var_format", .default_value = "%s='%s' "},
          {.name = "tempfile_extension"},
          {.name = "use_linux_pathing", .kind = kBool},
          {.name = "valid_exit_codes", .kind = kIntList, .default_value = nlohmann::json::array({0})},
      },
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::provisioners::shell_local
