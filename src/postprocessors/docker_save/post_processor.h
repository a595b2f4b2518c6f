// The docker-save post-processor: writes `docker save` of the image a docker
// builder (commit), docker-import or docker-tag made to the tar file `path`
// (its directory created if missing; a half-written file is removed). The
// image is its artifact again, unchanged, and its input is kept (as Packer).
#pragma once

#include <memory>
#include <string>

#include "engine/post_processor.h"
#include "postprocessors/docker_common/image_artifact.h"
#include "template/schema.h"

namespace kiln::postprocessors::docker_save {

struct Config {
  std::string path;
};

class PostProcessor : public engine::PostProcessor {
 public:
  explicit PostProcessor(Config config, docker_common::ApiFactory connect = docker_common::ConnectToEngine)
      : config_(std::move(config)), connect_(std::move(connect)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  Config config_;
  docker_common::ApiFactory connect_;
};

// The catalog's factory for "docker-save".
Result<std::unique_ptr<engine::PostProcessor>> MakeDockerSave(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::docker_save
