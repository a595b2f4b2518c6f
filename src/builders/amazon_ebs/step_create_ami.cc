#include <fmt/format.h>

#include "builders/amazon_ebs/deregister.h"
#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepCreateAmi::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  if (c.skip_create_ami) {
    ui.Say("skip_create_ami: no AMI is created");
    return engine::StepAction::kContinue;
  }
  ui.Say(fmt::format("Creating AMI {} from instance {}", c.ami_name, state.instance.id));
  clients::aws::Params p{{"InstanceId", state.instance.id}, {"Name", c.ami_name}};
  AddBlockDevices(p, c.ami_block_device_mappings);
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("CreateImage", p, state.cancel());
  if (!xml) return Fail(state, xml.error());
  image_id_ = xml->root().child_value("imageId");
  state.amis[state.ec2->region()] = image_id_;
  ui.Message(fmt::format("AMI: {}", image_id_));
  ui.Say("Waiting for AMI to become ready...");
  clients::aws::ApiResult<clients::aws::Image> ready =
      clients::aws::WaitForImageAvailable(*state.ec2, image_id_, state.wait, state.cancel());
  if (!ready) return Fail(state, ready.error());
  return engine::StepAction::kContinue;
}

void StepCreateAmi::Cleanup(State& state) {
  if (image_id_.empty()) return;
  std::string id = std::exchange(image_id_, {});
  if (!state.failed()) return;  // the AMI is the artifact
  state.ctx->ui->Say(fmt::format("Deregistering the AMI {} and deleting its snapshots because of {}", id,
                                 state.ctx->cancel->cancelled() ? "cancellation" : "an error"));
  state.amis.erase(state.ec2->region());
  DeregisterWithSnapshots(*state.ec2, id, *state.ctx->ui, state.cleanup_token);
}

std::optional<std::string> StepCreateAmi::Leftover(const State&) const {
  if (image_id_.empty()) return std::nullopt;
  return fmt::format("AMI {} (aws ec2 deregister-image --image-id {})", image_id_, image_id_);
}

}  // namespace kiln::builders::amazon_ebs
