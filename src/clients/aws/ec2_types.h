// The parts of EC2's answers the amazon-ebs builder reads, parsed from the
// Query API's XML (DescribeImages, DescribeInstances, ...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clients/aws/ec2_client.h"

namespace kiln::clients::aws {

struct Image {
  std::string id, name, description, owner_id, owner_alias, creation_date, state;
  std::string root_device_type, root_device_name, virtualization_type, architecture;
  std::string state_reason;  // "Client.Error: ..." for failed images
  std::vector<std::string> snapshot_ids;
  std::map<std::string, std::string> tags;
};

struct Instance {
  std::string id, state, state_reason, image_id, instance_type;
  std::string private_ip, public_ip, private_dns, public_dns, vpc_id, subnet_id;
  std::vector<std::string> volume_ids;
};

std::vector<Image> ParseImages(const Xml& xml);        // DescribeImages
std::vector<Instance> ParseInstances(const Xml& xml);  // DescribeInstances, RunInstances
// The newest by creation date (ties: the last listed), as most_recent picks.
const Image* MostRecent(const std::vector<Image>& images);

}  // namespace kiln::clients::aws
