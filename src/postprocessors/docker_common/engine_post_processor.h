// What the docker post-processors (docker-import, docker-tag, docker-push,
// docker-save) have in common: their typed Config, and how they reach the
// engine, a fake in their tests.
#pragma once

#include <string_view>

#include "clients/docker/engine_client.h"
#include "components/docker/image_artifact.h"
#include "engine/post_processor.h"

namespace kiln::postprocessors::docker_common {

template <typename Config>
class EnginePostProcessor : public engine::PostProcessor {
 public:
  explicit EnginePostProcessor(Config config, clients::docker::ApiFactory connect = clients::docker::ConnectToEngine)
      : config_(std::move(config)), connect_(std::move(connect)) {}

 protected:
  Config config_;
  clients::docker::ApiFactory connect_;
};

// "Unknown artifact type: ID" with what `accepts` says, as Packer words it.
Error UnknownArtifact(const engine::Artifact& artifact, std::string_view accepts);

}  // namespace kiln::postprocessors::docker_common
