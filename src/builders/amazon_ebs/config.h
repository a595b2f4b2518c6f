// The amazon-ebs builder's options as typed values, read from options decoded
// against Options(). Options kiln does not run yet (spot instances,
// assume_role, vault_aws_engine, Session Manager, temporary IAM profiles,
// winrm) are refused here, naming the option and its place in the template.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clients/aws/credentials.h"
#include "communicators/ssh/config.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::builders::amazon_ebs {

struct BlockDevice {
  std::string device_name, volume_type, snapshot_id, virtual_name, kms_key_id;
  std::optional<long> volume_size, iops, throughput;
  std::optional<bool> encrypted, delete_on_termination;
  bool no_device = false;
};

struct Config {
  // API access.
  clients::aws::CredentialOptions credentials;
  std::string region;  // empty: AWS_REGION, AWS_DEFAULT_REGION or the profile's
  std::string endpoint;
  bool insecure_skip_tls_verify = false;
  bool skip_region_validation = false;
  bool skip_credential_validation = false;
  int max_retries = 10;
  std::optional<int> poll_delay_seconds, poll_max_attempts;

  // The AMI.
  std::string ami_name;
  std::string ami_description;  // rendered at run time ({{.SourceAMIName}} ...)
  std::vector<std::string> ami_users, ami_groups, ami_regions;
  std::map<std::string, std::string> tags, snapshot_tags;  // rendered at run time
  bool force_deregister = false;
  bool force_delete_snapshot = false;
  std::optional<bool> encrypt_boot;
  std::string kms_key_id;
  std::map<std::string, std::string> region_kms_key_ids;
  std::vector<BlockDevice> ami_block_device_mappings;
  bool skip_create_ami = false;

  // The source instance.
  std::string instance_type;
  std::string source_ami;
  std::map<std::string, std::vector<std::string>> source_ami_filters;
  std::vector<std::string> source_ami_owners;
  bool source_ami_most_recent = false;
  std::vector<BlockDevice> launch_block_device_mappings;
  std::string availability_zone, subnet_id, vpc_id;
  std::vector<std::string> security_group_ids;
  std::map<std::string, std::vector<std::string>> security_group_filters;
  std::vector<std::string> temporary_security_group_source_cidrs;
  std::optional<bool> associate_public_ip_address;
  std::string iam_instance_profile;
  std::string shutdown_behavior = "stop";
  bool disable_stop_instance = false;
  bool ebs_optimized = false;
  std::string user_data, user_data_file;
  std::map<std::string, std::string> run_tags, run_volume_tags;  // rendered at run time

  // Reaching the instance.
  std::string communicator = "ssh";  // "ssh" or "none"
  std::string ssh_interface;          // public_ip, private_ip, public_dns, private_dns; empty: auto
  // The ssh_* options; `host` is ssh_host (empty: the instance's address).
  communicators::ssh::Config ssh;
  std::string ssh_password;
  std::string ssh_keypair_name, ssh_private_key_file;
  std::string temporary_key_pair_name;
  std::string temporary_key_pair_type = "rsa";
};

// Reads the options and refuses the ones kiln cannot run yet, with their
// place in the template.
Result<Config> Prepare(const tmpl::DecodedConfig& decoded);

}  // namespace kiln::builders::amazon_ebs
