#include "builders/docker/step_provision.h"

#include "communicators/docker/communicator.h"

namespace kiln::builders::docker {

engine::StepAction StepProvision::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  communicators::docker::DockerCommunicator comm(*state.api, state.container_id, state.config.exec_user,
                                                 state.config.fix_upload_owner);
  Result<void> provisioned = state.hook->Run(ctx, comm);
  if (provisioned) return engine::StepAction::kContinue;
  // The error-cleanup provisioner needs the machine, so it runs now.
  if (ctx.on_error == engine::OnError::kRunCleanupProvisioner && !ctx.cancel->cancelled())
    state.hook->RunErrorCleanup(ctx, comm);
  return state.Halt(provisioned.error());
}

}  // namespace kiln::builders::docker
