// The docker-push post-processor's options: pushes a tagged image, logging
// in to the registry (or to ECR) first when asked.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::docker_push {

// Check: ecr_login needs login_server.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::docker_push
