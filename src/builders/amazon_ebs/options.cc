#include "builders/amazon_ebs/options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>

#include "builders/amazon_ebs/config.h"
#include "communicators/ssh/options.h"

namespace kiln::builders::amazon_ebs {
namespace {

using enum tmpl::OptionKind;

std::string Text(const tmpl::DecodedConfig& c, std::string_view name) {
  const nlohmann::json& v = c[name];
  return v.is_string() ? v.get<std::string>() : std::string();
}

// {"key": ..., "value": ...} items: `tag`, `run_tag` and filter lists. Tag
// items are rendered later, like the tag maps.
const tmpl::Schema& KeyValue(bool deferred) {
  static const tmpl::Schema now = {.type = "key/value", .options = {{.name = "key"}, {.name = "value"}}};
  static const tmpl::Schema later = {
      .type = "key/value",
      .options = {{.name = "key", .deferred = true}, {.name = "value", .deferred = true}}};
  return deferred ? later : now;
}

const tmpl::Schema& NameValue(bool deferred) {
  static const tmpl::Schema now = {.type = "name/value", .options = {{.name = "name"}, {.name = "value"}}};
  static const tmpl::Schema later = {
      .type = "name/value",
      .options = {{.name = "name", .deferred = true}, {.name = "value", .deferred = true}}};
  return deferred ? later : now;
}

const tmpl::Schema& AmiFilter() {
  static const tmpl::Schema schema = {
      .type = "source_ami_filter",
      .options = {
          {.name = "filters", .kind = kStringMap},
          {.name = "filter", .kind = kBlockList, .block = &KeyValue(false)},
          {.name = "owners", .kind = kStringList},
          {.name = "most_recent", .kind = kBool},
      },
  };
  return schema;
}

// subnet_filter, vpc_filter and security_group_filter.
const tmpl::Schema& NameValueFilter() {
  static const tmpl::Schema schema = {
      .type = "filter",
      .options = {
          {.name = "filters", .kind = kStringMap},
          {.name = "filter", .kind = kBlockList, .block = &NameValue(false)},
          {.name = "most_free", .kind = kBool},  // subnet_filter only
          {.name = "random", .kind = kBool},     // subnet_filter only
      },
  };
  return schema;
}

void CheckBlockDevice(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (!c.Given("device_name"))
    diags.push_back(MakeError(c.where, "device_name must be set in every block device mapping",
                              "name the device as the instance sees it, e.g. \"/dev/sda1\" or \"/dev/xvdf\""));
  // Unset `encrypted` is fine: AWS encrypts when given a key.
  if (c.Given("kms_key_id") && c["encrypted"] == false)
    diags.push_back(MakeError(c.At("encrypted"),
                              fmt::format("kms_key_id is set but encrypted is false on device '{}'",
                                          Text(c, "device_name")),
                              "set \"encrypted\": true (or leave it out), or remove kms_key_id"));
}

const tmpl::Schema& BlockDeviceOptions() {
  static const tmpl::Schema schema = {
      .type = "block device mapping",
      .options = {
          {.name = "device_name"},
          {.name = "volume_size", .kind = kInt},
          {.name = "volume_type"},
          {.name = "iops", .kind = kInt},
          {.name = "throughput", .kind = kInt},
          {.name = "encrypted", .kind = kBool},  // unset, true or false
          {.name = "delete_on_termination", .kind = kBool},
          {.name = "snapshot_id"},
          {.name = "no_device", .kind = kBool},
          {.name = "virtual_name"},
          {.name = "kms_key_id"},
      },
      .check = CheckBlockDevice,
  };
  return schema;
}

// Unset means the AWS waiter defaults (15 s, 40 attempts) or the
// AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS environment variables.
const tmpl::Schema& AwsPolling() {
  static const tmpl::Schema schema = {
      .type = "aws_polling",
      .options = {{.name = "delay_seconds", .kind = kInt}, {.name = "max_attempts", .kind = kInt}},
  };
  return schema;
}

const tmpl::Schema& AssumeRole() {
  static const tmpl::Schema schema = {
      .type = "assume_role",
      .options = {
          {.name = "role_arn"},
          {.name = "duration_seconds", .kind = kInt},
          {.name = "external_id"},
          {.name = "policy"},
          {.name = "policy_arns", .kind = kStringList},
          {.name = "session_name"},
          {.name = "tags", .kind = kStringMap},
          {.name = "transitive_tag_keys", .kind = kStringList},
      },
  };
  return schema;
}

const tmpl::Schema& VaultAwsEngine() {
  static const tmpl::Schema schema = {
      .type = "vault_aws_engine",
      .options = {{.name = "name"}, {.name = "role_arn"}, {.name = "ttl"}, {.name = "engine_name"}},
  };
  return schema;
}

// An IAM policy, spelt as AWS spells it (capitalised keys).
const tmpl::Schema& PolicyStatement() {
  static const tmpl::Schema schema = {
      .type = "Statement",
      .options = {
          {.name = "Effect"},
          {.name = "Action", .kind = kStringList},
          {.name = "Resource", .kind = kStringList},
      },
  };
  return schema;
}

const tmpl::Schema& PolicyDocument() {
  static const tmpl::Schema schema = {
      .type = "temporary_iam_instance_profile_policy_document",
      .options = {
          {.name = "Version"},
          {.name = "Statement", .kind = kBlockList, .block = &PolicyStatement()},
      },
  };
  return schema;
}

const tmpl::Schema& MetadataOptions() {
  static const tmpl::Schema schema = {
      .type = "metadata_options",
      .options = {
          {.name = "http_endpoint"},
          {.name = "http_tokens"},
          {.name = "http_put_response_hop_limit", .kind = kInt},
          {.name = "instance_metadata_tags"},
      },
  };
  return schema;
}

const tmpl::Schema& Placement() {
  static const tmpl::Schema schema = {
      .type = "placement",
      .options = {{.name = "host_resource_group_arn"}, {.name = "host_id"}, {.name = "tenancy"}},
  };
  return schema;
}

// Packer counts owners too: a filter with only owners is not empty.
bool FilterEmpty(const nlohmann::json& filter) {
  if (!filter.is_object()) return true;
  for (const char* key : {"filters", "filter", "owners"})
    if (!filter.value(key, nlohmann::json()).empty()) return false;
  return true;
}

// The first character of an AMI name that AWS rejects, if any.
std::optional<char> BadAmiNameChar(std::string_view name) {
  auto it = std::ranges::find_if_not(name, [](unsigned char ch) {
    return std::isalnum(ch) || std::string_view("()[] ./-'@_").find(ch) != std::string_view::npos;
  });
  return it == name.end() ? std::nullopt : std::optional<char>(*it);
}

void CheckAtMostOne(const tmpl::DecodedConfig& c, std::string_view a, std::string_view b, Diagnostics& diags) {
  if (c.Given(a) && c.Given(b))
    diags.push_back(MakeError(c.where, fmt::format("only one of {} or {} may be set", a, b),
                              fmt::format("{} and {} are both set; keep one", a, b)));
}

// `value` must be one of `allowed` (when given at all).
void CheckEnum(const tmpl::DecodedConfig& c, std::string_view name, std::initializer_list<std::string_view> allowed,
               Diagnostics& diags) {
  std::string value = Text(c, name);
  if (value.empty() || std::ranges::find(allowed, value) != allowed.end()) return;
  diags.push_back(MakeError(c.At(name), fmt::format("unknown {} '{}'", name, value),
                            fmt::format("use one of {}", fmt::join(allowed, ", "))));
}

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c.Given("access_key") != c.Given("secret_key"))
    diags.push_back(MakeError(c.where, "access_key and secret_key must be set together",
                              fmt::format("only {} is set; set both, or neither to use the environment, a profile or "
                                          "an instance role",
                                          c.Given("access_key") ? "access_key" : "secret_key")));

