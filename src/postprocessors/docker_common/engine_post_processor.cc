#include "postprocessors/docker_common/engine_post_processor.h"

#include <fmt/format.h>

namespace kiln::postprocessors::docker_common {

Error UnknownArtifact(const engine::Artifact& artifact, std::string_view accepts) {
  return MakeError(fmt::format("Unknown artifact type: {}", artifact.builder_id()), std::string(accepts));
}

}  // namespace kiln::postprocessors::docker_common
