// The SSH communicator's settings, decoded from a builder's ssh_* options
// (Packer's communicator.SSH). Builders that make their own machine (amazon-ebs,
// qemu) read this, then fill `host` (and a temporary key) once they know them.
//
//   Result<ssh::Config> c = ssh::Prepare(decoded);      // in the builder's Prepare
//   c->host = instance_ip;                                  // when the machine exists
//   ssh::RegisterSecrets(*c);                               // mask passwords and keys in output
//   Result<std::unique_ptr<ssh::SshCommunicator>> comm =
//       ssh::Connect(*c, *ctx.ui, *ctx.cancel);             // retries until ssh_timeout
//
// Everything here is plain data: copying a Config copies no connection.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "template/schema.h"
#include "util/error.h"

namespace kiln::communicators::ssh {

enum class TransferMethod { kScp, kSftp };

// How to log in to one server. Methods are tried in this order, each only if
// set: private key (file or in-memory), agent, password (then
// keyboard-interactive with the same password).
struct Credentials {
  std::string username;
  std::string password;
  std::string private_key_file;  // OpenSSH or PEM; no passphrase
  std::string certificate_file;  // an OpenSSH certificate for that key
  std::string private_key;       // key material (e.g. a temporary key pair), never written to disk
  bool agent_auth = false;       // use the agent at $SSH_AUTH_SOCK
};

struct Bastion {
  std::string host;
  int port = 22;
  Credentials credentials;
};

// One ssh_local_tunnels or ssh_remote_tunnels entry, in OpenSSH's -L/-R
// syntax "[bind_address:]port:host:hostport" (IPv6 addresses in brackets).
// Local (-L): kiln listens on bind_address:port and the machine connects to
// host:hostport. Remote (-R): the machine's sshd listens on bind_address:port
// and kiln connects to host:hostport.
struct Tunnel {
  std::string spec;                        // as written, for messages
  std::string bind_address = "localhost";  // "" or "*": every interface
  int port = 0;
  std::string host;
  int host_port = 0;
};

// Parses one tunnel entry; the error says what is wrong with it
// ("'8080' is not [bind_address:]port:host:hostport").
std::expected<Tunnel, std::string> ParseTunnel(std::string_view spec);
// The entries of `name` (ssh_local_tunnels or ssh_remote_tunnels) of a
// decoded config; each malformed one is an error at its place in the template.
std::expected<std::vector<Tunnel>, Diagnostics> ReadTunnels(const tmpl::DecodedConfig& decoded, std::string_view name);

struct Config {
  std::string host;
  int port = 22;
  Credentials credentials;
  std::optional<Bastion> bastion;  // reach `host` through a direct-tcpip channel of this server

  std::chrono::nanoseconds pause_before_connecting{0};
  std::chrono::nanoseconds timeout = std::chrono::minutes(5);  // ssh_timeout: keep trying to connect until then
  int handshake_attempts = 10;  // connections that reach the server but fail to log in
  std::chrono::nanoseconds keep_alive_interval = std::chrono::seconds(5);  // 0: none
  std::chrono::nanoseconds read_write_timeout{0};  // 0: wait forever for data from the server
  bool pty = false;
  // Unless set, commands get the agent at $SSH_AUTH_SOCK (when set) forwarded.
  bool disable_agent_forwarding = false;
  std::vector<Tunnel> local_tunnels;   // listened on here while connected
  std::vector<Tunnel> remote_tunnels;  // listened on by the machine while connected
  TransferMethod transfer = TransferMethod::kScp;
};

// Reads the ssh_* options of a config decoded against
// communicators::ssh::Options(). `host` may be empty (builders that create
// the machine fill it later). ssh_bastion_* credentials fall back to the
// ssh_private_key_file as in Packer; the bastion user defaults to ssh_username.
// Fails, naming the option, for values kiln cannot honour: unparsable
// durations or tunnel entries, ssh_proxy_host.
Result<Config> Prepare(const tmpl::DecodedConfig& decoded);

// Registers every password and the key material (the files' contents, line
// by line, and in-memory keys) with the process output, so that no byte kiln
// prints shows them. Reads the key files; unreadable ones are skipped here
// (connecting reports them).
void RegisterSecrets(const Config& config);
// The same from a decoded builder config (ssh_password, ssh_bastion_password,
// ssh_proxy_password, winrm_password, the ssh_*private_key_file contents),
// before anything is logged. Options the config lacks are skipped.
void RegisterSecrets(const tmpl::DecodedConfig& decoded);

}  // namespace kiln::communicators::ssh
