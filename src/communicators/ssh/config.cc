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

std::optional<int> Port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    port = port * 10 + (ch - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::expected<Tunnel, std::string> ParseTunnel(std::string_view spec) {
  // Split on ':' outside brackets; "[::1]" is one field, without its brackets.
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < spec.size(); ++i) {
    char ch = spec[i];
    if (ch == '[' && fields.back().empty()) {
      std::size_t close = spec.find(']', i);
      if (close == std::string_view::npos) return std::unexpected("'[' without a closing ']'");
      fields.back() = std::string(spec.substr(i + 1, close - i - 1));
      i = close;
      if (i + 1 < spec.size() && spec[i + 1] != ':')
        return std::unexpected(fmt::format("'{}' after ']' (expected ':')", spec[i + 1]));
    } else if (ch == ':') {
      fields.emplace_back();
    } else {
      fields.back() += ch;
    }
  }
  if (fields.size() != 3 && fields.size() != 4)
    return std::unexpected("expected [bind_address:]port:host:hostport");
  Tunnel t{.spec = std::string(spec)};
  std::size_t at = 0;
  if (fields.size() == 4) t.bind_address = fields[at++];
  std::optional<int> port = Port(fields[at]);
  if (!port) return std::unexpected(fmt::format("'{}' is not a port (1-65535)", fields[at]));
  t.port = *port;
  t.host = fields[at + 1];
  if (t.host.empty()) return std::unexpected("the host to connect to is empty");
  std::optional<int> host_port = Port(fields[at + 2]);
  if (!host_port) return std::unexpected(fmt::format("'{}' is not a port (1-65535)", fields[at + 2]));
  t.host_port = *host_port;
  return t;
}

std::expected<std::vector<Tunnel>, Diagnostics> ReadTunnels(const tmpl::DecodedConfig& c, std::string_view name) {
  const bool local = name == "ssh_local_tunnels";
  std::vector<Tunnel> tunnels;
  Diagnostics errors;
  std::vector<std::string> specs = c.Strings(name);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::expected<Tunnel, std::string> t = ParseTunnel(specs[i]);
    if (t) {
      tunnels.push_back(std::move(*t));
      continue;
    }
    // The entry's own place when the template wrote a list, else the option's.
    std::string entry = fmt::format("{}[{}]", name, i);
    errors.push_back(MakeError(
        c.IsSet(entry) ? c.At(entry) : c.At(name), fmt::format("bad {} entry '{}': {}", name, specs[i], t.error()),
        local ? "write it as OpenSSH's -L takes it: \"8080:localhost:80\" listens on localhost:8080 here and "
                "reaches localhost:80 from the machine"
              : "write it as OpenSSH's -R takes it: \"8080:localhost:80\" listens on localhost:8080 on the "
                "machine and reaches localhost:80 from here"));
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return tunnels;
}

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
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
  std::expected<std::vector<Tunnel>, Diagnostics> local = ReadTunnels(c, "ssh_local_tunnels");
  if (!local) return std::unexpected(local.error().front());
  config.local_tunnels = std::move(*local);
  std::expected<std::vector<Tunnel>, Diagnostics> remote = ReadTunnels(c, "ssh_remote_tunnels");
  if (!remote) return std::unexpected(remote.error().front());
  config.remote_tunnels = std::move(*remote);
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
