#include "provisioners/shell/options.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "provisioners/shell/provisioner.h"

namespace kiln::provisioners::shell {
namespace {

using enum tmpl::OptionKind;

// Paths are relative to the working directory, as in Packer (not to the
// template's directory).
void CheckScript(const tmpl::DecodedConfig& c, const nlohmann::json& path, const std::string& at,
                 Diagnostics& diags) {
  if (!path.is_string()) return;
  const std::string& text = path.get_ref<const std::string&>();
  std::error_code ec;
  std::filesystem::file_status st = std::filesystem::status(text, ec);
  if (!std::filesystem::exists(st))
    diags.push_back(MakeError(c.At(at), fmt::format("script file '{}' does not exist", text),
                              "relative paths start from the directory kiln runs in, not the template's"));
  else if (!std::filesystem::is_regular_file(st))
    diags.push_back(MakeError(c.At(at), fmt::format("script '{}' is not a regular file", text),
                              "name a script file, not a directory"));
}

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  std::vector<std::string_view> given;
  for (std::string_view name : {"inline", "script", "scripts"})
    if (c.Given(name)) given.push_back(name);
  if (given.empty())
    diags.push_back(MakeError(c.where, "exactly one of inline, script or scripts must be set",
                              "set inline to a list of commands, script to a file, or scripts to a list of files"));
  if (given.size() > 1)
    diags.push_back(MakeError(c.where, "exactly one of inline, script or scripts must be set",
                              fmt::format("{} and {} are both set; keep one", given[0], given[1])));
  CheckScriptFiles(c, diags);
  CheckEnvironmentVars(c, diags);
}

}  // namespace

void CheckScriptFiles(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c.Given("script")) CheckScript(c, c["script"], "script", diags);
  if (c.Given("scripts")) {
    const nlohmann::json& scripts = c["scripts"];
    for (std::size_t i = 0; i < scripts.size(); ++i)
      CheckScript(c, scripts[i], fmt::format("scripts[{}]", i), diags);
  }
}

void CheckEnvironmentVars(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  const nlohmann::json& vars = c["environment_vars"];
  for (std::size_t i = 0; vars.is_array() && i < vars.size(); ++i) {
    std::string text = vars[i].is_string() ? vars[i].get<std::string>() : std::string();
    std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      diags.push_back(MakeError(c.At(fmt::format("environment_vars[{}]", i)),
                                fmt::format("environment variable '{}' is not NAME=value", text),
                                "write each entry as NAME=value, with a non-empty NAME"));
  }
}

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "shell",
      .options = {
          {.name = "inline", .kind = kStringList},
          {.name = "script"},
          {.name = "scripts", .kind = kStringList},
          {.name = "binary", .kind = kBool},
          {.name = "environment_vars", .kind = kStringList},
          {.name = "env", .kind = kStringMap},
          {.name = "env_var_format", .default_value = std::string(kDefaultEnvVarFormat)},
          {.name = "use_env_var_file", .kind = kBool},
          {.name = "execute_command", .default_value = std::string(kDefaultExecuteCommand), .deferred = true},
          {.name = "inline_shebang", .default_value = "/bin/sh -e"},
          {.name = "remote_folder", .default_value = "/tmp"},
          {.name = "remote_file"},
          {.name = "remote_path"},
          {.name = "expect_disconnect", .kind = kBool},
          {.name = "valid_exit_codes", .kind = kIntList, .default_value = nlohmann::json::array({0})},
          {.name = "skip_clean", .kind = kBool},
          {.name = "start_retry_timeout", .kind = kDuration, .default_value = "5m"},
          {.name = "pause_after", .kind = kDuration},
      },
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::provisioners::shell
