#include "builders/docker/step_create_container.h"

#include <fmt/format.h>

#include "ui/output.h"

namespace kiln::builders::docker {

namespace api = clients::docker;

Result<api::ContainerConfig> MakeContainerConfig(const Config& c, const engine::BuildContext& ctx) {
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
  api::ContainerConfig config{
      .image = c.image,
      .name = name,
      .cmd = run->command.empty() ? std::nullopt : std::optional(run->command),
      .entrypoint = run->entrypoint ? std::optional(std::vector<std::string>{*run->entrypoint}) : std::nullopt,
      .env = run->env,
      .user = run->user,
      .working_dir = run->workdir,
      .tty = run->tty,
      .open_stdin = run->interactive,
      .labels = run->labels,
      .host = {.binds = run->binds,
               .privileged = c.privileged || run->privileged,
               .cap_add = c.cap_add,
               .cap_drop = c.cap_drop,
               .runtime = c.runtime,
               .network_mode = run->network},
      .platform = c.platform,
  };
  api::HostConfig& host = config.host;
  for (const auto& [on_host, in_container] : c.volumes) host.binds.push_back(on_host + ":" + in_container);
  host.cap_add.insert(host.cap_add.end(), run->cap_add.begin(), run->cap_add.end());
  host.cap_drop.insert(host.cap_drop.end(), run->cap_drop.begin(), run->cap_drop.end());
  for (const std::string& t : c.tmpfs) {  // "path[:options]"
    std::size_t colon = t.find(':');
    host.tmpfs[t.substr(0, colon)] = colon == std::string::npos ? "" : t.substr(colon + 1);
  }
  for (const std::string& d : c.devices) host.devices.push_back(api::ParseDeviceMapping(d));
  return config;
}

engine::StepAction StepCreateContainer::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  Result<api::ContainerConfig> config = MakeContainerConfig(state.config, ctx);
  if (!config) return state.Halt(config.error());
  ctx.ui->Say("Starting docker container...");
  Result<api::ContainerLease> started = api::ContainerLease::Start(state.api, *config);
  if (!started) return state.Halt(started.error());
  container_ = std::move(*started);
  const std::string& id = container_.id();
  state.container_id = id;
  ctx.ui->Message(fmt::format("Container ID: {}", id));
  ctx.SetBuildValue("ID", id);
  ctx.SetBuildValue("ConnType", "docker");
  return engine::StepAction::kContinue;
}

void StepCreateContainer::Cleanup(State& state) {
  if (container_.empty()) return;
  std::string id = std::exchange(state.container_id, {});
  state.ctx->ui->Say(fmt::format("Killing the container: {}", id));
  if (auto r = container_.Reset(); !r)
    state.ctx->ui->Error(fmt::format("could not remove container {}: {} (remove it with: docker rm -f {})", id,
                                     r.error().Message(), id));
}

std::optional<std::string> StepCreateContainer::Leftover(const State&) const {
  if (container_.empty()) return std::nullopt;
  return fmt::format("container {} (remove it with: docker rm -f {})", container_.id(), container_.id());
}

void StepCreateContainer::Abandon(State& state) {
  (void)container_.Release();
  state.container_id.clear();
}

}  // namespace kiln::builders::docker
