#include "postprocessors/docker_tag/post_processor.h"

#include <fmt/format.h>

namespace kiln::postprocessors::docker_tag {

namespace api = clients::docker;

Config Prepare(const tmpl::DecodedConfig& c) {
  Config config{.repository = c.String("repository"), .tags = c.Strings("tags"), .force = c.Bool("force")};
  std::vector<std::string> old = c.Strings("tag");
  config.deprecated_tag = !old.empty();
  config.tags.insert(config.tags.end(), old.begin(), old.end());
  return config;
}

Result<engine::PostProcessResult> PostProcessor::PostProcess(engine::BuildContext& ctx, engine::Artifact& input) {
  using namespace components::docker;
  using docker_common::UnknownArtifact;
  if (config_.deprecated_tag)
    ctx.ui->Say("Deprecation warning: \"tag\" has been replaced by \"tags\"; write \"tags\": [...] instead.");
  if (input.builder_id() != kImportId && input.builder_id() != kTagId)
    return std::unexpected(UnknownArtifact(
        input, "docker-tag tags the image of a docker builder with commit: true, of docker-import or of docker-tag"));
  if (config_.repository.empty())
    return std::unexpected(MakeError("docker-tag: repository is not set",
                                     "set \"repository\" to the image's name, e.g. \"registry:5000/team/app\""));

  Result<std::shared_ptr<api::DockerApi>> engine = connect_();
  if (!engine) return std::unexpected(engine.error());

  // Each tag in order; without tags the engine names the image repository:latest.
  ImageFacts facts{.builder_id = std::string(kTagId), .id = config_.repository};
  std::vector<std::string> tags = config_.tags.empty() ? std::vector<std::string>{""} : config_.tags;
  for (const std::string& tag : tags) {
    std::string name = tag.empty() ? config_.repository : config_.repository + ":" + tag;
    ctx.ui->Message("Tagging image: " + input.id());
    ctx.ui->Message("Repository: " + name);
    if (Result<void> r = (*engine)->ImageTag(input.id(), config_.repository, tag, config_.force); !r)
      return std::unexpected(r.error());
    if (!tag.empty()) facts.tags.push_back(name);
    facts.id = name;
  }
  return engine::PostProcessResult{.artifact = std::make_unique<ImageArtifact>(*engine, std::move(facts)),
                                   .keep_input = true,
                                   .force_keep = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeDockerTag(const tmpl::DecodedConfig& config) {
  return std::make_unique<PostProcessor>(Prepare(config));
}

}  // namespace kiln::postprocessors::docker_tag
