// The shell-local provisioner: runs a command or scripts on the machine
// running kiln (not through the communicator).
//
// `command` and `inline` are written to a temporary script (first line
// "#!<inline_shebang>", mode 0700) that is removed afterwards. Each script is
// run as execute_command (["/bin/sh", "-c", "{{.Vars}} {{.Script}}"] by
// default), every element rendered with {{.Vars}} (the environment
// assignments), {{.Script}} and {{.Command}} (the script's path) and the
// build values. The child runs in its own process group with kiln's
// environment; its output lines stream to the Ui as they arrive (stdout as
// messages, stderr as errors). A cancelled build kills the group.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/build_context.h"
#include "engine/provisioner.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::provisioners::shell_local {

struct Config {
  std::vector<std::string> inline_commands;  // `inline`, or `command` as its one line
  std::vector<std::string> scripts;          // `script`, or `scripts`
  std::vector<std::string> execute_command = {"/bin/sh", "-c", "{{.Vars}} {{.Script}}"};
  std::string inline_shebang = "/bin/sh -e";
  std::vector<std::string> only_on;  // Go's names: linux, darwin, ...
  std::vector<std::string> environment_vars;
  std::map<std::string, std::string> env;
  std::string env_var_format = "%s='%s' ";
  std::string tempfile_extension;  // without the dot
  std::vector<int> valid_exit_codes = {0};
};

// Reads options decoded against Options() (defaults filled).
Result<Config> Prepare(const tmpl::DecodedConfig& config);

// Runs `config` here. Errors name the script and, for a bad exit status, the
// status and the allowed ones. Shared with the shell-local post-processor.
Result<void> Run(const Config& config, engine::BuildContext& ctx);

// The name only_on matches: "linux", "darwin", "freebsd", ...
std::string_view HostOs();

class ShellLocalProvisioner : public engine::Provisioner {
 public:
  explicit ShellLocalProvisioner(Config config) : config_(std::move(config)) {}
  // `comm` is not used: everything runs locally.
  Result<void> Provision(engine::BuildContext& ctx, engine::Communicator& comm) override;
  const Config& config() const { return config_; }

 private:
  Config config_;
};

// The factory the catalog registers for the "shell-local" provisioner.
Result<std::unique_ptr<engine::Provisioner>> MakeShellLocal(const tmpl::DecodedConfig& config);

}  // namespace kiln::provisioners::shell_local
