#include "communicators/ssh/communicator.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "communicators/ssh/transfer.h"
#include "ui/output.h"

namespace kiln::communicators::ssh {
namespace {

using std::chrono::steady_clock;

constexpr std::chrono::seconds kRetryDelay{2};
constexpr std::chrono::seconds kConnectTimeout{10};

// Splits a byte stream into lines for a RemoteCommand handler.
class LineSplitter {
 public:
  explicit LineSplitter(const std::function<void(std::string_view)>& sink) : sink_(sink) {}
  void Feed(const char* data, std::size_t n) {
    buf_.append(data, n);
    std::size_t start = 0;
    for (std::size_t nl; (nl = buf_.find('\n', start)) != std::string::npos; start = nl + 1) Emit(start, nl);
    buf_.erase(0, start);
  }
  void Flush() {
    if (!buf_.empty()) Emit(0, buf_.size());
    buf_.clear();
  }

 private:
  void Emit(std::size_t from, std::size_t to) {
    if (sink_) sink_(std::string_view(buf_).substr(from, to - from));
  }
  const std::function<void(std::string_view)>& sink_;
  std::string buf_;
};

std::uint64_t RandomId() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  return rng();
}

IoPolicy PolicyOf(const Config& config, const CancelToken& cancel) {
  return {.cancel = &cancel,
          .keep_alive_interval = config.keep_alive_interval,
          .read_write_timeout = config.read_write_timeout};
}

std::string Seconds(std::chrono::nanoseconds d) {
  return fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

SshCommunicator::SshCommunicator(Config config, std::unique_ptr<Session> session)
    : config_(std::move(config)), session_(std::move(session)) {
  if (config_.local_tunnels.empty() && config_.remote_tunnels.empty()) return;
  wake_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  pump_ = std::thread([this] { Pump(); });
}

SshCommunicator::~SshCommunicator() {
  stop_ = true;
  WakePump();
  if (pump_.joinable()) pump_.join();
  session_.reset();  // closes the tunnels, then the connection
}

void SshCommunicator::WakePump() {
  if (!wake_) return;
  std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
}

void SshCommunicator::Pump() {
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    bool busy = false;
    {
      // Waits while an operation runs; it serves the tunnels itself.
      std::lock_guard lock(mu_);
      if (stop_) break;
      if (session_ && session_->alive()) {
        session_->ServiceForwards();
        if (session_->alive()) busy = session_->AppendPollFds(fds);
        else fds.clear();
      }
    }
    // Sleep until the machine sends, a tunnel's socket is ready or we are
    // woken (a reconnect, the destructor). The descriptors may be closed by
    // an operation meanwhile: poll then returns early, which is harmless.
    fds.push_back({wake_.get(), POLLIN, 0});
    int timeout_ms = busy ? 0 : 500;
    if (::poll(fds.data(), fds.size(), timeout_ms) > 0 && (fds.back().revents & POLLIN)) {
      std::uint64_t n;
      (void)!::read(wake_.get(), &n, sizeof n);
    }
  }
}

void SshCommunicator::Disconnect() {
  std::lock_guard lock(mu_);
  session_.reset();
}

Result<Session*> SshCommunicator::Live(const CancelToken& cancel) {
  if (session_ && session_->alive()) return session_.get();
  if (session_) ui::Log("ssh: {}: the connection dropped; reconnecting", session_->label());
  session_.reset();
  if (cancel.cancelled()) return std::unexpected(MakeError("cancelled"));
  auto opened = Session::Open(config_, kConnectTimeout);
  if (!opened) return std::unexpected(opened.error().error);
  session_ = std::move(*opened);
  ui::Log("ssh: {}: reconnected", session_->label());
  WakePump();  // to serve the new session's tunnels
  return session_.get();
}

Result<int> SshCommunicator::Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) {
  // The variables go in a file only the login user can read, which the
  // command sources and removes before anything else runs: sshd accepts
  // "env" requests only for AcceptEnv names, and on the command line the
  // values would show in the machine's `ps`.
  std::string command = cmd.command;
  if (!cmd.env.empty()) {
    for (const auto& [name, value] : cmd.env)
      if (!engine::IsShellName(name))
        return std::unexpected(MakeError(fmt::format("environment variable name '{}' is not a shell name", name),
                                         "use letters, digits and '_', not starting with a digit"));
    std::string path = fmt::format("/tmp/kiln-env-{:016x}", RandomId());
    std::string contents = engine::EnvFile(cmd.env);
    std::istringstream in(contents);
    if (Result<void> up = Upload(path, {.stream = &in, .size = contents.size(), .mode = 0600}, cancel); !up)
      return std::unexpected(MakeError(fmt::format("cannot upload the command's environment to {}", path),
                                       up.error().Message()));
    command = fmt::format(". {0} && rm -f {0} || {{ rm -f {0}; exit 1; }}\n{1}", path, cmd.command);
  }
  std::lock_guard lock(mu_);
  Result<Session*> live = Live(cancel);
  if (!live) return std::unexpected(live.error());
  Session& s = **live;
  IoPolicy policy = PolicyOf(config_, cancel);
  Result<Channel> ch = StartExec(s, command, config_.pty, /*forward_agent=*/true);
  if (!ch) return std::unexpected(ch.error());

  LineSplitter out(cmd.on_stdout), err(cmd.on_stderr);
  char buf[32 * 1024];
  s.NoteActivity();
  for (;;) {
    // Tunnels and the agent channels this command opens move meanwhile.
    s.ServiceForwards(/*throttled=*/true);
    int n = ssh_channel_read_nonblocking(ch->get(), buf, sizeof buf, 0);
    if (n > 0) out.Feed(buf, static_cast<std::size_t>(n));
    int e = ssh_channel_read_nonblocking(ch->get(), buf, sizeof buf, 1);
    if (e > 0) err.Feed(buf, static_cast<std::size_t>(e));
    if (n == SSH_ERROR || e == SSH_ERROR) {
      s.MarkBroken();
      out.Flush();
      err.Flush();
      return std::unexpected(MakeError(fmt::format("ssh: {}: the connection dropped while the command ran", s.label())));
    }
    if (n > 0 || e > 0) {
      s.NoteActivity();
      continue;
    }
    if (ssh_channel_is_eof(ch->get()) || ssh_channel_is_closed(ch->get())) break;
    if (Result<void> w = s.WaitReadable(policy, ch->get()); !w) {
      out.Flush();
      err.Flush();
      if (cancel.cancelled()) {
        // Ask the remote side to stop; the builder's cleanup ends the machine anyway.
        ssh_channel_request_send_signal(ch->get(), "TERM");
        return std::unexpected(MakeError("the command was cancelled"));
      }
      return std::unexpected(w.error());
    }
  }
  out.Flush();
  err.Flush();
  int status = ssh_channel_get_exit_status(ch->get());
  if (status < 0) {
    if (!ssh_is_connected(s.get()) || !s.alive()) {
      s.MarkBroken();
      return std::unexpected(
          MakeError(fmt::format("ssh: {}: the connection dropped before the command's exit status arrived", s.label())));
    }
    // Killed by a signal: OpenSSH sends exit-signal and no exit-status.
    // Packer reports this as its "exit status missing" code.
    return 2300218;
  }
  ui::Log("ssh: {}: command exited with {}", s.label(), status);
  return status;
}

