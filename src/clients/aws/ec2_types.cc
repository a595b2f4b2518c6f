#include "clients/aws/ec2_types.h"

namespace kiln::clients::aws {
namespace {

std::map<std::string, std::string> Tags(pugi::xml_node node) {
  std::map<std::string, std::string> tags;
  for (pugi::xml_node item : node.child("tagSet").children("item"))
    tags[item.child_value("key")] = item.child_value("value");
  return tags;
}

std::string Reason(pugi::xml_node node) {
  pugi::xml_node r = node.child("stateReason");
  if (!r) return {};
  std::string code = r.child_value("code"), message = r.child_value("message");
  return message.empty() ? code : code + ": " + message;
}

Instance ParseInstance(pugi::xml_node item) {
  Instance i{
      .id = item.child_value("instanceId"),
      .state = item.child("instanceState").child_value("name"),
      .state_reason = Reason(item),
      .image_id = item.child_value("imageId"),
      .instance_type = item.child_value("instanceType"),
      .private_ip = item.child_value("privateIpAddress"),
      .public_ip = item.child_value("ipAddress"),
      .private_dns = item.child_value("privateDnsName"),
      .public_dns = item.child_value("dnsName"),
      .vpc_id = item.child_value("vpcId"),
      .subnet_id = item.child_value("subnetId"),
  };
  for (pugi::xml_node bd : item.child("blockDeviceMapping").children("item"))
    if (std::string v = bd.child("ebs").child_value("volumeId"); !v.empty()) i.volume_ids.push_back(v);
  return i;
}

}  // namespace

std::vector<Image> ParseImages(const Xml& xml) {
  std::vector<Image> images;
  for (pugi::xml_node item : xml.root().child("imagesSet").children("item")) {
    Image im{
        .id = item.child_value("imageId"),
        .name = item.child_value("name"),
        .description = item.child_value("description"),
        .owner_id = item.child_value("imageOwnerId"),
        .owner_alias = item.child_value("imageOwnerAlias"),
        .creation_date = item.child_value("creationDate"),
        .state = item.child_value("imageState"),
        .root_device_type = item.child_value("rootDeviceType"),
        .root_device_name = item.child_value("rootDeviceName"),
        .virtualization_type = item.child_value("virtualizationType"),
        .architecture = item.child_value("architecture"),
        .state_reason = Reason(item),
    };
    for (pugi::xml_node bd : item.child("blockDeviceMapping").children("item"))
      if (std::string s = bd.child("ebs").child_value("snapshotId"); !s.empty()) im.snapshot_ids.push_back(s);
    im.tags = Tags(item);
    images.push_back(std::move(im));
  }
  return images;
}

std::vector<Instance> ParseInstances(const Xml& xml) {
  std::vector<Instance> out;
  pugi::xml_node root = xml.root();
  // RunInstances lists instancesSet at the top; DescribeInstances per reservation.
  for (pugi::xml_node item : root.child("instancesSet").children("item")) out.push_back(ParseInstance(item));
  for (pugi::xml_node res : root.child("reservationSet").children("item"))
    for (pugi::xml_node item : res.child("instancesSet").children("item")) out.push_back(ParseInstance(item));
  return out;
}

const Image* MostRecent(const std::vector<Image>& images) {
  const Image* best = nullptr;
  // ISO 8601 dates in one format compare as strings.
  for (const Image& im : images)
    if (!best || im.creation_date >= best->creation_date) best = &im;
  return best;
}

}  // namespace kiln::clients::aws
