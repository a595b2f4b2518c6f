#include "builders/docker/builder.h"

#include "builders/docker/step_commit.h"
#include "builders/docker/step_create_container.h"
#include "builders/docker/step_provision.h"
#include "builders/docker/step_pull.h"
#include "engine/step_runner.h"

namespace kiln::builders::docker {

Result<std::unique_ptr<engine::Artifact>> Builder::Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) {
  Result<std::shared_ptr<clients::docker::DockerApi>> api = connect_();
  if (!api) return std::unexpected(api.error());
  // An unreachable engine fails here, before any step says it started.
  if (Result<void> ping = (*api)->Ping(); !ping) return std::unexpected(ping.error());
  State state;
  state.ctx = &ctx;
  state.config = config_;
  state.api = std::move(*api);
  state.hook = &hook;

  engine::Steps<State> steps;
  steps.push_back(std::make_unique<StepPull>());
  steps.push_back(std::make_unique<StepCreateContainer>());
  steps.push_back(std::make_unique<StepProvision>());
  if (config_.commit) steps.push_back(std::make_unique<StepCommit>());
  if (!config_.export_path.empty()) steps.push_back(std::make_unique<StepExport>());
  // discard: nothing to capture; the container goes with the cleanups.

  if (std::optional<Error> error = engine::RunSteps(steps, state)) return std::unexpected(*error);
  return std::move(state.artifact);
}

Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& decoded) {
  return engine::MakeBuilderFrom<Builder>(Prepare(decoded));
}

}  // namespace kiln::builders::docker
