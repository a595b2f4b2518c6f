// The docker-import post-processor: imports the tar a docker builder
// exported (export_path), or the first file of an artifice artifact, as a
// local image named repository[:tag], applying `changes`. Its artifact is
// the image (builder id packer.post-processor.docker-import, id the name);
// the input tar is not kept unless keep_input_artifact says so.
#pragma once

#include <memory>

#include "postprocessors/docker_common/engine_post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::docker_import {

struct Config {
  std::string repository;
  std::string tag;
  std::vector<std::string> changes;
  std::string platform;
};

Config Prepare(const tmpl::DecodedConfig& decoded);

class PostProcessor : public docker_common::EnginePostProcessor<Config> {
 public:
  using EnginePostProcessor::EnginePostProcessor;
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;
};

// The catalog's factory for "docker-import".
Result<std::unique_ptr<engine::PostProcessor>> MakeDockerImport(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::docker_import
