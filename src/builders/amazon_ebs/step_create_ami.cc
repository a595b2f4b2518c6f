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
  // Finished even if the build is cancelled meanwhile: the pending AMI's ID
  // is then known and the cleanup deregisters it.
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->CallToCompletion("CreateImage", p, state.cancel());
  if (!xml) {
    lost_ = !xml.error().cancelled();  // it may exist: the cleanup looks for it by name
    return Fail(state, xml.error());
  }
  image_id_ = xml->root().child_value("imageId");
  state.ctx->Made(AmiResource(image_id_, state.ec2->region()));
  state.amis[state.ec2->region()] = image_id_;
  ui.Message(fmt::format("AMI: {}", image_id_));
  ui.Say("Waiting for AMI to become ready...");
  clients::aws::ApiResult<clients::aws::Image> ready =
      clients::aws::WaitForImageAvailable(*state.ec2, image_id_, state.wait, state.cancel());
  if (!ready) return Fail(state, ready.error());
  return engine::StepAction::kContinue;
}

void StepCreateAmi::Cleanup(State& state) {
  std::vector<std::string> ids;
  if (!image_id_.empty()) ids.push_back(std::exchange(image_id_, {}));
  if (std::exchange(lost_, false)) {
    // CreateImage's answer was lost: ami_name is this build's (StepPreValidate).
    for (const std::string& id : FindOwnImagesByName(*state.ec2, state.config.ami_name, state.cleanup_token)) {
      ids.push_back(id);
      state.ctx->Made(AmiResource(id, state.ec2->region()));
    }
  }
  if (ids.empty() || !state.failed()) return;  // a finished build's AMI is the artifact
  state.amis.erase(state.ec2->region());
  for (const std::string& id : ids) {
    state.ctx->ui->Say(fmt::format("Deregistering the AMI {} and deleting its snapshots because of {}", id,
                                   state.ctx->cancel->cancelled() ? "cancellation" : "an error"));
    DeregisterWithSnapshots(*state.ec2, id, *state.ctx->ui, state.cleanup_token, state.ctx->resources.get());
  }
}

std::optional<std::string> StepCreateAmi::Leftover(const State&) const {
  if (image_id_.empty()) return std::nullopt;
  return fmt::format("AMI {} (aws ec2 deregister-image --image-id {})", image_id_, image_id_);
}

}  // namespace kiln::builders::amazon_ebs
