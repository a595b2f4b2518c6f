// The manifest post-processor's options: appends a record of each build's
// artifact to a JSON file.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::manifest {

// `output` is rendered when decoded, as Packer does (no build data yet).
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::manifest
