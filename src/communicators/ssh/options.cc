#include "communicators/ssh/options.h"

#include <fmt/format.h>

#include "communicators/ssh/config.h"

namespace kiln::communicators::ssh {
namespace {

using enum tmpl::OptionKind;

std::string Text(const tmpl::DecodedConfig& c, std::string_view name) {
  const nlohmann::json& v = c[name];
  return v.is_string() ? v.get<std::string>() : std::string();
}

void CheckSsh(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (!c.Given("ssh_username"))
    diags.push_back(MakeError(c.where, "ssh_username must be set for the ssh communicator",
                              "set ssh_username to the user kiln logs in as; no builder defaults it"));
  // "" means the default, as in Packer.
  std::string method = Text(c, "ssh_file_transfer_method");
  if (!method.empty() && method != "scp" && method != "sftp")
    diags.push_back(MakeError(c.At("ssh_file_transfer_method"),
                              fmt::format("unknown ssh_file_transfer_method '{}'", method), "use scp or sftp"));
  std::string key_type = Text(c, "temporary_key_pair_type");
  if (!key_type.empty() && key_type != "rsa" && key_type != "ed25519" && key_type != "ecdsa" && key_type != "dsa")
    diags.push_back(MakeError(c.At("temporary_key_pair_type"),
                              fmt::format("unknown temporary_key_pair_type '{}'", key_type),
                              "use rsa, ed25519, ecdsa or dsa"));
  // The bastion may use ssh_private_key_file too, as in Packer.
  if (c.Given("ssh_bastion_host") && !c.Given("ssh_bastion_agent_auth") && !c.Given("ssh_bastion_password") &&
      !c.Given("ssh_bastion_private_key_file") && !c.Given("ssh_private_key_file"))
    diags.push_back(MakeError(c.At("ssh_bastion_host"), "ssh_bastion_host is set without a way to log in to it",
                              "set ssh_bastion_password, ssh_bastion_private_key_file or "
                              "\"ssh_bastion_agent_auth\": true"));
  for (const char* name : {"ssh_local_tunnels", "ssh_remote_tunnels"})
    if (std::expected<std::vector<Tunnel>, Diagnostics> tunnels = ReadTunnels(c, name); !tunnels)
      diags.insert(diags.end(), tunnels.error().begin(), tunnels.error().end());
  if (c.Given("ssh_bastion_host") && c.Given("ssh_proxy_host"))
    diags.push_back(MakeError(c.where, "only one of ssh_bastion_host or ssh_proxy_host may be set",
                              "connect either through an SSH bastion or through a SOCKS proxy, not both"));
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "communicator",
      .options = {
          {.name = "communicator", .default_value = "ssh"},
          {.name = "pause_before_connecting", .kind = kDuration},

          {.name = "ssh_host"},
          {.name = "ssh_port", .kind = kInt, .default_value = 22},
          {.name = "ssh_username"},
          {.name = "ssh_password"},
          {.name = "ssh_private_key_file"},
          {.name = "ssh_certificate_file"},
          {.name = "ssh_keypair_name"},
          {.name = "ssh_agent_auth", .kind = kBool},
          {.name = "ssh_disable_agent_forwarding", .kind = kBool},
          {.name = "ssh_pty", .kind = kBool},
          {.name = "ssh_timeout", .kind = kDuration, .default_value = "5m"},
          {.name = "ssh_wait_timeout", .kind = kDuration, .replaced_by = "ssh_timeout"},
          {.name = "ssh_handshake_attempts", .kind = kInt, .default_value = 10},
          {.name = "ssh_keep_alive_interval", .kind = kDuration, .default_value = "5s"},
          {.name = "ssh_read_write_timeout", .kind = kDuration},
          {.name = "ssh_file_transfer_method", .default_value = "scp"},
          {.name = "ssh_clear_authorized_keys", .kind = kBool},
          {.name = "ssh_ciphers", .kind = kStringList},
          {.name = "ssh_key_exchange_algorithms", .kind = kStringList},
          {.name = "ssh_local_tunnels", .kind = kStringList},
          {.name = "ssh_remote_tunnels", .kind = kStringList},
          {.name = "temporary_key_pair_name"},
          {.name = "temporary_key_pair_type", .default_value = "rsa"},
          {.name = "temporary_key_pair_bits", .kind = kInt},  // 4096 for rsa

          {.name = "ssh_bastion_host"},
          {.name = "ssh_bastion_port", .kind = kInt, .default_value = 22},
          {.name = "ssh_bastion_username"},
          {.name = "ssh_bastion_password"},
          {.name = "ssh_bastion_agent_auth", .kind = kBool},
          {.name = "ssh_bastion_interactive", .kind = kBool},
          {.name = "ssh_bastion_private_key_file"},
          {.name = "ssh_bastion_certificate_file"},
          {.name = "ssh_proxy_host"},
          {.name = "ssh_proxy_port", .kind = kInt, .default_value = 1080},
          {.name = "ssh_proxy_username"},
          {.name = "ssh_proxy_password"},

          {.name = "winrm_host"},
          {.name = "winrm_port", .kind = kInt},
          {.name = "winrm_username"},
          {.name = "winrm_password"},
          {.name = "winrm_timeout", .kind = kDuration, .default_value = "30m"},
          {.name = "winrm_use_ssl", .kind = kBool},
          {.name = "winrm_insecure", .kind = kBool},
          {.name = "winrm_use_ntlm", .kind = kBool},
          {.name = "winrm_no_proxy", .kind = kBool},
      },
  };
  return schema;
}

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  std::string type = Text(c, "communicator");
  if (type == "ssh") {
    CheckSsh(c, diags);
  } else if (type == "winrm") {
    if (!c.Given("winrm_username"))
      diags.push_back(MakeError(c.where, "winrm_username must be set for the winrm communicator",
                                "set winrm_username to the user kiln logs in as"));
  } else if (type != "docker" && type != "dockerWindowsContainer" && type != "none") {
    diags.push_back(MakeError(c.At("communicator"), fmt::format("unknown communicator type '{}'", type),
                              "use ssh, winrm, docker, dockerWindowsContainer or none"));
  }
}

}  // namespace kiln::communicators::ssh
