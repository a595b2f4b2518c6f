// The docker-tag post-processor: gives the image of a docker builder (commit)
// or of docker-import the names repository:tag for each of `tags` (or just
// `repository` when there are none). Its artifact (builder id
// packer.post-processor.docker-tag) is known by the last name given and
// lists every repo:tag in docker_tags. Its input is always kept: deleting the
// image just tagged would make the tags pointless (Packer's rule).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "postprocessors/docker_common/engine_post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::docker_tag {

struct Config {
  std::string repository;
  std::vector<std::string> tags;  // `tags`, then the deprecated `tag`
  bool deprecated_tag = false;    // `tag` was used
  bool force = false;             // the engine always moves a tag; kept for the record
};

Config Prepare(const tmpl::DecodedConfig& decoded);

class PostProcessor : public docker_common::EnginePostProcessor<Config> {
 public:
  using EnginePostProcessor::EnginePostProcessor;
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;
};

// The catalog's factory for "docker-tag".
Result<std::unique_ptr<engine::PostProcessor>> MakeDockerTag(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::docker_tag
