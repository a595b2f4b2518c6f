#include "builders/null/builder.h"

#include <fmt/format.h>

#include "builders/null/artifact.h"
#include "builders/null/step_connect.h"
#include "engine/step_runner.h"

namespace kiln::builders::null {

Result<Config> Prepare(const tmpl::DecodedConfig& decoded) {
  Config config;
  config.communicator = decoded.String("communicator");
  if (config.communicator.empty()) config.communicator = "ssh";
  if (config.communicator == "none") return config;
  if (config.communicator != "ssh")
    return std::unexpected(MakeError(decoded.At("communicator"),
                                     fmt::format("kiln cannot use communicator '{}' yet", config.communicator),
                                     "use ssh, or none to run only local provisioners"));
  Result<communicators::ssh::Config> ssh = communicators::ssh::Prepare(decoded);
  if (!ssh) return std::unexpected(ssh.error());
  config.ssh = std::move(*ssh);
  return config;
}

Result<std::unique_ptr<engine::Artifact>> Builder::Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) {
  State state;
  state.ctx = &ctx;
  state.config = config_;
  state.hook = &hook;
  if (config_.communicator == "ssh") communicators::ssh::RegisterSecrets(config_.ssh);

  engine::Steps<State> steps;
  steps.push_back(std::make_unique<StepConnect>());
  steps.push_back(std::make_unique<StepProvision>());
  if (std::optional<Error> error = engine::RunSteps(steps, state)) return std::unexpected(*error);
  return std::make_unique<NullArtifact>();
}

Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& decoded) {
  return engine::MakeBuilderFrom<Builder>(Prepare(decoded));
}

}  // namespace kiln::builders::null
