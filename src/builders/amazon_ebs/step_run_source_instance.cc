#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "builders/amazon_ebs/steps.h"

namespace kiln::builders::amazon_ebs {
namespace {

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(n);
  return out;
}

void AddDevices(clients::aws::Params& p, const std::vector<BlockDevice>& devices) {
  for (size_t i = 0; i < devices.size(); ++i) {
    const BlockDevice& d = devices[i];
    std::string at = fmt::format("BlockDeviceMapping.{}.", i + 1);
    p.emplace_back(at + "DeviceName", d.device_name);
    if (d.no_device) {
      p.emplace_back(at + "NoDevice", "");
      continue;
    }
    if (!d.virtual_name.empty()) {
      p.emplace_back(at + "VirtualName", d.virtual_name);
      continue;
    }
    if (d.volume_size) p.emplace_back(at + "Ebs.VolumeSize", std::to_string(*d.volume_size));
    if (!d.volume_type.empty()) p.emplace_back(at + "Ebs.VolumeType", d.volume_type);
    if (d.iops) p.emplace_back(at + "Ebs.Iops", std::to_string(*d.iops));
    if (d.throughput) p.emplace_back(at + "Ebs.Throughput", std::to_string(*d.throughput));
    if (!d.snapshot_id.empty()) p.emplace_back(at + "Ebs.SnapshotId", d.snapshot_id);
    if (d.encrypted) p.emplace_back(at + "Ebs.Encrypted", *d.encrypted ? "true" : "false");
    if (!d.kms_key_id.empty()) p.emplace_back(at + "Ebs.KmsKeyId", d.kms_key_id);
    p.emplace_back(at + "Ebs.DeleteOnTermination", d.delete_on_termination.value_or(true) ? "true" : "false");
  }
}

}  // namespace

void AddBlockDevices(clients::aws::Params& p, const std::vector<BlockDevice>& devices) { AddDevices(p, devices); }

engine::StepAction StepRunSourceInstance::Run(State& state) {
  const Config& c = state.config;
  engine::BuildContext& ctx = *state.ctx;
  std::string user_data = c.user_data;
  if (!c.user_data_file.empty()) {
    std::ifstream in(c.user_data_file, std::ios::binary);
    if (!in) return state.Halt(MakeError(fmt::format("cannot read user_data_file {}", c.user_data_file)));
    std::ostringstream s;
    s << in.rdbuf();
    user_data = s.str();
  }
  Result<std::map<std::string, std::string>> run_tags = state.RenderMap(c.run_tags, "run_tags");
  if (!run_tags) return state.Halt(run_tags.error());
  if (!run_tags->contains("Name")) (*run_tags)["Name"] = "Packer Builder";
  Result<std::map<std::string, std::string>> volume_tags = state.RenderMap(c.run_volume_tags, "run_volume_tags");
  if (!volume_tags) return state.Halt(volume_tags.error());
  // The build tag finds the instance and its volumes should the answer be lost.
  run_tags->insert_or_assign(std::string(State::kBuildTagKey), state.run_id);
  volume_tags->insert_or_assign(std::string(State::kBuildTagKey), state.run_id);
  // One token per build, the same on every retry: EC2 launches at most one
  // instance for it (RunInstances is idempotent on ClientToken).
  client_token_ = "kiln-" + state.run_id;

  clients::aws::Params p{{"ImageId", state.source_image.id},
                         {"InstanceType", c.instance_type},
                         {"MinCount", "1"},
                         {"MaxCount", "1"},
                         {"InstanceInitiatedShutdownBehavior", c.shutdown_behavior},
                         {"ClientToken", client_token_}};
  if (!state.key_pair_name.empty()) p.emplace_back("KeyName", state.key_pair_name);
  if (!user_data.empty()) p.emplace_back("UserData", Base64(user_data));
  if (!c.iam_instance_profile.empty()) p.emplace_back("IamInstanceProfile.Name", c.iam_instance_profile);
  if (!c.availability_zone.empty()) p.emplace_back("Placement.AvailabilityZone", c.availability_zone);
  if (c.ebs_optimized) p.emplace_back("EbsOptimized", "true");
  if (c.associate_public_ip_address) {
    // The public address is a property of the network interface.
    p.emplace_back("NetworkInterface.1.DeviceIndex", "0");
    p.emplace_back("NetworkInterface.1.AssociatePublicIpAddress", *c.associate_public_ip_address ? "true" : "false");
    if (!c.subnet_id.empty()) p.emplace_back("NetworkInterface.1.SubnetId", c.subnet_id);
    clients::aws::AddList(p, "NetworkInterface.1.SecurityGroupId", state.security_group_ids);
  } else {
    if (!c.subnet_id.empty()) p.emplace_back("SubnetId", c.subnet_id);
    clients::aws::AddList(p, "SecurityGroupId", state.security_group_ids);
  }
  AddDevices(p, c.launch_block_device_mappings);
  clients::aws::AddTagSpecification(p, 1, "instance", *run_tags);
  clients::aws::AddTagSpecification(p, 2, "volume", *volume_tags);

  ctx.ui->Say("Launching a source AWS instance...");
  // Finished even if the build is cancelled meanwhile, so the instance's ID
  // is known and the cleanup terminates it.
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->CallToCompletion("RunInstances", p, state.cancel());
  if (!xml) {
    if (!xml.error().cancelled()) state.launch_unknown = true;  // it may have launched
    return Fail(state, xml.error());
  }
  std::vector<clients::aws::Instance> launched = clients::aws::ParseInstances(*xml);
  if (launched.empty()) {
    state.launch_unknown = true;
    return state.Halt(MakeError("EC2 RunInstances: the answer names no instance"));
  }
  instance_id_ = launched.front().id;
  state.instance = launched.front();
  ctx.Made("instance " + instance_id_);
  ctx.ui->Message(fmt::format("Instance ID: {}", instance_id_));
  ctx.ui->Say(fmt::format("Waiting for instance ({}) to become ready...", instance_id_));
  clients::aws::ApiResult<clients::aws::Instance> running =
      clients::aws::WaitForInstance(*state.ec2, instance_id_, "running", state.wait, state.cancel());
  if (!running) return state.Halt(MakeError(fmt::format("instance {} did not start", instance_id_),
                                            running.error().ToError().Message()));
  // The addresses, now that it runs.
  clients::aws::Params describe;
  clients::aws::AddList(describe, "InstanceId", {instance_id_});
  clients::aws::ApiResult<clients::aws::Xml> info = state.ec2->Call("DescribeInstances", describe, state.cancel());
  if (!info) return Fail(state, info.error());
  std::vector<clients::aws::Instance> described = clients::aws::ParseInstances(*info);
  state.instance = described.empty() ? *running : described.front();
  // Its volumes that outlive it (delete_on_termination false) are removed by StepCleanupVolumes.
  ctx.SetBuildValue("ID", instance_id_);
  if (!state.instance.public_ip.empty()) ctx.ui->Message(fmt::format("Public IP: {}", state.instance.public_ip));
  if (!state.instance.private_ip.empty()) ctx.ui->Message(fmt::format("Private IP: {}", state.instance.private_ip));
  return engine::StepAction::kContinue;
}

