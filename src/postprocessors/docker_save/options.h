// The docker-save post-processor's options: saves the image to a tar file.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::docker_save {

// `path` is not required when validating, as in Packer.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::docker_save
