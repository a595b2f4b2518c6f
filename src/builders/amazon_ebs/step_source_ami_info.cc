#include <fmt/format.h>
#include <fmt/ranges.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepSourceAmiInfo::Run(State& state) {
  const Config& c = state.config;
  engine::BuildContext& ctx = *state.ctx;
  clients::aws::Params p;
  if (!c.source_ami.empty()) clients::aws::AddList(p, "ImageId", {c.source_ami});
  clients::aws::AddList(p, "Owner", c.source_ami_owners);
  clients::aws::AddFilters(p, c.source_ami_filters);
  ctx.ui->Say("Finding the source AMI...");
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeImages", p, state.cancel());
  if (!xml) return Fail(state, xml.error());
  std::vector<clients::aws::Image> images = clients::aws::ParseImages(*xml);
  std::vector<std::string> filters;
  for (const auto& [k, v] : c.source_ami_filters) filters.push_back(fmt::format("{}={}", k, fmt::join(v, ",")));
  std::string query = !c.source_ami.empty()
                          ? fmt::format("source_ami {}", c.source_ami)
                          : fmt::format("filters [{}], owners [{}]", fmt::join(filters, " "), fmt::join(c.source_ami_owners, ", "));
  if (images.empty())
    return state.Halt(MakeError("no AMI was found matching " + query,
                                "check the name pattern and owners (an account ID, \"self\" or an alias such as "
                                "\"amazon\"), and the region"));
  if (images.size() > 1 && !c.source_ami_most_recent)
    return state.Halt(MakeError(fmt::format("{} AMIs match {}", images.size(), query),
                                "narrow the filters, or set \"most_recent\": true in source_ami_filter"));
  state.source_image = *clients::aws::MostRecent(images);
  const clients::aws::Image& im = state.source_image;
  if (im.root_device_type != "ebs")
    return state.Halt(MakeError(fmt::format("the source AMI {} has root device type '{}'", im.id, im.root_device_type),
                                "amazon-ebs needs an EBS-backed source AMI (root device type ebs)"));
  ctx.ui->Message(fmt::format("Found Image ID: {} ({})", im.id, im.name));
  ctx.SetBuildValue("SourceAMI", im.id);
  ctx.SetBuildValue("SourceAMIName", im.name);
  ctx.SetBuildValue("SourceAMIOwner", im.owner_id);
  ctx.SetBuildValue("SourceAMIOwnerName", im.owner_alias);
  ctx.SetBuildValue("SourceAMICreationDate", im.creation_date);
  ctx.SetBuildValue("BuildRegion", state.ec2->region());
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
