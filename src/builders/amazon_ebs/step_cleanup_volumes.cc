#include <fmt/format.h>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepCleanupVolumes::Run(State&) { return engine::StepAction::kContinue; }

void StepCleanupVolumes::Cleanup(State& state) {
  std::vector<std::string> volumes = std::exchange(state.instance.volume_ids, {});
  // When the launch's answer was lost, the build tag finds its volumes.
  bool by_tag = volumes.empty() && std::exchange(state.launch_unknown, false);
  if (volumes.empty() && !by_tag) return;
  ui::Ui& ui = *state.ctx->ui;
  ui.Say("Cleaning up any extra volumes...");
  clients::aws::Params p;
  if (by_tag)
    clients::aws::AddFilters(p, {{"tag:" + std::string(State::kBuildTagKey), {state.run_id}}});
  else
    clients::aws::AddList(p, "VolumeId", volumes);
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeVolumes", p, state.cleanup_token);
  if (!xml) {
    // Volumes deleted with the instance are simply gone.
    if (xml.error().code == "InvalidVolume.NotFound")
      ui.Message("No volumes to clean up, skipping");
    else
      ui.Error(fmt::format("could not list the instance's volumes: {}", xml.error().ToError().Message()));
    return;
  }
  int deleted = 0;
  for (pugi::xml_node item : xml->root().child("volumeSet").children("item")) {
    if (std::string_view(item.child_value("status")) != "available") continue;
    std::string id = item.child_value("volumeId");
    ui.Message(fmt::format("Deleting volume: {}", id));
    if (auto r = state.ec2->Call("DeleteVolume", {{"VolumeId", id}}, state.cleanup_token); !r)
      ui.Error(fmt::format("could not delete volume {}: {} (aws ec2 delete-volume --volume-id {})", id,
                           r.error().ToError().Message(), id));
    else
      state.ctx->Removed("volume " + id);
    ++deleted;
  }
  if (deleted == 0) ui.Message("No volumes to clean up, skipping");
}

std::optional<std::string> StepCleanupVolumes::Leftover(const State& state) const {
  if (state.instance.volume_ids.empty()) return std::nullopt;
  return fmt::format("volumes of instance {} not deleted on termination", state.instance.id);
}

}  // namespace kiln::builders::amazon_ebs
