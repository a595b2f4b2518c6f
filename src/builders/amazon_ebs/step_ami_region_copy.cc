#include <fmt/format.h>

#include "builders/amazon_ebs/deregister.h"
#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepAmiRegionCopy::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  std::string source_region = state.ec2->region();
  auto source = state.amis.find(source_region);
  if (source == state.amis.end()) return engine::StepAction::kContinue;
  std::vector<std::string> targets;
  for (const std::string& r : c.ami_regions)
    if (r != source_region && std::ranges::find(targets, r) == targets.end()) targets.push_back(r);
  if (targets.empty()) return engine::StepAction::kContinue;
  ui.Say(fmt::format("Copying/Encrypting AMI ({}) to other regions...", source->second));
  // Start every copy, then wait for them all.
  for (const std::string& region : targets) {
    if (state.cancel().cancelled()) return state.Halt(MakeError("build cancelled", "interrupted while copying the AMI"));
    ui.Message(fmt::format("Copying to: {}", region));
    // The same token on a retry: EC2 makes at most one copy for it.
    clients::aws::Params p{{"SourceRegion", source_region},
                           {"SourceImageId", source->second},
                           {"Name", c.ami_name},
                           {"ClientToken", fmt::format("kiln-{}-{}", state.run_id, region)}};
    if (c.encrypt_boot) p.emplace_back("Encrypted", *c.encrypt_boot ? "true" : "false");
    auto kms = c.region_kms_key_ids.find(region);
    if (kms != c.region_kms_key_ids.end()) p.emplace_back("KmsKeyId", kms->second);
    // Finished even if the build is cancelled meanwhile, so the copy is known
    // and the cleanup deregisters it.
    clients::aws::ApiResult<clients::aws::Xml> xml =
        state.ec2->ForRegion(region).CallToCompletion("CopyImage", p, state.cancel());
    if (!xml) {
      if (!xml.error().cancelled()) lost_.push_back(region);  // the cleanup looks for it by name
      return Fail(state, xml.error());
    }
    copies_[region] = xml->root().child_value("imageId");
    state.ctx->Made(AmiResource(copies_[region], region));
    state.amis[region] = copies_[region];
  }
  ui.Message("Waiting for all copies to complete...");
  for (const auto& [region, id] : copies_) {
    clients::aws::ApiResult<clients::aws::Image> ready =
        clients::aws::WaitForImageAvailable(state.ec2->ForRegion(region), id, state.wait, state.cancel());
    if (!ready) return Fail(state, ready.error());
  }
  return engine::StepAction::kContinue;
}

void StepAmiRegionCopy::Cleanup(State& state) {
  std::map<std::string, std::string> known = std::exchange(copies_, {});
  std::vector<std::pair<std::string, std::string>> copies(known.begin(), known.end());
  // Copies whose CopyImage answer was lost: ami_name is this build's in each
  // region (every match goes: a retry that was not deduplicated made two).
  for (const std::string& region : std::exchange(lost_, {}))
    for (const std::string& id : FindOwnImagesByName(state.ec2->ForRegion(region), state.config.ami_name,
                                                     state.cleanup_token)) {
      copies.emplace_back(region, id);
      state.ctx->Made(AmiResource(id, region));
    }
  if (!state.failed()) return;
  for (const auto& [region, id] : copies) {
    state.ctx->ui->Say(fmt::format("Deregistering the copy {} in {}", id, region));
    state.amis.erase(region);
    DeregisterWithSnapshots(state.ec2->ForRegion(region), id, *state.ctx->ui, state.cleanup_token,
                            state.ctx->resources.get());
  }
}

std::optional<std::string> StepAmiRegionCopy::Leftover(const State&) const {
  if (copies_.empty()) return std::nullopt;
  std::string out = "AMI copies:";
  for (const auto& [region, id] : copies_) out += fmt::format(" {} in {}", id, region);
  return out;
}

}  // namespace kiln::builders::amazon_ebs
