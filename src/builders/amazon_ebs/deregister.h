// Removing an AMI kiln made: deregister it, then delete its snapshots; and
// finding an AMI whose ID a lost CreateImage/CopyImage answer never gave.
#pragma once

#include <string>
#include <vector>

#include "clients/aws/ec2_client.h"
#include "engine/resource_log.h"
#include "ui/ui.h"

namespace kiln::builders::amazon_ebs {

// Reports failures on `ui` with the command that finishes the job; records
// what it removed in `log` (may be null).
void DeregisterWithSnapshots(const clients::aws::Ec2Client& ec2, const std::string& image_id, ui::Ui& ui,
                             const CancelToken& cancel, engine::ResourceLog* log = nullptr);

// The account's own AMIs named `name` in ec2's region (none if the lookup fails).
std::vector<std::string> FindOwnImagesByName(const clients::aws::Ec2Client& ec2, const std::string& name,
                                             const CancelToken& cancel);

// "AMI ami-1 in us-east-1", as the build's resource log names it.
std::string AmiResource(const std::string& image_id, const std::string& region);

}  // namespace kiln::builders::amazon_ebs
