#include <fmt/format.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepDeregisterAmi::Run(State& state) {
  const Config& c = state.config;
  if (!c.force_deregister) return engine::StepAction::kContinue;
  std::vector<std::string> regions = {state.ec2->region()};
  for (const std::string& r : c.ami_regions)
    if (r != state.ec2->region()) regions.push_back(r);
  for (const std::string& region : regions) {
    clients::aws::Ec2Client ec2 = state.ec2->ForRegion(region);
    clients::aws::Params p;
    clients::aws::AddList(p, "Owner", {"self"});
    clients::aws::AddFilters(p, {{"name", {c.ami_name}}});
    clients::aws::ApiResult<clients::aws::Xml> xml = ec2.Call("DescribeImages", p, state.cancel());
    if (!xml) return Fail(state, xml.error());
    for (const clients::aws::Image& im : clients::aws::ParseImages(*xml)) {
      state.ctx->ui->Say(fmt::format("Deregistered AMI {} in {} (force_deregister)", im.id, region));
      if (auto r = ec2.Call("DeregisterImage", {{"ImageId", im.id}}, state.cancel()); !r) return Fail(state, r.error());
      if (!c.force_delete_snapshot) continue;
      for (const std::string& snap : im.snapshot_ids) {
        state.ctx->ui->Say(fmt::format("Deleted snapshot {}", snap));
        if (auto r = ec2.Call("DeleteSnapshot", {{"SnapshotId", snap}}, state.cancel()); !r)
          return Fail(state, r.error());
      }
    }
  }
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
