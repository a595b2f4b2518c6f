// The docker-tag post-processor's options: tags the image a docker builder
// or docker-import produced. It always keeps its input artifact.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::docker_tag {

// `repository` is not required when validating: Packer asks for it only at
// run time. `tag` is Packer's old name: a list too, still accepted, its
// entries added after those of `tags`.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::docker_tag
