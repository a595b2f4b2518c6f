// What the amazon-ebs builder's steps share while a build runs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "builders/amazon_ebs/config.h"
#include "clients/aws/ec2_client.h"
#include "clients/aws/ec2_types.h"
#include "clients/aws/waiters.h"
#include "engine/artifact.h"
#include "engine/communicator.h"
#include "engine/provisioner.h"
#include "engine/step.h"

namespace kiln::builders::amazon_ebs {

// The seam to the SSH communicator: connects (retrying until ssh_timeout)
// and returns a communicator, closed when dropped (before the instance stops).
using CommunicatorFactory = std::function<Result<std::unique_ptr<engine::Communicator>>(
    const communicators::ssh::Config& config, ui::Ui& ui, const CancelToken& cancel)>;

struct State : engine::StepState {
  Config config;
  std::shared_ptr<clients::aws::Ec2Client> ec2;
  clients::aws::WaitOptions wait;
  engine::ProvisionHook* hook = nullptr;
  CommunicatorFactory connect;
  std::string run_id;  // makes temporary names unique: kiln_<run_id>
  // True when RunInstances may have launched an instance whose ID kiln never
  // learnt (the call failed or timed out): cleanups then find it, and its
  // volumes, by the build tag.
  bool launch_unknown = false;

  clients::aws::Image source_image;     // StepSourceAmiInfo
  std::string key_pair_name;            // StepKeyPair
  std::string private_key;              // PEM, from EC2 or ssh_private_key_file
  std::vector<std::string> security_group_ids;  // StepSecurityGroup
  clients::aws::Instance instance;      // StepRunSourceInstance
  std::map<std::string, std::string> amis;  // region -> AMI ID; StepCreateAmi, StepAmiRegionCopy
  std::unique_ptr<engine::Artifact> artifact;

  // Cleanups run after a cancel too: their calls use this token, never tripped.
  CancelToken cleanup_token;
  const CancelToken& cancel() const { return *ctx->cancel; }
  // Renders a run-time option ({{ .SourceAMIName }}, {{ .BuildRegion }} ...).
  Result<std::string> Render(const std::string& text, const std::string& option) const;
  Result<std::map<std::string, std::string>> RenderMap(const std::map<std::string, std::string>& m,
                                                      const std::string& option) const;
  // True when the build is failing or was cancelled before its last step
  // made the artifact (cleanups undo more then). An interrupt that arrives
  // during the final cleanups keeps the finished AMIs: they are the artifact.
  bool failed() const { return error.has_value() || (ctx->cancel->cancelled() && !artifact); }
  // The tag every instance and volume of this build carries, so that a
  // cleanup can find what a create call made when its ID is unknown.
  std::map<std::string, std::string> BuildTag() const { return {{std::string(kBuildTagKey), run_id}}; }
  static constexpr std::string_view kBuildTagKey = "kiln-build-id";
};

}  // namespace kiln::builders::amazon_ebs
