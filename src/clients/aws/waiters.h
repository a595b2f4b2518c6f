// Waiters, as the AWS SDKs define them: poll a Describe call every `delay`
// up to `max_attempts` times until the resource reaches the wanted state;
// stop early on a failure state (a `failed` image, an instance that went to
// `terminated` while starting) or on cancellation. A "NotFound" answer right
// after creation is EC2's eventual consistency and is retried.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "clients/aws/ec2_client.h"
#include "clients/aws/ec2_types.h"

namespace kiln::clients::aws {

struct WaitOptions {
  std::chrono::milliseconds delay{15000};
  int max_attempts = 40;
};

// aws_polling { delay_seconds, max_attempts } when set, else the
// AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS environment variables, else
// the SDK's defaults (15 s, 40 attempts).
WaitOptions MakeWaitOptions(std::optional<int> delay_seconds, std::optional<int> max_attempts);

// `target`: "running", "stopped" or "terminated".
ApiResult<Instance> WaitForInstance(const Ec2Client& ec2, const std::string& id, const std::string& target,
                                    const WaitOptions& options, const CancelToken& cancel);
ApiResult<Image> WaitForImageAvailable(const Ec2Client& ec2, const std::string& id, const WaitOptions& options,
                                       const CancelToken& cancel);
ApiResult<void> WaitForSecurityGroup(const Ec2Client& ec2, const std::string& id, const WaitOptions& options,
                                     const CancelToken& cancel);

}  // namespace kiln::clients::aws
