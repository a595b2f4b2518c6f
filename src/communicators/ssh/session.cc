#include "communicators/ssh/session.h"

#include <fmt/format.h>
#include <libssh/server.h>  // ssh_send_keepalive (a client can send it too)
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "communicators/ssh/forward.h"
#include "ui/output.h"

namespace kiln::communicators::ssh {
namespace {

using std::chrono::steady_clock;

std::string HostPort(const std::string& host, int port) { return fmt::format("{}:{}", host, port); }

// Ciphers fastest first where the CPU has AES instructions; the server picks
// the first it shares.
constexpr const char* kCiphers =
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr";

// A fresh libssh session for `host:port` as `user` (no ~/.ssh/config, no
// known_hosts checks: as Packer, kiln talks to machines it just made).
std::expected<SessionPtr, ConnectFailure> NewSession(const std::string& host, int port, const std::string& user,
                                                     std::chrono::seconds connect_timeout, UniqueFd fd) {
  SessionPtr owner(ssh_new());
  ssh_session s = owner.get();
  if (!s) return std::unexpected(ConnectFailure{FailureKind::kFatal, MakeError("cannot create an SSH session")});
  bool no = false;
  long timeout = connect_timeout.count();
  int nodelay = 1;
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_HOST, host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  if (!user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(s, SSH_OPTIONS_CIPHERS_C_S, kCiphers);
  ssh_options_set(s, SSH_OPTIONS_CIPHERS_S_C, kCiphers);
  if (fd) {
    int raw = fd.Release();  // the session closes it when freed
    ssh_options_set(s, SSH_OPTIONS_FD, &raw);
  }
  return owner;
}

// Logs in with what `c` offers, in Packer's order: key, agent, password,
// keyboard-interactive. The error lists what was tried.
std::expected<void, ConnectFailure> Authenticate(ssh_session s, const Credentials& c, const std::string& label) {
  auto login_failed = [&](const std::vector<std::string>& tried) {
    std::string list;
    for (const std::string& t : tried) list += (list.empty() ? "" : ", ") + t;
    return std::unexpected(ConnectFailure{
        FailureKind::kLogin,
        MakeError(fmt::format("ssh: {}: authentication failed ({})", label, list.empty() ? "no method set" : list),
                  "check ssh_username and the password, key or agent the template gives")});
  };
  auto fatal = [](std::string summary, std::string detail = {}) {
    return std::unexpected(ConnectFailure{FailureKind::kFatal, MakeError(std::move(summary), std::move(detail))});
  };

  int rc = ssh_userauth_none(s, nullptr);
  if (rc == SSH_AUTH_SUCCESS) return {};
  if (rc == SSH_AUTH_ERROR)
    return std::unexpected(ConnectFailure{
        FailureKind::kUnreachable, MakeError(fmt::format("ssh: {}: {}", label, ssh_get_error(s)))});
  std::vector<std::string> tried;

  if (!c.private_key_file.empty() || !c.private_key.empty()) {
    ssh_key raw_key = nullptr;
    if (!c.private_key_file.empty()) {
      if (ssh_pki_import_privkey_file(c.private_key_file.c_str(), nullptr, nullptr, nullptr, &raw_key) != SSH_OK)
        return fatal(fmt::format("cannot read the private key in {}", c.private_key_file),
                     "ssh_private_key_file must be an unencrypted OpenSSH or PEM private key readable by kiln");
    } else if (ssh_pki_import_privkey_base64(c.private_key.c_str(), nullptr, nullptr, nullptr, &raw_key) != SSH_OK) {
      return fatal("cannot read the temporary private key");
    }
    KeyPtr key(raw_key);
    if (!c.certificate_file.empty()) {
      ssh_key raw_cert = nullptr;
      if (ssh_pki_import_cert_file(c.certificate_file.c_str(), &raw_cert) != SSH_OK)
        return fatal(fmt::format("cannot read the certificate in {}", c.certificate_file),
                     "ssh_certificate_file must be an OpenSSH certificate (ssh-keygen -s) for ssh_private_key_file");
      KeyPtr cert(raw_cert);
      if (ssh_pki_copy_cert_to_privkey(cert.get(), key.get()) != SSH_OK)
        return fatal(fmt::format("the certificate in {} does not match the private key", c.certificate_file));
      rc = ssh_userauth_try_publickey(s, nullptr, cert.get());
      if (rc == SSH_AUTH_SUCCESS) rc = ssh_userauth_publickey(s, nullptr, key.get());
      tried.push_back("certificate");
    } else {
      rc = ssh_userauth_publickey(s, nullptr, key.get());
      tried.push_back("publickey");
    }
    if (rc == SSH_AUTH_SUCCESS) return {};
  }

  if (c.agent_auth) {
    const char* sock = std::getenv("SSH_AUTH_SOCK");
    if (!sock || !*sock)
      return fatal("ssh_agent_auth is set but SSH_AUTH_SOCK is not",
                   "start an ssh-agent (eval $(ssh-agent); ssh-add KEY) before running kiln");
    rc = ssh_userauth_agent(s, nullptr);
    tried.push_back("agent");
    if (rc == SSH_AUTH_SUCCESS) return {};
  }

  if (!c.password.empty()) {
    rc = ssh_userauth_password(s, nullptr, c.password.c_str());
    tried.push_back("password");
    if (rc == SSH_AUTH_SUCCESS) return {};
    // Servers with PAM often offer only keyboard-interactive: answer every
    // prompt with the password, as Packer does.
    rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    int rounds = 0;
    while (rc == SSH_AUTH_INFO && rounds++ < 10) {
      int prompts = ssh_userauth_kbdint_getnprompts(s);
      for (int i = 0; i < prompts; ++i) ssh_userauth_kbdint_setanswer(s, i, c.password.c_str());
      rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    }
    tried.push_back("keyboard-interactive");
    if (rc == SSH_AUTH_SUCCESS) return {};
  }
  if (!ssh_is_connected(s))
    return std::unexpected(ConnectFailure{
        FailureKind::kLogin, MakeError(fmt::format("ssh: {}: the server closed the connection during login ({})",
                                                   label, ssh_get_error(s)))});
  return login_failed(tried);
}

std::expected<SessionPtr, ConnectFailure> ConnectAndLogin(const std::string& host, int port, const Credentials& c,
                                                          std::chrono::seconds connect_timeout, UniqueFd fd,
                                                          const std::string& label) {
  std::expected<SessionPtr, ConnectFailure> s = NewSession(host, port, c.username, connect_timeout, std::move(fd));
  if (!s) return s;
  if (ssh_connect(s->get()) != SSH_OK)
    return std::unexpected(ConnectFailure{FailureKind::kUnreachable,
                                          MakeError(fmt::format("ssh: {}: {}", label, ssh_get_error(s->get())))});
  if (std::expected<void, ConnectFailure> auth = Authenticate(s->get(), c, label); !auth)
    return std::unexpected(auth.error());
  return s;
}

bool WriteFully(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

std::expected<std::unique_ptr<Session>, ConnectFailure> Session::Open(const Config& config,
                                                                      std::chrono::seconds connect_timeout) {
  auto session = std::make_unique<Session>(PrivateTag{});
  std::string target = fmt::format("{}@{}", config.credentials.username, HostPort(config.host, config.port));
  if (!config.bastion) {
    session->label_ = target;
    std::expected<SessionPtr, ConnectFailure> s =
        ConnectAndLogin(config.host, config.port, config.credentials, connect_timeout, UniqueFd(), target);
    if (!s) return std::unexpected(s.error());
    session->session_ = std::move(*s);
    if (auto f = session->StartForwarding(config); !f) return std::unexpected(f.error());
    return session;
  }

  const Bastion& b = *config.bastion;
  std::string bastion_label = fmt::format("bastion {}@{}", b.credentials.username, HostPort(b.host, b.port));
  session->label_ = fmt::format("{} via {}", target, bastion_label);
  std::expected<SessionPtr, ConnectFailure> bs =
      ConnectAndLogin(b.host, b.port, b.credentials, connect_timeout, UniqueFd(), bastion_label);
  if (!bs) return std::unexpected(bs.error());
  session->bastion_ = std::move(*bs);

  session->tunnel_ = Channel(ssh_channel_new(session->bastion_.get()));
  if (!session->tunnel_ ||
      ssh_channel_open_forward(session->tunnel_.get(), config.host.c_str(), config.port, "127.0.0.1", 0) != SSH_OK)
    return std::unexpected(ConnectFailure{
        FailureKind::kUnreachable, MakeError(fmt::format("ssh: {}: cannot open a channel to {}: {}", bastion_label,
                                                         HostPort(config.host, config.port),
                                                         ssh_get_error(session->bastion_.get())))});
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return std::unexpected(
        ConnectFailure{FailureKind::kFatal, MakeError("cannot create a socketpair", std::strerror(errno))});
  UniqueFd target_end(sv[0]);
  session->pump_fd_ = UniqueFd(sv[1]);
  session->pump_ = std::thread([s = session.get()] { s->PumpBastion(); });
  // The target session owns (and closes) its end.
  std::expected<SessionPtr, ConnectFailure> s = ConnectAndLogin(config.host, config.port, config.credentials,
                                                                connect_timeout, std::move(target_end), session->label_);
  if (!s) return std::unexpected(s.error());
  session->session_ = std::move(*s);
  if (auto f = session->StartForwarding(config); !f) return std::unexpected(f.error());
  return session;
}

std::expected<void, ConnectFailure> Session::StartForwarding(const Config& config) {
  const char* sock = config.disable_agent_forwarding ? nullptr : std::getenv("SSH_AUTH_SOCK");
  std::string agent = sock ? sock : "";
  if (agent.empty() && config.local_tunnels.empty() && config.remote_tunnels.empty()) return {};
  forwarder_ = std::make_unique<Forwarder>(session_.get(), label_, config.local_tunnels, config.remote_tunnels, agent);
  // The callbacks run inside libssh's packet handling, on the thread that
  // holds the communicator's lock; they only hand the channel to forwarder_.
  ssh_callbacks_init(&callbacks_);
  callbacks_.userdata = this;
  if (!agent.empty()) callbacks_.channel_open_request_auth_agent_function = OnAgentChannel;
  ssh_set_callbacks(session_.get(), &callbacks_);
  if (!config.remote_tunnels.empty()) ssh_set_message_callback(session_.get(), OnMessage, this);
  if (Result<void> listening = forwarder_->Listen(); !listening) {
    forwarder_.reset();
    return std::unexpected(ConnectFailure{FailureKind::kFatal, listening.error()});
  }
  return {};
}

ssh_channel Session::OnAgentChannel(ssh_session, void* self) {
  Forwarder* f = static_cast<Session*>(self)->forwarder_.get();
  return f ? f->OnAgentChannel() : nullptr;
}

int Session::OnMessage(ssh_session, ssh_message msg, void* self) {
  Forwarder* f = static_cast<Session*>(self)->forwarder_.get();
  return f && f->OnForwardedChannel(msg) ? 0 : 1;  // 1: libssh gives the default answer (a refusal)
}

bool Session::forwards_agent() const { return forwarder_ && forwarder_->forwards_agent(); }

void Session::ServiceForwards(bool throttled) {
  if (!forwarder_ || broken_) return;
  auto now = steady_clock::now();
  if (throttled && now - last_service_ < std::chrono::milliseconds(10)) return;
  last_service_ = now;
  if (!forwarder_->Service()) broken_ = true;
}

bool Session::AppendPollFds(std::vector<pollfd>& fds) {
  fds.push_back({ssh_get_fd(session_.get()), POLLIN, 0});
  if (!forwarder_) return false;
  forwarder_->AppendPollFds(fds);
  return forwarder_->HasBuffered();
}

// Out of line: Forwarder is complete only here.
Session::Session(PrivateTag) {}

Session::~Session() {
  // In this order: channels before the session that owns them; the target
  // session closes its end of the socketpair, so the pump sees EOF.
  forwarder_.reset();
  session_.reset();
  stop_ = true;
  if (pump_.joinable()) pump_.join();
  pump_fd_.Reset();
  tunnel_.reset();
  bastion_.reset();
}

bool Session::alive() const {
  return !broken_ && session_ && ssh_is_connected(session_.get()) &&
         (!bastion_ || (ssh_is_connected(bastion_.get()) && !stop_.load()));
}

// Bytes from the tunnel channel go to the socketpair and back, until either
// side closes or the session is destroyed. Only this thread touches
// bastion_ once it runs.
void Session::PumpBastion() {
  std::vector<char> buf(64 * 1024);
  const int bastion_fd = ssh_get_fd(bastion_.get());
  ssh_channel tunnel = tunnel_.get();
  const int pump_fd = pump_fd_.get();
  auto last_keep_alive = steady_clock::now();
  while (!stop_) {
    bool idle = true;
    int n = ssh_channel_read_nonblocking(tunnel, buf.data(), static_cast<uint32_t>(buf.size()), 0);
    if (n == SSH_ERROR) break;
    if (n > 0) {
      idle = false;
      if (!WriteFully(pump_fd, buf.data(), static_cast<std::size_t>(n))) break;
    } else if (ssh_channel_is_eof(tunnel) || ssh_channel_is_closed(tunnel)) {
      break;
    }
    pollfd local{pump_fd, POLLIN, 0};
    if (::poll(&local, 1, 0) > 0) {
      ssize_t r = ::read(pump_fd, buf.data(), buf.size());
      if (r <= 0) break;  // the target session closed its socket
      idle = false;
      if (ssh_channel_write(tunnel, buf.data(), static_cast<uint32_t>(r)) == SSH_ERROR) break;
    }
    if (!idle) continue;
    if (steady_clock::now() - last_keep_alive > std::chrono::seconds(5)) {
      ssh_send_keepalive(bastion_.get());
      last_keep_alive = steady_clock::now();
    }
    pollfd fds[2] = {{pump_fd, POLLIN, 0}, {bastion_fd, POLLIN, 0}};
    ::poll(fds, 2, 200);
  }
  stop_ = true;
  ::shutdown(pump_fd, SHUT_RDWR);  // the target session sees the drop
}

Result<void> Session::WaitReadable(const IoPolicy& policy, ssh_channel channel, std::chrono::milliseconds step) {
  if (policy.cancel && policy.cancel->cancelled()) return std::unexpected(MakeError("cancelled"));
  if (!alive()) {
    broken_ = true;
    return std::unexpected(MakeError(fmt::format("ssh: {}: the connection dropped", label_)));
  }
  std::vector<pollfd> fds;
  bool busy = false;
  if (forwarder_) {
    // Serving the tunnels reads from the session: what it read for the
    // caller's channel is in libssh's buffers now, not on the socket.
    ServiceForwards();
    if (channel && (ssh_channel_poll(channel, 0) != 0 || ssh_channel_poll(channel, 1) != 0)) return {};
  }
  busy = AppendPollFds(fds);
  int r = ::poll(fds.data(), fds.size(), busy ? 0 : static_cast<int>(step.count()));
  auto now = steady_clock::now();
  if (r > 0 && fds[0].revents != 0) {
    // The caller's next libssh read decides whether the bytes were data;
    // any bytes (a keep-alive reply too) show the server is there.
    last_activity_ = now;
    return {};
  }
  if (r > 0 || busy) ServiceForwards();  // a tunnel's socket is ready
  if (policy.read_write_timeout.count() > 0 && now - last_activity_ > policy.read_write_timeout) {
    broken_ = true;
    return std::unexpected(MakeError(fmt::format("ssh: {}: no data from the server for {}s", label_,
                                                 std::chrono::duration_cast<std::chrono::seconds>(
                                                     policy.read_write_timeout).count()),
                                     "ssh_read_write_timeout ended the wait; the machine may have hung"));
  }
  if (policy.keep_alive_interval.count() > 0 && now - last_keep_alive_ > policy.keep_alive_interval) {
    last_keep_alive_ = now;
    if (ssh_send_keepalive(session_.get()) != SSH_OK) broken_ = true;
  }
  return {};
}

Error SshError(Session& session, std::string_view what) {
  if (!ssh_is_connected(session.get())) session.MarkBroken();
  return MakeError(fmt::format("ssh: {}: {}: {}", session.label(), what, ssh_get_error(session.get())));
}

Result<Channel> StartExec(Session& session, const std::string& command, bool pty, bool forward_agent) {
  Channel ch(ssh_channel_new(session.get()));
  if (!ch.get()) return std::unexpected(SshError(session, "cannot create a channel"));
  if (ssh_channel_open_session(ch.get()) != SSH_OK) {
    session.MarkBroken();  // a live server always grants a session channel
    return std::unexpected(SshError(session, "cannot open a session"));
  }
  // The server answers nothing (want-reply is off): one that refuses
  // (AllowAgentForwarding no) just runs the command without an agent.
  if (forward_agent && session.forwards_agent() && ssh_channel_request_auth_agent(ch.get()) != SSH_OK)
    ui::Log("ssh: {}: cannot request agent forwarding: {}", session.label(), ssh_get_error(session.get()));
  if (pty && ssh_channel_request_pty_size(ch.get(), "xterm", 80, 40) != SSH_OK)
    return std::unexpected(SshError(session, "cannot allocate a pty"));
  if (ssh_channel_request_exec(ch.get(), command.c_str()) != SSH_OK)
    return std::unexpected(SshError(session, "cannot start the command"));
  ui::Log("ssh: {}: started: {}", session.label(), command);
  return ch;
}

Result<void> ReadExact(Session& session, ssh_channel channel, char* buf, std::size_t n, const IoPolicy& policy,
                       std::string* stderr_text) {
  char errbuf[4096];
  while (n > 0) {
    session.ServiceForwards(/*throttled=*/true);
    int r = ssh_channel_read_nonblocking(channel, buf, static_cast<uint32_t>(n), 0);
    if (r == SSH_ERROR) return std::unexpected(SshError(session, "reading"));
    int e = ssh_channel_read_nonblocking(channel, errbuf, sizeof errbuf, 1);
    if (e > 0 && stderr_text && stderr_text->size() < 64 * 1024) stderr_text->append(errbuf, static_cast<size_t>(e));
    if (r > 0) {
      session.NoteActivity();
      buf += r;
      n -= static_cast<std::size_t>(r);
      continue;
    }
    if (e > 0) continue;
    if (ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel))
      return std::unexpected(MakeError(fmt::format("ssh: {}: the remote end closed the stream early", session.label()),
                                       stderr_text ? *stderr_text : std::string()));
    if (Result<void> w = session.WaitReadable(policy, channel); !w) return w;
  }
  return {};
}

Result<void> WriteAll(Session& session, ssh_channel channel, std::string_view data) {
  while (!data.empty()) {
    session.ServiceForwards(/*throttled=*/true);
    int w = ssh_channel_write(channel, data.data(), static_cast<uint32_t>(data.size()));
    if (w == SSH_ERROR || w < 0) return std::unexpected(SshError(session, "writing"));
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return {};
}

}  // namespace kiln::communicators::ssh
