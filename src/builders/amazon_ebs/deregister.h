// Removing an AMI kiln made: deregister it, then delete its snapshots.
#pragma once

#include "clients/aws/ec2_client.h"
#include "ui/ui.h"

namespace kiln::builders::amazon_ebs {

// Reports failures on `ui` with the command that finishes the job.
void DeregisterWithSnapshots(const clients::aws::Ec2Client& ec2, const std::string& image_id, ui::Ui& ui,
                             const CancelToken& cancel);

}  // namespace kiln::builders::amazon_ebs
