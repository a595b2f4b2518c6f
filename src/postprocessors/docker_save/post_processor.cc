#include "postprocessors/docker_save/post_processor.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace kiln::postprocessors::docker_save {

namespace api = clients::docker;
namespace fs = std::filesystem;

Result<engine::PostProcessResult> PostProcessor::PostProcess(engine::BuildContext& ctx, engine::Artifact& input) {
  using namespace components::docker;
  using docker_common::UnknownArtifact;
  if (input.builder_id() != kImportId && input.builder_id() != kTagId)
    return std::unexpected(UnknownArtifact(
        input, "docker-save saves the image of a docker builder with commit: true, of docker-import or of docker-tag"));
  if (config_.path.empty())
    return std::unexpected(
        MakeError("docker-save: path is not set", "set \"path\" to the tar file to write, e.g. \"image.tar\""));

  Result<std::shared_ptr<api::DockerApi>> engine = connect_();
  if (!engine) return std::unexpected(engine.error());

  fs::path path = config_.path;
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return std::unexpected(MakeError(fmt::format("Error creating output file {}", path.string()), std::strerror(errno)));
  ctx.ui->Message("Saving image: " + input.id());
  Result<void> saved = (*engine)->ImageSave({input.id()}, out, *ctx.cancel);
  out.close();
  if (saved && !out) saved = std::unexpected(MakeError(fmt::format("writing {}", path.string()), "write failed"));
  if (!saved) {
    fs::remove(path, ec);  // no half-written tar left behind
    return std::unexpected(saved.error());
  }
  ctx.ui->Message("Saved to: " + path.string());

  // The same image again, as Packer passes its input on.
  ImageFacts facts{.builder_id = input.builder_id(), .id = input.id(), .tags = DockerTags(input)};
  if (nlohmann::json digest = input.State("digest"); digest.is_string()) facts.digest = digest.get<std::string>();
  return engine::PostProcessResult{.artifact = std::make_unique<ImageArtifact>(*engine, std::move(facts)),
                                   .keep_input = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeDockerSave(const tmpl::DecodedConfig& config) {
  return std::make_unique<PostProcessor>(Config{.path = config.String("path")});
}

}  // namespace kiln::postprocessors::docker_save
