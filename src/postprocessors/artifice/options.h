// The artifice post-processor's options: replaces the artifact with the
// listed files (made by provisioners, or downloaded by the file provisioner).
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::artifice {

// Check: `files` is not empty.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::artifice
