#include <fmt/format.h>

#include "builders/amazon_ebs/artifact.h"
#include "builders/amazon_ebs/deregister.h"
#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepCreateTags::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  Result<std::map<std::string, std::string>> tags = state.RenderMap(c.tags, "tags");
  if (!tags) return state.Halt(tags.error());
  Result<std::map<std::string, std::string>> snapshot_tags = state.RenderMap(c.snapshot_tags, "snapshot_tags");
  if (!snapshot_tags) return state.Halt(snapshot_tags.error());
  if (!tags->empty() || !snapshot_tags->empty()) {
    for (const auto& [region, id] : state.amis) {
      clients::aws::Ec2Client ec2 = state.ec2->ForRegion(region);
      ui.Say(fmt::format("Adding tags to AMI ({})...", id));
      clients::aws::Params describe;
      clients::aws::AddList(describe, "ImageId", {id});
      clients::aws::ApiResult<clients::aws::Xml> xml = ec2.Call("DescribeImages", describe, state.cancel());
      if (!xml) return Fail(state, xml.error());
      std::vector<clients::aws::Image> images = clients::aws::ParseImages(*xml);
      std::vector<std::string> snapshots = images.empty() ? std::vector<std::string>{} : images[0].snapshot_ids;
      if (!tags->empty()) {
        for (const auto& [k, v] : *tags) ui.Message(fmt::format("Adding tag: \"{}\": \"{}\"", k, v));
        clients::aws::Params p;
        std::vector<std::string> resources = {id};
        resources.insert(resources.end(), snapshots.begin(), snapshots.end());
        clients::aws::AddList(p, "ResourceId", resources);
        clients::aws::AddTags(p, *tags);
        if (auto r = ec2.Call("CreateTags", p, state.cancel()); !r) return Fail(state, r.error());
      }
      if (!snapshot_tags->empty() && !snapshots.empty()) {
        clients::aws::Params p;
        clients::aws::AddList(p, "ResourceId", snapshots);
        clients::aws::AddTags(p, *snapshot_tags);
        if (auto r = ec2.Call("CreateTags", p, state.cancel()); !r) return Fail(state, r.error());
      }
    }
  }
  if (!state.amis.empty()) state.artifact = std::make_unique<Artifact>(state.amis, *state.ec2);
  for (const auto& [region, id] : state.amis) state.ctx->Kept(AmiResource(id, region));
  return engine::StepAction::kContinue;
}

}  // namespace kiln::builders::amazon_ebs
