#include "builders/docker/step_commit.h"

#include <fmt/format.h>

#include <fstream>

#include "builders/docker/export_artifact.h"
#include "components/docker/image_artifact.h"

namespace kiln::builders::docker {
namespace {

// Streams the container's filesystem as a tar to `path`.
Result<void> ExportTo(clients::docker::DockerApi& api, const std::string& container, const std::filesystem::path& path,
                      const CancelToken& cancel) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", path.string())));
  return api.ContainerExport(container, out, cancel);
}

}  // namespace

engine::StepAction StepCommit::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  ctx.ui->Say("Committing the container");
  Result<std::string> image = state.api->ImageCommit(
      state.container_id, clients::docker::CommitOptions{
                              .author = state.config.author, .message = state.config.message, .changes = state.config.changes});
  if (!image) return state.Halt(image.error());
  ctx.ui->Message(fmt::format("Image ID: {}", *image));
  ctx.SetBuildValue("ImageSha256", *image);
  using namespace components::docker;
  state.artifact = std::make_unique<ImageArtifact>(
      state.api, ImageFacts{.builder_id = std::string(kImportId), .id = *image, .force_remove = true});
  return engine::StepAction::kContinue;
}

engine::StepAction StepExport::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  std::filesystem::path path = state.config.export_path;
  ctx.ui->Say(fmt::format("Exporting the container to {}", path.string()));
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (auto r = ExportTo(*state.api, state.container_id, path, *ctx.cancel); !r) {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // no half-written tar left behind
    return state.Halt(r.error());
  }
  state.artifact = std::make_unique<ExportArtifact>(path);
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::docker
