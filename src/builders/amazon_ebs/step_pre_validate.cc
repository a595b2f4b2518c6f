#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction Fail(State& state, const clients::aws::ApiError& error) { return state.Halt(error.ToError()); }

engine::StepAction StepPreValidate::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  if (!c.skip_region_validation) {
    clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeRegions", {}, state.cancel());
    if (!xml) return Fail(state, xml.error());
    std::vector<std::string> known;
    for (pugi::xml_node item : xml->root().child("regionInfo").children("item"))
      known.push_back(item.child_value("regionName"));
    std::vector<std::string> wanted = c.ami_regions;
    wanted.push_back(state.ec2->region());
    for (const std::string& region : wanted)
      if (std::ranges::find(known, region) == known.end())
        return state.Halt(MakeError(fmt::format("unknown region '{}'", region),
                                    fmt::format("this account's regions are {}; or set skip_region_validation",
                                                fmt::join(known, ", "))));
  }
  if (c.force_deregister || c.skip_create_ami) return engine::StepAction::kContinue;
  ui.Say(fmt::format("Prevalidating AMI Name: {}", c.ami_name));
  clients::aws::Params p;
  clients::aws::AddFilters(p, {{"name", {c.ami_name}}});
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeImages", p, state.cancel());
  if (!xml) return Fail(state, xml.error());
  std::vector<clients::aws::Image> images = clients::aws::ParseImages(*xml);
  if (!images.empty())
    return state.Halt(MakeError(fmt::format("AMI name '{}' is used by an existing AMI: {}", c.ami_name, images[0].id),
                                "choose another ami_name (e.g. with {{timestamp}}), or set force_deregister"));
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
