#include <fmt/format.h>
#include <fmt/ranges.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepSecurityGroup::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  if (!c.security_group_ids.empty()) {
    state.security_group_ids = c.security_group_ids;
    return engine::StepAction::kContinue;
  }
  if (!c.security_group_filters.empty()) {
    clients::aws::Params p;
    auto filters = c.security_group_filters;
    if (!c.vpc_id.empty()) filters["vpc-id"] = {c.vpc_id};
    clients::aws::AddFilters(p, filters);
    clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeSecurityGroups", p, state.cancel());
    if (!xml) return Fail(state, xml.error());
    for (pugi::xml_node item : xml->root().child("securityGroupInfo").children("item"))
      state.security_group_ids.push_back(item.child_value("groupId"));
    if (state.security_group_ids.empty())
      return state.Halt(MakeError("no security group matches security_group_filter"));
    ui.Message(fmt::format("Found security group(s): {}", fmt::join(state.security_group_ids, ", ")));
    return engine::StepAction::kContinue;
  }

  std::string name = "kiln_" + state.run_id;
  ui.Say(fmt::format("Creating temporary security group for this instance: {}", name));
  clients::aws::Params p{{"GroupName", name}, {"GroupDescription", "Temporary group for kiln"}};
  if (!c.vpc_id.empty()) p.emplace_back("VpcId", c.vpc_id);
  // Finished even if the build is cancelled meanwhile: the group's ID is then
  // known and the cleanup deletes it.
  clients::aws::ApiResult<clients::aws::Xml> xml =
      state.ec2->CallToCompletion("CreateSecurityGroup", p, state.cancel());
  if (!xml) {
    if (!xml.error().cancelled()) lost_ = name;  // it may exist: the cleanup looks for it
    return Fail(state, xml.error());
  }
  created_ = xml->root().child_value("groupId");
  state.ctx->Made("security group " + created_);
  state.security_group_ids = {created_};
  if (auto r = clients::aws::WaitForSecurityGroup(*state.ec2, created_, state.wait, state.cancel()); !r)
    return Fail(state, r.error());

  int port = c.communicator == "none" ? 22 : c.ssh.port;
  ui.Say(fmt::format("Authorizing access to port {} from [{}] in the temporary security group...", port,
                     fmt::join(c.temporary_security_group_source_cidrs, " ")));
  clients::aws::Params ingress{{"GroupId", created_},
                               {"IpPermissions.1.IpProtocol", "tcp"},
                               {"IpPermissions.1.FromPort", std::to_string(port)},
                               {"IpPermissions.1.ToPort", std::to_string(port)}};
  for (size_t i = 0; i < c.temporary_security_group_source_cidrs.size(); ++i)
    ingress.emplace_back(fmt::format("IpPermissions.1.IpRanges.{}.CidrIp", i + 1),
                         c.temporary_security_group_source_cidrs[i]);
  if (auto r = state.ec2->Call("AuthorizeSecurityGroupIngress", ingress, state.cancel()); !r)
    return Fail(state, r.error());
  return engine::StepAction::kContinue;
}

void StepSecurityGroup::Cleanup(State& state) {
  if (created_.empty() && !lost_.empty()) {
    // CreateSecurityGroup's answer was lost: find the group by its unique name.
    clients::aws::Params p;
    clients::aws::AddFilters(p, {{"group-name", {std::exchange(lost_, {})}}});
    if (clients::aws::ApiResult<clients::aws::Xml> xml =
            state.ec2->Call("DescribeSecurityGroups", p, state.cleanup_token)) {
      pugi::xml_node item = xml->root().child("securityGroupInfo").child("item");
      if (item) {
        created_ = item.child_value("groupId");
        state.ctx->Made("security group " + created_);
      }
    }
  }
  if (created_.empty()) return;
  std::string id = std::exchange(created_, {});
  state.ctx->ui->Say("Deleting temporary security group...");
  // The terminated instance may hold the group a little longer.
  for (int attempt = 1;; ++attempt) {
    clients::aws::ApiResult<clients::aws::Xml> r =
        state.ec2->Call("DeleteSecurityGroup", {{"GroupId", id}}, state.cleanup_token);
    if (r) {
      state.ctx->Removed("security group " + id);
      return;
    }
    if (r.error().code == "DependencyViolation" && attempt < 30) {
      state.cleanup_token.SleepFor(std::chrono::seconds(2));
      continue;
    }
    state.ctx->ui->Error(fmt::format("could not delete security group {}: {} (delete it with: aws ec2 "
                                     "delete-security-group --group-id {})",
                                     id, r.error().ToError().Message(), id));
    return;
  }
}

std::optional<std::string> StepSecurityGroup::Leftover(const State&) const {
  if (created_.empty()) return std::nullopt;
  return fmt::format("security group {} (aws ec2 delete-security-group --group-id {})", created_, created_);
}

}  // namespace kiln::builders::amazon_ebs
