// The shell provisioner's options: scripts uploaded to the machine and run
// there through the communicator.
#pragma once

#include "template/schema.h"
#include "util/error.h"

namespace kiln::provisioners::shell {

// `execute_command` is deferred ({{.Path}}, {{.Vars}}, {{.EnvVarFile}}). Its
// default and env_var_format's are those without use_env_var_file; with it
// and the option unset, Packer uses "chmod +x {{.Path}}; . {{.EnvVarFile}}
// && {{.Path}}" and "export %s='%s'\n". remote_file defaults to a random
// "script_<n>.sh" and remote_path to remote_folder + "/" + remote_file.
// Check: exactly one of inline, script and scripts; the script files exist;
// environment_vars are NAME=value.
const tmpl::Schema& Options();

// `script` and each of `scripts` name existing regular files, relative to
// the working directory (as in Packer, not to the template's directory).
// Shared with shell-local, whose scripts run on this machine.
void CheckScriptFiles(const tmpl::DecodedConfig& config, Diagnostics& diags);

// Each of `environment_vars` is NAME=value with a non-empty NAME.
void CheckEnvironmentVars(const tmpl::DecodedConfig& config, Diagnostics& diags);

}  // namespace kiln::provisioners::shell
