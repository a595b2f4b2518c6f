// The shell provisioner: uploads each script (or the inline commands,
// written to a temporary script) to the machine and runs it there through
// the communicator with `execute_command`.
//
// For each script, in order:
//   1. say "Provisioning with shell script: <local path>";
//   2. upload it to remote_path (mode 0755; CRLF line endings become LF
//      unless `binary`), then run execute_command, rendered with {{.Path}}
//      (the remote path), {{.Vars}} (the environment assignments) and
//      {{.EnvVarFile}}; upload and start are retried while the communicator
//      fails, until start_retry_timeout;
//   3. check the exit status against valid_exit_codes;
//   4. unless skip_clean, remove the remote script with "rm -f".
// Output lines stream to the Ui as they arrive: stdout as messages, stderr
// as errors (as Packer shows them). The local temporary script is removed
// when Provision returns, whatever happened.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/build_context.h"
#include "engine/provisioner.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::provisioners::shell {

// The defaults of execute_command and env_var_format. With both (and
// without use_env_var_file) the variables travel in the command's
// environment (RemoteCommand::env) and {{.Vars}} is empty, so no value
// appears on any command line; a custom execute_command that writes
// {{.Vars}} gets the assignments in its text, as in Packer.
inline constexpr std::string_view kDefaultExecuteCommand = "chmod +x {{.Path}}; {{.Vars}} {{.Path}}";
inline constexpr std::string_view kDefaultEnvVarFormat = "%s='%s' ";

// Packer's exit status for "the connection dropped while the command ran"
// (packer.CmdDisconnect); communicators may report it.
constexpr int kDisconnectStatus = 2300218;

struct Config {
  std::vector<std::string> inline_commands;  // `inline`
  std::vector<std::string> scripts;          // `script`, or `scripts`
  bool binary = false;
  std::vector<std::string> environment_vars;  // "NAME=value"
  std::map<std::string, std::string> env;
  std::string env_var_format{kDefaultEnvVarFormat};
  bool use_env_var_file = false;
  std::string execute_command{kDefaultExecuteCommand};
  std::string inline_shebang = "/bin/sh -e";
  std::string remote_folder = "/tmp";
  std::string remote_file;  // "script_<n>.sh" unless given
  std::string remote_path;  // remote_folder + "/" + remote_file unless given
  bool expect_disconnect = false;
  std::vector<int> valid_exit_codes = {0};
  bool skip_clean = false;
  std::chrono::nanoseconds start_retry_timeout = std::chrono::minutes(5);  // 0: a single attempt
  std::chrono::nanoseconds pause_after{0};
  std::string pause_after_text;  // as written, for "Pausing 10s after this provisioner..."
  // Not an option: the wait between attempts while the communicator fails.
  std::chrono::milliseconds retry_delay{2000};
};

// Reads options decoded against Options() (defaults filled). Picks the
// random remote_file when it was not given, so that every script of this
// provisioner goes to the same remote path, as in Packer.
Result<Config> Prepare(const tmpl::DecodedConfig& config);

class ShellProvisioner : public engine::Provisioner {
 public:
  explicit ShellProvisioner(Config config) : config_(std::move(config)) {}
  // Errors name the script and, for a bad exit status, the status and the
  // allowed ones. A cancelled build stops between scripts and during waits.
  Result<void> Provision(engine::BuildContext& ctx, engine::Communicator& comm) override;
  const Config& config() const { return config_; }

 private:
  Config config_;
};

// The factory the catalog registers for "shell".
Result<std::unique_ptr<engine::Provisioner>> MakeShell(const tmpl::DecodedConfig& config);

// ---- Shared with shell-local (and the shell-local post-processor) ----

// The variables scripts see, by name: PACKER_BUILD_NAME, PACKER_BUILDER_TYPE,
// PACKER_HTTP_ADDR/IP/PORT (only when the builder set the build values
// PackerHTTPAddr/IP/Port), then `environment_vars` ("NAME=value") and `env`,
// later ones winning. Unless `raw`, values from the template have single
// quotes escaped for a single-quoted shell string (' becomes '"'"').
std::map<std::string, std::string> EnvVars(const engine::BuildContext& ctx,
                                           const std::vector<std::string>& environment_vars,
                                           const std::map<std::string, std::string>& env, bool raw = false);
// {{.Vars}}: each variable, sorted by name, through `format` with Go's
// Sprintf (name, value): "A='1' B='2' " with the default format.
std::string FlattenEnvVars(const std::map<std::string, std::string>& vars, std::string_view format);
// A script's output line as shown: trailing whitespace dropped, and only
// what follows the last '\r' kept (progress bars redraw with '\r').
std::string CleanOutputLine(std::string_view line);
// "0", "0, 3".
std::string JoinCodes(const std::vector<int>& codes);
// Renders `text` with the build's context and these data fields ({{.Path}});
// the build values are data fields too ({{.ID}}), as in Packer.
Result<std::string> RenderWithData(std::string_view text, const engine::BuildContext& ctx,
                                   std::map<std::string, std::string> data);
// Writes the inline commands, each rendered with the build's context, to a
// script that starts "#!<shebang>" (no line when the shebang is empty).
Result<void> WriteInlineScript(const std::string& path, std::string_view shebang,
                               const std::vector<std::string>& commands, const engine::BuildContext& ctx);

}  // namespace kiln::provisioners::shell
