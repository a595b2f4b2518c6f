#include "builders/amazon_ebs/config.h"

#include <fmt/format.h>

namespace kiln::builders::amazon_ebs {
namespace {

std::map<std::string, std::string> StringMap(const nlohmann::json& v) {
  std::map<std::string, std::string> out;
  if (v.is_object())
    for (const auto& [k, val] : v.items())
      if (val.is_string()) out[k] = val.get<std::string>();
  return out;
}

// `tag`-style lists of {"key"/"name", "value"} objects, merged into `into`.
void MergeKeyValues(const nlohmann::json& list, const char* key_name, std::map<std::string, std::string>& into) {
  if (!list.is_array()) return;
  for (const nlohmann::json& item : list)
    if (item.is_object() && item.value(key_name, nlohmann::json()).is_string())
      into[item[key_name].get<std::string>()] = item.value("value", nlohmann::json("")).is_string()
                                                     ? item["value"].get<std::string>()
                                                     : "";
}

// filters: {"name": "a"} or {"name": "a,b"}? Packer takes each value as one
// filter value; `filter` blocks add more.
std::map<std::string, std::vector<std::string>> Filters(const nlohmann::json& block, const char* key_name) {
  std::map<std::string, std::vector<std::string>> out;
  if (!block.is_object()) return out;
  for (const auto& [k, v] : StringMap(block.value("filters", nlohmann::json()))) out[k].push_back(v);
  std::map<std::string, std::string> more;
  MergeKeyValues(block.value("filter", nlohmann::json()), key_name, more);
  for (const auto& [k, v] : more) out[k].push_back(v);
  return out;
}

std::vector<std::string> StringList(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const nlohmann::json& s : v)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::vector<BlockDevice> Devices(const nlohmann::json& list) {
  std::vector<BlockDevice> out;
  if (!list.is_array()) return out;
  for (const nlohmann::json& d : list) {
    if (!d.is_object()) continue;
    auto str = [&](const char* k) { return d.value(k, nlohmann::json()).is_string() ? d[k].get<std::string>() : ""; };
    auto num = [&](const char* k) -> std::optional<long> {
      return d.value(k, nlohmann::json()).is_number() ? std::optional<long>(d[k].get<long>()) : std::nullopt;
    };
    auto flag = [&](const char* k) -> std::optional<bool> {
      return d.value(k, nlohmann::json()).is_boolean() ? std::optional<bool>(d[k].get<bool>()) : std::nullopt;
    };
    out.push_back(BlockDevice{
        .device_name = str("device_name"),
        .volume_type = str("volume_type"),
        .snapshot_id = str("snapshot_id"),
        .virtual_name = str("virtual_name"),
        .kms_key_id = str("kms_key_id"),
        .volume_size = num("volume_size"),
        .iops = num("iops"),
        .throughput = num("throughput"),
        .encrypted = flag("encrypted"),
        .delete_on_termination = flag("delete_on_termination"),
        .no_device = flag("no_device").value_or(false),
    });
  }
  return out;
}

std::optional<bool> OptionalBool(const tmpl::DecodedConfig& c, std::string_view name) {
  const nlohmann::json& v = c[name];
  return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
}

}  // namespace

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  // What kiln validates but does not run yet: say so before anything starts.
  struct Unsupported {
    const char* option;
    const char* why;
  };
  static constexpr Unsupported kUnsupported[] = {
      {"spot_price", "spot instances are not supported by kiln's amazon-ebs yet; remove spot_price to use an "
                     "on-demand instance"},
      {"spot_instance_types", "spot instances are not supported by kiln's amazon-ebs yet; set instance_type instead"},
      {"assume_role", "assume_role is not supported by kiln yet; give the role's credentials through the "
                      "environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or a profile"},
      {"vault_aws_engine", "vault_aws_engine is not supported by kiln yet; fetch the credentials with `vault read` "
                           "and pass them through the environment"},
      {"temporary_iam_instance_profile_policy_document",
       "temporary IAM instance profiles are not supported by kiln yet; create the profile and name it with "
       "iam_instance_profile"},
      {"mfa_code", "mfa_code is not supported by kiln yet; use session credentials (AWS_SESSION_TOKEN)"},
  };
  for (const Unsupported& u : kUnsupported)
    if (c.Given(u.option))
      return std::unexpected(MakeError(c.At(u.option), fmt::format("amazon-ebs: {} is not supported", u.option), u.why));
  if (c.String("ssh_interface") == "session_manager")
    return std::unexpected(MakeError(c.At("ssh_interface"), "amazon-ebs: ssh_interface \"session_manager\" is not supported",
                                     "SSM Session Manager tunnels are not supported by kiln yet; use public_ip, "
                                     "private_ip, public_dns or private_dns"));
  std::string communicator = c.String("communicator");
  if (communicator != "ssh" && communicator != "none")
    return std::unexpected(MakeError(c.At("communicator"),
                                     fmt::format("amazon-ebs: communicator \"{}\" is not supported", communicator),
                                     "kiln's amazon-ebs reaches instances over ssh (or not at all: \"none\")"));

