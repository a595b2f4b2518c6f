#include "communicators/ssh/config.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "ui/output.h"
#include "util/go_duration.h"

namespace kiln::communicators::ssh {
namespace {

Result<std::chrono::nanoseconds> Duration(const tmpl::DecodedConfig& c, std::string_view name,
                                          std::chrono::nanoseconds fallback) {
  std::string text = c.String(name);
  if (text.empty()) return fallback;
  std::optional<std::chrono::nanoseconds> d = ParseGoDuration(text);
  if (!d)
    return std::unexpected(MakeError(c.At(name), fmt::format("{} '{}' is not a duration", name, text),
                                     "write it as Go does: 30s, 5m, 1h30m"));
  return *d;
}

int Int(const tmpl::DecodedConfig& c, std::string_view name, int fallback) {
  const nlohmann::json& v = c[name];
  return v.is_number_integer() && v.get<int>() != 0 ? v.get<int>() : fallback;
}

}  // namespace

Result<Config> ReadConfig(const tmpl::DecodedConfig& c) {
  Config config;
  config.host = c.String("ssh_host");
  config.port = Int(c, "ssh_port", 22);
  config.credentials = {
      .username = c.String("ssh_username"),
      .password = c.String("ssh_password"),
      .private_key_file = c.String("ssh_private_key_file"),
      .certificate_file = c.String("ssh_certificate_file"),
      .agent_auth = c.Bool("ssh_agent_auth"),
  };
  config.pty = c.Bool("ssh_pty");
  config.disable_agent_forwarding = c.Bool("ssh_disable_agent_forwarding");
  config.handshake_attempts = Int(c, "ssh_handshake_attempts", 10);
  config.transfer = c.String("ssh_file_transfer_method") == "sftp" ? TransferMethod::kSftp : TransferMethod::kScp;

  // The old ssh_wait_timeout wins when set, as in Packer.
  const char* timeout_key = c.Given("ssh_wait_timeout") ? "ssh_wait_timeout" : "ssh_timeout";
  Result<std::chrono::nanoseconds> timeout = Duration(c, timeout_key, std::chrono::minutes(5));
  if (!timeout) return std::unexpected(timeout.error());
  config.timeout = *timeout;
  Result<std::chrono::nanoseconds> keep_alive = Duration(c, "ssh_keep_alive_interval", std::chrono::seconds(5));
  if (!keep_alive) return std::unexpected(keep_alive.error());
  config.keep_alive_interval = keep_alive->count() < 0 ? std::chrono::nanoseconds(0) : *keep_alive;
  Result<std::chrono::nanoseconds> rw = Duration(c, "ssh_read_write_timeout", {});
  if (!rw) return std::unexpected(rw.error());
  config.read_write_timeout = *rw;
  Result<std::chrono::nanoseconds> pause = Duration(c, "pause_before_connecting", {});
  if (!pause) return std::unexpected(pause.error());
  config.pause_before_connecting = *pause;

  if (c.Given("ssh_bastion_host")) {
    Bastion b{
        .host = c.String("ssh_bastion_host"),
        .port = Int(c, "ssh_bastion_port", 22),
        .credentials = {
            .username = c.Given("ssh_bastion_username") ? c.String("ssh_bastion_username") : config.credentials.username,
            .password = c.String("ssh_bastion_password"),
            .private_key_file = c.Given("ssh_bastion_private_key_file") ? c.String("ssh_bastion_private_key_file")
                                                                        : config.credentials.private_key_file,
            .certificate_file = c.String("ssh_bastion_certificate_file"),
            .agent_auth = c.Bool("ssh_bastion_agent_auth"),
        }};
    if (c.Bool("ssh_bastion_interactive"))
      return std::unexpected(MakeError(c.At("ssh_bastion_interactive"), "kiln does not support ssh_bastion_interactive",
                                       "give the bastion's password in ssh_bastion_password (it is answered to "
                                       "keyboard-interactive prompts too)"));
    config.bastion = std::move(b);
  }
  for (const char* unsupported : {"ssh_local_tunnels", "ssh_remote_tunnels"})
    if (c.Given(unsupported))
      return std::unexpected(MakeError(c.At(unsupported), fmt::format("kiln does not support {} yet", unsupported),
                                       "remove it; provisioners reach the machine without tunnels"));
  if (c.Given("ssh_proxy_host"))
    return std::unexpected(MakeError(c.At("ssh_proxy_host"), "kiln does not support ssh_proxy_host (SOCKS) yet",
                                     "reach the machine through ssh_bastion_host instead"));
  return config;
}

namespace {

// A key file's contents, and each of its lines long enough to be
// recognisable, so that a key printed partly is still masked.
void RegisterKeyMaterial(const std::string& material) {
  if (material.empty()) return;
  ui::Output& out = ui::Output::Process();
  out.AddSecret(material);
  std::istringstream lines(material);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= 16 && !line.starts_with("-----")) out.AddSecret(line);
  }
}

void RegisterKeyFile(const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::ostringstream s;
  s << in.rdbuf();
  RegisterKeyMaterial(s.str());
}

void RegisterCredentials(const Credentials& c) {
  ui::Output& out = ui::Output::Process();
  if (!c.password.empty()) out.AddSecret(c.password);
  RegisterKeyFile(c.private_key_file);
  RegisterKeyMaterial(c.private_key);
}

}  // namespace

void RegisterSecrets(const tmpl::DecodedConfig& decoded) {
  ui::Output& out = ui::Output::Process();
  for (const char* name : {"ssh_password", "ssh_bastion_password", "ssh_proxy_password", "winrm_password"})
    if (decoded[name].is_string()) out.AddSecret(decoded[name].get<std::string>());
  for (const char* name : {"ssh_private_key_file", "ssh_bastion_private_key_file"})
    if (decoded[name].is_string()) RegisterKeyFile(decoded[name].get<std::string>());
}

void RegisterSecrets(const Config& config) {
  RegisterCredentials(config.credentials);
  if (config.bastion) RegisterCredentials(config.bastion->credentials);
}

}  // namespace kiln::communicators::ssh
