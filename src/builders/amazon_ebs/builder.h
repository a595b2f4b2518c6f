// The amazon-ebs builder: find the source AMI, launch an instance with a
// temporary key pair and security group, provision it, stop it, create the
// AMI, copy it to ami_regions, set its attributes and tags, and remove every
// temporary resource (steps.h lists the steps).
#pragma once

#include <memory>

#include "builders/amazon_ebs/config.h"
#include "builders/amazon_ebs/state.h"
#include "engine/builder.h"
#include "template/schema.h"

namespace kiln::builders::amazon_ebs {

class Builder : public engine::Builder {
 public:
  // `connect` is the seam to the SSH communicator.
  explicit Builder(Config config, CommunicatorFactory connect = nullptr);
  Result<std::unique_ptr<engine::Artifact>> Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) override;

 private:
  Config config_;
  CommunicatorFactory connect_;
};

// The catalog's factory for "amazon-ebs".
Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& config);

}  // namespace kiln::builders::amazon_ebs