  Config config;
  config.credentials = clients::aws::CredentialOptions{
      .access_key = c.String("access_key"),
      .secret_key = c.String("secret_key"),
      .token = c.String("token"),
      .profile = c.String("profile"),
      .shared_credentials_file = c.String("shared_credentials_file"),
      .skip_metadata_api_check = c.Bool("skip_metadata_api_check"),
  };
  config.region = c.String("region");
  config.endpoint = c.String("custom_endpoint_ec2");
  config.insecure_skip_tls_verify = c.Bool("insecure_skip_tls_verify");
  config.skip_region_validation = c.Bool("skip_region_validation");
  config.skip_credential_validation = c.Bool("skip_credential_validation");
  if (c["max_retries"].is_number_integer()) config.max_retries = c["max_retries"].get<int>();
  const nlohmann::json& polling = c["aws_polling"];
  if (polling.is_object()) {
    if (polling.value("delay_seconds", nlohmann::json()).is_number_integer())
      config.poll_delay_seconds = polling["delay_seconds"].get<int>();
    if (polling.value("max_attempts", nlohmann::json()).is_number_integer())
      config.poll_max_attempts = polling["max_attempts"].get<int>();
  }

  config.ami_name = c.String("ami_name");
  config.ami_description = c.String("ami_description");
  config.ami_users = c.Strings("ami_users");
  config.ami_groups = c.Strings("ami_groups");
  config.ami_regions = c.Strings("ami_regions");
  config.tags = StringMap(c["tags"]);
  MergeKeyValues(c["tag"], "key", config.tags);
  config.snapshot_tags = StringMap(c["snapshot_tags"]);
  MergeKeyValues(c["snapshot_tag"], "key", config.snapshot_tags);
  config.force_deregister = c.Bool("force_deregister");
  config.force_delete_snapshot = c.Bool("force_delete_snapshot");
  config.encrypt_boot = OptionalBool(c, "encrypt_boot");
  config.kms_key_id = c.String("kms_key_id");
  config.region_kms_key_ids = StringMap(c["region_kms_key_ids"]);
  config.ami_block_device_mappings = Devices(c["ami_block_device_mappings"]);
  config.skip_create_ami = c.Bool("skip_create_ami");

  config.instance_type = c.String("instance_type");
  config.source_ami = c.String("source_ami");
  const nlohmann::json& filter = c["source_ami_filter"];
  config.source_ami_filters = Filters(filter, "key");
  if (filter.is_object()) {
    config.source_ami_owners = StringList(filter.value("owners", nlohmann::json()));
    config.source_ami_most_recent = filter.value("most_recent", nlohmann::json()).is_boolean() &&
                                    filter["most_recent"].get<bool>();
  }
  config.launch_block_device_mappings = Devices(c["launch_block_device_mappings"]);
  config.availability_zone = c.String("availability_zone");
  config.subnet_id = c.String("subnet_id");
  config.vpc_id = c.String("vpc_id");
  config.security_group_ids = c.Strings("security_group_ids");
  if (std::string one = c.String("security_group_id"); !one.empty()) config.security_group_ids.push_back(one);
  config.security_group_filters = Filters(c["security_group_filter"], "name");
  config.temporary_security_group_source_cidrs = c.Strings("temporary_security_group_source_cidrs");
  if (config.temporary_security_group_source_cidrs.empty()) config.temporary_security_group_source_cidrs = {"0.0.0.0/0"};
  config.associate_public_ip_address = OptionalBool(c, "associate_public_ip_address");
  config.iam_instance_profile = c.String("iam_instance_profile");
  if (std::string s = c.String("shutdown_behavior"); !s.empty()) config.shutdown_behavior = s;
  config.disable_stop_instance = c.Bool("disable_stop_instance");
  config.ebs_optimized = c.Bool("ebs_optimized");
  config.user_data = c.String("user_data");
  config.user_data_file = c.String("user_data_file");
  config.run_tags = StringMap(c["run_tags"]);
  MergeKeyValues(c["run_tag"], "key", config.run_tags);
  config.run_volume_tags = StringMap(c["run_volume_tags"]);
  MergeKeyValues(c["run_volume_tag"], "name", config.run_volume_tags);

  config.communicator = communicator;
  config.ssh_interface = c.String("ssh_interface");
  if (communicator == "ssh") {
    Result<communicators::ssh::Config> ssh = communicators::ssh::Prepare(c);
    if (!ssh) return std::unexpected(ssh.error());
    config.ssh = std::move(*ssh);
  }
  config.ssh_password = c.String("ssh_password");
  config.ssh_keypair_name = c.String("ssh_keypair_name");
  config.ssh_private_key_file = c.String("ssh_private_key_file");
  config.temporary_key_pair_name = c.String("temporary_key_pair_name");
  if (std::string t = c.String("temporary_key_pair_type"); !t.empty()) config.temporary_key_pair_type = t;
  return config;
}

}  // namespace kiln::builders::amazon_ebs
