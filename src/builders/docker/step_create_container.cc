#include "builders/docker/step_create_container.h"

#include <fmt/format.h>

#include "ui/output.h"

namespace kiln::builders::docker {

Result<ContainerSpec> MakeContainerSpec(const Config& c, const engine::BuildContext& ctx) {
  interpolate::Context render = ctx.interp;
  render.data = std::map<std::string, std::string>{{"Image", c.image}};
  std::vector<std::string> args;
  for (const std::string& arg : c.run_command) {
    Result<std::string> r = interpolate::Render(arg, render);
    if (!r) return std::unexpected(MakeError("run_command: " + r.error().summary, r.error().detail));
    args.push_back(*r);
  }
  Result<RunSpec> run = ParseRunCommand(args, c.image);
  if (!run) return std::unexpected(run.error());
  std::string name = "kiln-" + ctx.packer_run_uuid + "-" + ctx.build_name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') ch = '-';
  ContainerSpec spec{
      .name = name,
      .image = c.image,
      .entrypoint = run->entrypoint,
      .command = run->command,
      .env = run->env,
      .labels = run->labels,
      .tty = run->tty,
      .open_stdin = run->interactive,
      .user = run->user,
      .workdir = run->workdir,
      .network = run->network,
      .runtime = c.runtime,
      .platform = c.platform,
      .binds = run->binds,
      .devices = c.devices,
      .tmpfs = c.tmpfs,
      .cap_add = c.cap_add,
      .cap_drop = c.cap_drop,
      .privileged = c.privileged || run->privileged,
  };
  for (const auto& [host, container] : c.volumes) spec.binds.push_back(host + ":" + container);
  spec.cap_add.insert(spec.cap_add.end(), run->cap_add.begin(), run->cap_add.end());
  spec.cap_drop.insert(spec.cap_drop.end(), run->cap_drop.begin(), run->cap_drop.end());
  return spec;
}

engine::StepAction StepCreateContainer::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  Result<ContainerSpec> spec = MakeContainerSpec(state.config, ctx);
  if (!spec) return state.Halt(spec.error());
  ctx.ui->Say("Starting docker container...");
  Result<std::string> id = state.driver->RunContainer(*spec);
  if (!id) return state.Halt(id.error());
  state.container_id = *id;
  ctx.ui->Message(fmt::format("Container ID: {}", *id));
  ctx.SetBuildValue("ID", *id);
  ctx.SetBuildValue("ConnType", "docker");
  return engine::StepAction::kContinue;
}

void StepCreateContainer::Cleanup(State& state) {
  if (state.container_id.empty()) return;
  std::string id = std::exchange(state.container_id, {});
  state.ctx->ui->Say(fmt::format("Killing the container: {}", id));
  if (auto r = state.driver->RemoveContainer(id); !r)
    state.ctx->ui->Error(fmt::format("could not remove container {}: {} (remove it with: docker rm -f {})", id,
                                     r.error().Message(), id));
}

std::optional<std::string> StepCreateContainer::Leftover(const State& state) const {
  if (state.container_id.empty()) return std::nullopt;
  return fmt::format("container {} (remove it with: docker rm -f {})", state.container_id, state.container_id);
}

}  // namespace kiln::builders::docker
