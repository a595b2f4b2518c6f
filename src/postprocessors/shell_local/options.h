// The shell-local post-processor's options: the shell-local provisioner's.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::shell_local {

// As the provisioner's, with one difference at run time: an execute_command
// of one element is run as ["sh", "-c", element]. It keeps its input.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::shell_local
