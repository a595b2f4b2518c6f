#include "builders/docker/step_commit.h"

#include <fmt/format.h>

#include "builders/docker/artifact.h"

namespace kiln::builders::docker {

engine::StepAction StepCommit::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  ctx.ui->Say("Committing the container");
  Result<std::string> image = state.driver->Commit(
      state.container_id,
      CommitOptions{.author = state.config.author, .message = state.config.message, .changes = state.config.changes});
  if (!image) return state.Halt(image.error());
  ctx.ui->Message(fmt::format("Image ID: {}", *image));
  ctx.SetBuildValue("ImageSha256", *image);
  state.artifact = std::make_unique<ImageArtifact>(state.driver, *image);
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
  if (auto r = state.driver->Export(state.container_id, path, *ctx.cancel); !r) {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // no half-written tar left behind
    return state.Halt(r.error());
  }
  state.artifact = std::make_unique<ExportArtifact>(path);
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::docker