// Instances of this build that are not terminated, found by the build tag.
static std::vector<std::string> FindByBuildTag(State& state) {
  clients::aws::Params p;
  clients::aws::AddFilters(p, {{"tag:" + std::string(State::kBuildTagKey), {state.run_id}},
                               {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
  std::vector<std::string> ids;
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->Call("DescribeInstances", p, state.cleanup_token);
  if (!xml) {
    state.ctx->ui->Error(fmt::format("could not look for this build's instances (tag {}={}): {}", State::kBuildTagKey,
                                     state.run_id, xml.error().ToError().Message()));
    return ids;
  }
  for (const clients::aws::Instance& i : clients::aws::ParseInstances(*xml)) ids.push_back(i.id);
  return ids;
}

void StepRunSourceInstance::Cleanup(State& state) {
  std::vector<std::string> ids;
  if (!instance_id_.empty()) ids.push_back(std::exchange(instance_id_, {}));
  if (ids.empty() && state.launch_unknown) {
    // RunInstances' answer was lost: look for what it launched.
    for (const std::string& id : FindByBuildTag(state)) {
      ids.push_back(id);
      state.ctx->Made("instance " + id);
    }
  }
  if (ids.empty()) return;
  ui::Ui& ui = *state.ctx->ui;
  ui.Say("Terminating the source AWS instance...");
  clients::aws::Params p;
  clients::aws::AddList(p, "InstanceId", ids);
  if (auto r = state.ec2->Call("TerminateInstances", p, state.cleanup_token); !r) {
    for (const std::string& id : ids)
      ui.Error(fmt::format("could not terminate instance {}: {} (aws ec2 terminate-instances --instance-ids {})", id,
                           r.error().ToError().Message(), id));
    return;
  }
  for (const std::string& id : ids) {
    if (auto r = clients::aws::WaitForInstance(*state.ec2, id, "terminated", state.wait, state.cleanup_token); !r)
      ui.Error(fmt::format("instance {} did not terminate: {}", id, r.error().ToError().Message()));
    else
      state.ctx->Removed("instance " + id);
  }
}

std::optional<std::string> StepRunSourceInstance::Leftover(const State&) const {
  if (instance_id_.empty()) return std::nullopt;
  return fmt::format("instance {} (aws ec2 terminate-instances --instance-ids {})", instance_id_, instance_id_);
}

}  // namespace kiln::builders::amazon_ebs
