#include "builders/docker/step_pull.h"

#include <fmt/format.h>

namespace kiln::builders::docker {
namespace {

namespace api = clients::docker;

bool ImageExists(api::DockerApi& engine, const std::string& image) { return engine.ImageInspect(image).has_value(); }

}  // namespace

engine::StepAction StepPull::Run(State& state) {
  const Config& c = state.config;
  engine::BuildContext& ctx = *state.ctx;
  api::PullOptions options;
  if (c.login) {
    options.auth = api::RegistryAuth{.username = c.login_username, .password = c.login_password, .server = c.login_server};
    ctx.ui->Say(fmt::format("Logging in to {}...", c.login_server.empty() ? "the registry" : c.login_server));
    if (auto r = state.api->Login(*options.auth); !r) return state.Halt(r.error());
  }
  if (!c.pull) {
    if (ImageExists(*state.api, c.image)) return engine::StepAction::kContinue;
    return state.Halt(MakeError(fmt::format("image {} does not exist locally", c.image),
                                "pull is false, so kiln does not fetch it: build or load it first, or set "
                                "\"pull\": true"));
  }
  ctx.ui->Say(fmt::format("Pulling Docker image: {}", c.image));
  options.on_progress = [&](const api::ProgressMessage& m) {
    if (!m.status.empty()) ctx.ui->Message(m.id.empty() ? m.status : m.id + ": " + m.status);
  };
  Result<void> pulled = state.api->ImagePull(c.image, options, *ctx.cancel);
  if (pulled) return engine::StepAction::kContinue;
  Error e = pulled.error();
  if (ImageExists(*state.api, c.image))
    e.detail += fmt::format("{}the image {} exists locally: set \"pull\": false to build from it without pulling",
                            e.detail.empty() ? "" : "; ", c.image);
  return state.Halt(std::move(e));
}

}  // namespace kiln::builders::docker