  // Packer counts bytes; actions left unrendered are checked once rendered.
  std::string name = Text(c, "ami_name");
  if (!name.empty() && (name.size() < 3 || name.size() > 128))
    diags.push_back(MakeError(c.At("ami_name"),
                              fmt::format("ami_name must be between 3 and 128 characters long, not {}", name.size()),
                              name.size() < 3 ? "make the name longer" : "shorten the name"));
  std::optional<char> bad = BadAmiNameChar(name);
  if (name.find("{{") == std::string::npos && bad)
    diags.push_back(MakeError(
        c.At("ami_name"),
        fmt::format("ami_name has a character AWS does not allow: {}",
                    std::isprint(static_cast<unsigned char>(*bad))
                        ? fmt::format("'{}'", *bad)
                        : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(*bad))),
        "use letters, digits, spaces and ( ) [ ] . / - ' @ _ only; the clean_resource_name function "
        "replaces the others: {{ ... | clean_resource_name }}"));

  if (!c.Given("source_ami") && FilterEmpty(c["source_ami_filter"]))
    diags.push_back(MakeError(c.where, "source_ami or source_ami_filter must be specified",
                              "name the AMI to start from with source_ami, or let source_ami_filter find it"));
  else if (!c.Given("source_ami") && c["source_ami_filter"].value("owners", nlohmann::json()).empty())
    diags.push_back(MakeError(c.At("source_ami_filter"), "source_ami_filter must set owners",
                              "list the accounts trusted to publish the AMI (an ID, or an alias such as "
                              "\"amazon\"), so that no one else's image can match"));

  if (c.Given("instance_type") == c.Given("spot_instance_types"))
    diags.push_back(MakeError(c.where, "exactly one of instance_type or spot_instance_types must be set",
                              c.Given("instance_type") ? "instance_type and spot_instance_types are both set; keep one"
                                                       : "set instance_type, e.g. \"t3.micro\""));

  CheckAtMostOne(c, "user_data", "user_data_file", diags);
  CheckAtMostOne(c, "security_group_id", "security_group_ids", diags);

  CheckEnum(c, "shutdown_behavior", {"stop", "terminate"}, diags);
  CheckEnum(c, "ssh_interface", {"public_ip", "private_ip", "public_dns", "private_dns", "session_manager"}, diags);
  CheckEnum(c, "tenancy", {"default", "dedicated", "host"}, diags);

  // EC2 makes rsa and ed25519 key pairs only.
  std::string key_type = Text(c, "temporary_key_pair_type");
  if (key_type == "dsa" || key_type == "ecdsa")
    diags.push_back(MakeError(c.At("temporary_key_pair_type"),
                              fmt::format("amazon-ebs cannot create a temporary {} key pair", key_type),
                              "use rsa or ed25519"));

  // With an existing key pair, kiln has no private key of its own: it needs
  // the user's, to log in or to decrypt the Windows password.
  if (c.Given("ssh_keypair_name") && !c.Given("ssh_private_key_file")) {
    if (Text(c, "communicator") == "winrm") {
      if (!c.Given("winrm_password"))
        diags.push_back(MakeError(c.At("ssh_keypair_name"),
                                  "ssh_keypair_name with winrm needs ssh_private_key_file or winrm_password",
                                  "set ssh_private_key_file so that kiln can decrypt the Windows password, or "
                                  "give winrm_password"));
    } else if (!c.Given("ssh_agent_auth")) {
      diags.push_back(MakeError(c.At("ssh_keypair_name"),
                                "ssh_keypair_name needs ssh_private_key_file or ssh_agent_auth",
                                "set ssh_private_key_file to the key pair's private key, or \"ssh_agent_auth\": true "
                                "to use the key from ssh-agent"));
    }
  }

  communicators::ssh::Check(c, diags);
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "amazon-ebs",
      .options = {
          // Credentials and API access.
          {.name = "access_key"},
          {.name = "secret_key"},
          {.name = "token"},
          {.name = "profile"},
          {.name = "region"},
          {.name = "shared_credentials_file"},
          {.name = "assume_role", .kind = kBlock, .block = &AssumeRole()},
          {.name = "vault_aws_engine", .kind = kBlock, .block = &VaultAwsEngine()},
          {.name = "mfa_code"},
          {.name = "custom_endpoint_ec2"},
          {.name = "decode_authorization_messages", .kind = kBool},
          {.name = "insecure_skip_tls_verify", .kind = kBool},
          {.name = "max_retries", .kind = kInt, .default_value = 10},
          {.name = "skip_metadata_api_check", .kind = kBool},
          {.name = "skip_credential_validation", .kind = kBool},
          {.name = "aws_polling", .kind = kBlock, .block = &AwsPolling()},

          // The AMI.
          {.name = "ami_name", .required = true},
          {.name = "ami_description", .deferred = true},
          {.name = "ami_virtualization_type"},
          {.name = "ami_users", .kind = kStringList},
          {.name = "ami_groups", .kind = kStringList},
          {.name = "ami_org_arns", .kind = kStringList},
          {.name = "ami_ou_arns", .kind = kStringList},
          {.name = "ami_product_codes", .kind = kStringList},
          {.name = "ami_regions", .kind = kStringList},
          {.name = "skip_region_validation", .kind = kBool},
          {.name = "tags", .kind = kStringMap, .deferred = true},
          {.name = "tag", .kind = kBlockList, .block = &KeyValue(true)},
          {.name = "ena_support", .kind = kBool},  // unset, true or false
          {.name = "sriov_support", .kind = kBool},
          {.name = "force_deregister", .kind = kBool},
          {.name = "force_delete_snapshot", .kind = kBool},
          {.name = "encrypt_boot", .kind = kBool},  // unset, true or false
          {.name = "kms_key_id"},
          {.name = "region_kms_key_ids", .kind = kStringMap},
          {.name = "skip_save_build_region", .kind = kBool},
          {.name = "snapshot_tags", .kind = kStringMap, .deferred = true},
          {.name = "snapshot_tag", .kind = kBlockList, .block = &KeyValue(true)},
          {.name = "snapshot_users", .kind = kStringList},
          {.name = "snapshot_groups", .kind = kStringList},
          {.name = "imds_support"},
          {.name = "deprecate_at"},
          {.name = "skip_create_ami", .kind = kBool},
          {.name = "ami_block_device_mappings", .kind = kBlockList, .block = &BlockDeviceOptions()},

          // The source instance.
          {.name = "instance_type"},
          {.name = "source_ami"},
          {.name = "source_ami_filter", .kind = kBlock, .block = &AmiFilter()},
          {.name = "launch_block_device_mappings", .kind = kBlockList, .block = &BlockDeviceOptions()},
          {.name = "no_ephemeral", .kind = kBool},
          {.name = "availability_zone"},
          {.name = "associate_public_ip_address", .kind = kBool},  // unset, true or false
          {.name = "subnet_id"},
          {.name = "subnet_filter", .kind = kBlock, .block = &NameValueFilter()},
          {.name = "vpc_id"},
          {.name = "vpc_filter", .kind = kBlock, .block = &NameValueFilter()},
          {.name = "security_group_id"},
          {.name = "security_group_ids", .kind = kStringList},
          {.name = "security_group_filter", .kind = kBlock, .block = &NameValueFilter()},
          {.name = "temporary_security_group_source_cidrs",
           .kind = kStringList,
           .default_value = nlohmann::json::array({"0.0.0.0/0"})},
          {.name = "temporary_security_group_source_public_ip", .kind = kBool},
          {.name = "iam_instance_profile"},
          {.name = "skip_profile_validation", .kind = kBool},
          {.name = "temporary_iam_instance_profile_policy_document", .kind = kBlock, .block = &PolicyDocument()},
          {.name = "shutdown_behavior", .default_value = "stop"},
          {.name = "disable_stop_instance", .kind = kBool},
          {.name = "ebs_optimized", .kind = kBool},
          {.name = "enable_t2_unlimited", .kind = kBool},
          {.name = "enable_unlimited_credits", .kind = kBool},
          {.name = "enable_nitro_enclave", .kind = kBool},
          {.name = "tenancy"},
          {.name = "placement", .kind = kBlock, .block = &Placement()},
          {.name = "capacity_reservation_preference"},
          {.name = "capacity_reservation_id"},
          {.name = "capacity_reservation_group_arn"},
          {.name = "metadata_options", .kind = kBlock, .block = &MetadataOptions()},
          {.name = "user_data"},
          {.name = "user_data_file"},
          {.name = "run_tags", .kind = kStringMap, .deferred = true},
          {.name = "run_tag", .kind = kBlockList, .block = &KeyValue(true)},
          {.name = "run_volume_tags", .kind = kStringMap, .deferred = true},
          {.name = "run_volume_tag", .kind = kBlockList, .block = &NameValue(true)},
          {.name = "windows_password_timeout", .kind = kDuration, .default_value = "20m"},

          // Spot instances.
          {.name = "spot_price"},
          {.name = "spot_price_auto_product"},  // ignored since 1.6; Packer warns
          {.name = "spot_instance_types", .kind = kStringList},
          {.name = "spot_allocation_strategy"},
          {.name = "block_duration_minutes", .kind = kInt},
          {.name = "spot_tags", .kind = kStringMap, .deferred = true},
          {.name = "spot_tag", .kind = kBlockList, .block = &KeyValue(true)},
          {.name = "fleet_tags", .kind = kStringMap, .deferred = true},
          {.name = "fleet_tag", .kind = kBlockList, .block = &KeyValue(true)},

          // Connecting: which address, and AWS Session Manager tunnels.
          {.name = "ssh_interface"},
          {.name = "pause_before_ssm", .kind = kDuration},
          {.name = "session_manager_port", .kind = kInt},
      },
      .includes = {&communicators::ssh::Options()},
      .build_values = {"BuildRegion", "SourceAMI", "SourceAMICreationDate", "SourceAMIName", "SourceAMIOwner",
                       "SourceAMIOwnerName"},
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
      .clean_resource_name = true,
  };
  return schema;
}

}  // namespace kiln::builders::amazon_ebs
