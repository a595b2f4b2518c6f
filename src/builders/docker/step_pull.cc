#include "builders/docker/step_pull.h"

#include <fmt/format.h>

namespace kiln::builders::docker {

engine::StepAction StepPull::Run(State& state) {
  const Config& c = state.config;
  engine::BuildContext& ctx = *state.ctx;
  std::optional<RegistryAuth> auth;
  if (c.login) {
    auth = RegistryAuth{c.login_server, c.login_username, c.login_password};
    ctx.ui->Say(fmt::format("Logging in to {}...", c.login_server.empty() ? "the registry" : c.login_server));
    if (auto r = state.driver->Login(*auth); !r) return state.Halt(r.error());
  }
  if (!c.pull) {
    if (state.driver->ImageExists(c.image)) return engine::StepAction::kContinue;
    return state.Halt(MakeError(fmt::format("image {} does not exist locally", c.image),
                                "pull is false, so kiln does not fetch it: build or load it first, or set "
                                "\"pull\": true"));
  }
  ctx.ui->Say(fmt::format("Pulling Docker image: {}", c.image));
  Result<void> pulled = state.driver->Pull(
      c.image, auth, [&](std::string_view line) { ctx.ui->Message(line); }, *ctx.cancel);
  if (pulled) return engine::StepAction::kContinue;
  Error e = pulled.error();
  if (state.driver->ImageExists(c.image))
    e.detail += fmt::format("{}the image {} exists locally: set \"pull\": false to build from it without pulling",
                            e.detail.empty() ? "" : "; ", c.image);
  return state.Halt(std::move(e));
}

}  // namespace kiln::builders::docker
