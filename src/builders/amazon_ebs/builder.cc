#include "builders/amazon_ebs/builder.h"

#include <fmt/format.h>

#include <random>

#include "builders/amazon_ebs/steps.h"
#include "communicators/ssh/communicator.h"
#include "engine/step_runner.h"
#include "ui/output.h"

namespace kiln::builders::amazon_ebs {
namespace {

std::string RandomId() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

Result<std::unique_ptr<engine::Communicator>> ConnectSsh(const communicators::ssh::Config& config, ui::Ui& ui,
                                                          const CancelToken& cancel) {
  Result<std::unique_ptr<communicators::ssh::SshCommunicator>> comm = communicators::ssh::Connect(config, ui, cancel);
  if (!comm) return std::unexpected(comm.error());
  return std::unique_ptr<engine::Communicator>(std::move(*comm));
}

}  // namespace

Builder::Builder(Config config, CommunicatorFactory connect)
    : config_(std::move(config)), connect_(connect ? std::move(connect) : CommunicatorFactory(ConnectSsh)) {}

Result<std::unique_ptr<engine::Artifact>> Builder::Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) {
  std::string region = config_.region.empty() ? clients::aws::DefaultRegion(config_.credentials.profile) : config_.region;
  if (region.empty())
    return std::unexpected(MakeError("amazon-ebs: no region", "set region in the template, or AWS_REGION"));
  Result<clients::aws::Credentials> creds = clients::aws::ResolveCredentials(config_.credentials, *ctx.cancel);
  if (!creds) return std::unexpected(creds.error());
  ui::Output::Process().AddSecret(creds->secret_access_key);
  if (!creds->session_token.empty()) ui::Output::Process().AddSecret(creds->session_token);
  ui::Log("amazon-ebs: credentials from {}", creds->source);

  State state;
  state.ctx = &ctx;
  state.config = config_;
  state.hook = &hook;
  state.connect = connect_;
  state.run_id = RandomId();
  state.wait = clients::aws::MakeWaitOptions(config_.poll_delay_seconds, config_.poll_max_attempts);
  state.ec2 = std::make_shared<clients::aws::Ec2Client>(clients::aws::ClientOptions{
      .region = region,
      .endpoint = config_.endpoint,
      .creds = *creds,
      .insecure = config_.insecure_skip_tls_verify,
      .max_retries = config_.max_retries,
  });

  engine::Steps<State> steps;
  steps.push_back(std::make_unique<StepPreValidate>());
  steps.push_back(std::make_unique<StepSourceAmiInfo>());
  steps.push_back(std::make_unique<StepKeyPair>());
  steps.push_back(std::make_unique<StepSecurityGroup>());
  steps.push_back(std::make_unique<StepCleanupVolumes>());
  steps.push_back(std::make_unique<StepRunSourceInstance>());
  steps.push_back(std::make_unique<StepProvision>());
  steps.push_back(std::make_unique<StepStopInstance>());
  steps.push_back(std::make_unique<StepDeregisterAmi>());
  steps.push_back(std::make_unique<StepCreateAmi>());
  steps.push_back(std::make_unique<StepAmiRegionCopy>());
  steps.push_back(std::make_unique<StepModifyAmiAttributes>());
  steps.push_back(std::make_unique<StepCreateTags>());

  if (std::optional<Error> error = engine::RunSteps(steps, state)) return std::unexpected(*error);
  return std::move(state.artifact);
}

Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& decoded) {
  return engine::MakeBuilderFrom<Builder>(Prepare(decoded));
}

}  // namespace kiln::builders::amazon_ebs
