// The docker-save post-processor: writes `docker save` of the image a docker
// builder (commit), docker-import or docker-tag made to the tar file `path`
// (its directory created if missing; a half-written file is removed). The
// image is its artifact again, unchanged, and its input is kept (as Packer).
#pragma once

#include <memory>
#include <string>

#include "postprocessors/docker_common/engine_post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::docker_save {

struct Config {
  std::string path;
};

class PostProcessor : public docker_common::EnginePostProcessor<Config> {
 public:
  using EnginePostProcessor::EnginePostProcessor;
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;
};

// The catalog's factory for "docker-save".
Result<std::unique_ptr<engine::PostProcessor>> MakeDockerSave(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::docker_save
