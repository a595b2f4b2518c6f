// The shell-local provisioner's options: a command or script run on the
// machine running kiln. The shell-local post-processor takes the same ones.
#pragma once

#include "template/schema.h"

namespace kiln::provisioners::shell_local {

// `execute_command` is deferred ({{.Vars}}, {{.Script}}); the defaults are
// Packer's for Unix hosts. Check: exactly one of command, inline, script and
// scripts; the script files exist (relative to the working directory);
// only_on names known systems; environment_vars are NAME=value.
const tmpl::Schema& Options();

}  // namespace kiln::provisioners::shell_local