Result<void> SshCommunicator::Upload(const std::string& remote_path, engine::UploadSource source,
                                     const CancelToken& cancel) {
  std::lock_guard lock(mu_);
  Result<Session*> live = Live(cancel);
  if (!live) return std::unexpected(live.error());
  IoPolicy policy = PolicyOf(config_, cancel);
  return config_.transfer == TransferMethod::kSftp ? sftp::Upload(**live, remote_path, source, policy)
                                                   : scp::Upload(**live, remote_path, source, policy);
}

Result<void> SshCommunicator::UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                        const CancelToken& cancel) {
  std::lock_guard lock(mu_);
  Result<Session*> live = Live(cancel);
  if (!live) return std::unexpected(live.error());
  IoPolicy policy = PolicyOf(config_, cancel);
  return config_.transfer == TransferMethod::kSftp ? sftp::UploadDir(**live, remote_dir, local_dir, policy)
                                                   : scp::UploadDir(**live, remote_dir, local_dir, policy);
}

Result<void> SshCommunicator::Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) {
  std::lock_guard lock(mu_);
  Result<Session*> live = Live(cancel);
  if (!live) return std::unexpected(live.error());
  IoPolicy policy = PolicyOf(config_, cancel);
  return config_.transfer == TransferMethod::kSftp ? sftp::Download(**live, remote_path, out, policy)
                                                   : scp::Download(**live, remote_path, out, policy);
}

Result<void> SshCommunicator::DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                          const CancelToken& cancel) {
  std::lock_guard lock(mu_);
  Result<Session*> live = Live(cancel);
  if (!live) return std::unexpected(live.error());
  IoPolicy policy = PolicyOf(config_, cancel);
  return config_.transfer == TransferMethod::kSftp ? sftp::DownloadDir(**live, remote_dir, local_dir, policy)
                                                   : scp::DownloadDir(**live, remote_dir, local_dir, policy);
}

Result<std::unique_ptr<SshCommunicator>> Connect(const Config& config, ui::Ui& ui, const CancelToken& cancel) {
  if (config.pause_before_connecting.count() > 0) {
    ui.Say(fmt::format("Pausing {} before connecting...", Seconds(config.pause_before_connecting)));
    if (!cancel.SleepFor(config.pause_before_connecting))
      return std::unexpected(MakeError("cancelled while waiting to connect over SSH"));
  }
  ui.Say("Waiting for SSH to become available...");
  const auto deadline = steady_clock::now() + config.timeout;
  int handshakes = 0;
  Error last = MakeError("not tried");
  for (int attempt = 1;; ++attempt) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - steady_clock::now());
    std::chrono::seconds connect_timeout = std::clamp(left, std::chrono::seconds(1), kConnectTimeout);
    auto opened = Session::Open(config, connect_timeout);
    if (opened) {
      ui.Say("Connected to SSH!");
      ui::Log("ssh: connected to {} (attempt {})", (*opened)->label(), attempt);
      return std::make_unique<SshCommunicator>(config, std::move(*opened));
    }
    last = opened.error().error;
    ui::Log("ssh: attempt {}: {}", attempt, last.Message());
    if (opened.error().kind == FailureKind::kFatal) return std::unexpected(last);
    if (opened.error().kind == FailureKind::kLogin && ++handshakes >= config.handshake_attempts) {
      last.detail = fmt::format("gave up after {} failed logins (ssh_handshake_attempts); {}", handshakes, last.detail);
      return std::unexpected(last);
    }
    // One last try at the deadline.
    auto now = steady_clock::now();
    if (now >= deadline) break;
    auto wait = std::min<std::chrono::nanoseconds>(kRetryDelay, deadline - now);
    if (!cancel.SleepFor(wait)) return std::unexpected(MakeError("cancelled while waiting for SSH"));
  }
  return std::unexpected(MakeError(fmt::format("Timeout waiting for SSH after {}: {}", Seconds(config.timeout), last.summary),
                                   last.detail.empty() ? "check ssh_host, ssh_port and that sshd runs on the machine; "
                                                         "raise ssh_timeout if it boots slowly"
                                                       : last.detail));
}

}  // namespace kiln::communicators::ssh
