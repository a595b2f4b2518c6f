#include "builders/null/step_connect.h"

#include "communicators/none/communicator.h"
#include "communicators/ssh/communicator.h"

namespace kiln::builders::null {

engine::StepAction StepConnect::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  const communicators::ssh::Config& ssh = state.config.ssh;
  ctx.SetBuildValue("ConnType", state.config.communicator);
  if (state.config.communicator == "none") {
    state.comm = std::make_unique<communicators::none::NoneCommunicator>();
    return engine::StepAction::kContinue;
  }
  ctx.SetBuildValue("Host", ssh.host);
  ctx.SetBuildValue("Port", std::to_string(ssh.port));
  ctx.SetBuildValue("User", ssh.credentials.username);
  ctx.SetBuildValue("Password", ssh.credentials.password);
  Result<std::unique_ptr<communicators::ssh::SshCommunicator>> comm =
      communicators::ssh::Connect(ssh, *ctx.ui, *ctx.cancel);
  if (!comm) return state.Halt(comm.error());
  state.comm = std::move(*comm);
  return engine::StepAction::kContinue;
}

engine::StepAction StepProvision::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  Result<void> provisioned = state.hook->Run(ctx, *state.comm);
  if (provisioned) return engine::StepAction::kContinue;
  if (ctx.on_error == engine::OnError::kRunCleanupProvisioner && !ctx.cancel->cancelled())
    state.hook->RunErrorCleanup(ctx, *state.comm);
  return state.Halt(provisioned.error());
}

}  // namespace kiln::builders::null
