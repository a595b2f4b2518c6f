#include <fmt/format.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepStopInstance::Run(State& state) {
  if (state.config.disable_stop_instance) {
    state.ctx->ui->Say("Automatic instance stop disabled; waiting for the instance to stop itself...");
  } else {
    state.ctx->ui->Say("Stopping the source instance...");
    clients::aws::Params p;
    clients::aws::AddList(p, "InstanceId", {state.instance.id});
    if (auto r = state.ec2->Call("StopInstances", p, state.cancel()); !r) return Fail(state, r.error());
  }
  state.ctx->ui->Say("Waiting for the instance to stop...");
  clients::aws::ApiResult<clients::aws::Instance> stopped =
      clients::aws::WaitForInstance(*state.ec2, state.instance.id, "stopped", state.wait, state.cancel());
  if (!stopped) return Fail(state, stopped.error());
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
