// The amazon-ebs artifact: one AMI per region. id() is Packer's
// "us-east-1:ami-1,us-west-2:ami-2"; Destroy deregisters them all and
// deletes their snapshots.
#pragma once

#include <map>
#include <string>

#include "clients/aws/ec2_client.h"
#include "engine/artifact.h"

namespace kiln::builders::amazon_ebs {

inline constexpr std::string_view kBuilderId = "mitchellh.amazonebs";

class Artifact : public engine::Artifact {
 public:
  Artifact(std::map<std::string, std::string> amis, clients::aws::Ec2Client ec2)
      : amis_(std::move(amis)), ec2_(std::move(ec2)) {}
  std::string builder_id() const override { return std::string(kBuilderId); }
  std::string id() const override;
  std::vector<std::string> files() const override { return {}; }
  std::string Describe() const override;
  nlohmann::json State(const std::string& key) const override;
  Result<void> Destroy() override;
  const std::map<std::string, std::string>& amis() const { return amis_; }

 private:
  std::map<std::string, std::string> amis_;  // region -> AMI ID
  clients::aws::Ec2Client ec2_;
};

}  // namespace kiln::builders::amazon_ebs
