#include "builders/amazon_ebs/deregister.h"

#include <fmt/format.h>

#include "clients/aws/ec2_types.h"

namespace kiln::builders::amazon_ebs {

std::string AmiResource(const std::string& image_id, const std::string& region) {
  return fmt::format("AMI {} in {}", image_id, region);
}

std::vector<std::string> FindOwnImagesByName(const clients::aws::Ec2Client& ec2, const std::string& name,
                                             const CancelToken& cancel) {
  clients::aws::Params p;
  clients::aws::AddList(p, "Owner", {"self"});
  clients::aws::AddFilters(p, {{"name", {name}}});
  std::vector<std::string> ids;
  if (clients::aws::ApiResult<clients::aws::Xml> xml = ec2.Call("DescribeImages", p, cancel))
    for (const clients::aws::Image& im : clients::aws::ParseImages(*xml)) ids.push_back(im.id);
  return ids;
}

void DeregisterWithSnapshots(const clients::aws::Ec2Client& ec2, const std::string& image_id, ui::Ui& ui,
                             const CancelToken& cancel, engine::ResourceLog* log) {
  std::vector<std::string> snapshots;
  clients::aws::Params p;
  clients::aws::AddList(p, "ImageId", {image_id});
  if (clients::aws::ApiResult<clients::aws::Xml> xml = ec2.Call("DescribeImages", p, cancel))
    for (const clients::aws::Image& im : clients::aws::ParseImages(*xml)) snapshots = im.snapshot_ids;
  if (auto r = ec2.Call("DeregisterImage", {{"ImageId", image_id}}, cancel); !r) {
    ui.Error(fmt::format("could not deregister AMI {} in {}: {} (aws ec2 deregister-image --image-id {})", image_id,
                         ec2.region(), r.error().ToError().Message(), image_id));
    return;
  }
  if (log) log->Removed(AmiResource(image_id, ec2.region()));
  for (const std::string& snap : snapshots)
    if (auto r = ec2.Call("DeleteSnapshot", {{"SnapshotId", snap}}, cancel); !r)
      ui.Error(fmt::format("could not delete snapshot {}: {} (aws ec2 delete-snapshot --snapshot-id {})", snap,
                           r.error().ToError().Message(), snap));
    else if (log)
      log->Removed("snapshot " + snap);
}

}  // namespace kiln::builders::amazon_ebs
