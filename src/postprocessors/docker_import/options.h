// The docker-import post-processor's options: imports an exported container
// tarball (docker builder with export_path) as an image.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::docker_import {

// `repository` is not required when validating, as in Packer.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::docker_import
