#include "postprocessors/docker_import/post_processor.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "postprocessors/artifice/post_processor.h"

namespace kiln::postprocessors::docker_import {

namespace api = clients::docker;

Config Prepare(const tmpl::DecodedConfig& c) {
  return Config{.repository = c.String("repository"),
                .tag = c.String("tag"),
                .changes = c.Strings("changes"),
                .platform = c.String("platform")};
}

Result<engine::PostProcessResult> PostProcessor::PostProcess(engine::BuildContext& ctx, engine::Artifact& input) {
  using namespace components::docker;
  using docker_common::UnknownArtifact;
  // Only a tar on disk can be imported: the docker builder's export or artifice's files.
  std::vector<std::string> files = input.files();
  if ((input.builder_id() != kBuilderId && input.builder_id() != artifice::kBuilderId) || files.empty())
    return std::unexpected(UnknownArtifact(
        input, "docker-import takes the tar of a docker builder with export_path, or an artifice artifact; "
               "with commit: true the image is already imported, so use docker-tag instead"));
  std::string name = config_.repository;
  if (!config_.tag.empty()) name += ":" + config_.tag;

  Result<std::shared_ptr<api::DockerApi>> engine = connect_();
  if (!engine) return std::unexpected(engine.error());

  const std::string& tar_path = files.front();
  std::ifstream tar(tar_path, std::ios::binary);
  if (!tar) return std::unexpected(MakeError(fmt::format("cannot open {}", tar_path), std::strerror(errno)));
  ctx.ui->Message("Importing image: " + input.id());
  ctx.ui->Message("Repository: " + name);
  api::ByteSource source = [&tar, &tar_path](std::span<char> buf) -> Result<size_t> {
    tar.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (tar.bad()) return std::unexpected(MakeError(fmt::format("reading {}", tar_path), std::strerror(errno)));
    return static_cast<size_t>(tar.gcount());
  };
  Result<std::string> id = (*engine)->ImageImport(source,
                                                  api::ImportOptions{.repo = config_.repository,
                                                                     .tag = config_.tag,
                                                                     .changes = config_.changes,
                                                                     .platform = config_.platform},
                                                  *ctx.cancel);
  if (!id) return std::unexpected(id.error());
  ctx.ui->Message("Imported ID: " + *id);
  ImageFacts facts{.builder_id = std::string(kImportId), .id = name.empty() ? *id : name};
  return engine::PostProcessResult{.artifact = std::make_unique<ImageArtifact>(*engine, std::move(facts))};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeDockerImport(const tmpl::DecodedConfig& config) {
  return std::make_unique<PostProcessor>(Prepare(config));
}

}  // namespace kiln::postprocessors::docker_import
