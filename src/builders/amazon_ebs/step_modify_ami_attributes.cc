#include <fmt/format.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepModifyAmiAttributes::Run(State& state) {
  const Config& c = state.config;
  if (c.ami_description.empty() && c.ami_users.empty() && c.ami_groups.empty()) return engine::StepAction::kContinue;
  Result<std::string> description = state.Render(c.ami_description, "ami_description");
  if (!description) return state.Halt(description.error());
  for (const auto& [region, id] : state.amis) {
    clients::aws::Ec2Client ec2 = state.ec2->ForRegion(region);
    state.ctx->ui->Say(fmt::format("Modifying attributes on AMI ({})...", id));
    if (!description->empty()) {
      state.ctx->ui->Message("Modifying: description");
      if (auto r = ec2.Call("ModifyImageAttribute", {{"ImageId", id}, {"Description.Value", *description}},
                            state.cancel());
          !r)
        return Fail(state, r.error());
    }
    if (!c.ami_users.empty() || !c.ami_groups.empty()) {
      state.ctx->ui->Message("Modifying: launch permissions");
      clients::aws::Params p{{"ImageId", id}};
      int n = 0;
      for (const std::string& user : c.ami_users) p.emplace_back(fmt::format("LaunchPermission.Add.{}.UserId", ++n), user);
      for (const std::string& group : c.ami_groups) p.emplace_back(fmt::format("LaunchPermission.Add.{}.Group", ++n), group);
      if (auto r = ec2.Call("ModifyImageAttribute", p, state.cancel()); !r) return Fail(state, r.error());
    }
  }
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
