#include "builders/amazon_ebs/deregister.h"

#include <fmt/format.h>

#include "clients/aws/ec2_types.h"

namespace kiln::builders::amazon_ebs {

void DeregisterWithSnapshots(const clients::aws::Ec2Client& ec2, const std::string& image_id, ui::Ui& ui,
                             const CancelToken& cancel) {
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
  for (const std::string& snap : snapshots)
    if (auto r = ec2.Call("DeleteSnapshot", {{"SnapshotId", snap}}, cancel); !r)
      ui.Error(fmt::format("could not delete snapshot {}: {} (aws ec2 delete-snapshot --snapshot-id {})", snap,
                           r.error().ToError().Message(), snap));
}

}  // namespace kiln::builders::amazon_ebs
