// One logged-in SSH connection (libssh), optionally through a bastion: the
// bastion's session carries a direct-tcpip channel to the target, and a pump
// thread moves bytes between that channel and a socketpair the target
// session uses as its socket. With tunnels or agent forwarding configured,
// a Forwarder (forward.h) serves them on the target session. Move-free
// owner: the destructor closes the tunnels, disconnects both sessions and
// joins the pump.
//
// Not thread-safe: the SshCommunicator serialises calls.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "communicators/ssh/config.h"
#include "communicators/ssh/libssh_owners.h"
#include "engine/communicator.h"
#include "util/cancel.h"
#include "util/unique_fd.h"

namespace kiln::communicators::ssh {

class Forwarder;

// Why a connection attempt failed: the server could not be reached (retry
// until ssh_timeout), it refused the login (counts as a handshake attempt),
// or the settings cannot work (a missing key file: do not retry).
enum class FailureKind { kUnreachable, kLogin, kFatal };
struct ConnectFailure {
  FailureKind kind;
  Error error;
};

// Limits an operation applies while it waits for the server.
struct IoPolicy {
  const CancelToken* cancel = nullptr;
  std::chrono::nanoseconds keep_alive_interval{0};
  std::chrono::nanoseconds read_write_timeout{0};
};

class Session {
  struct PrivateTag {};  // only Open makes one

 public:
  // Connects (TCP connect timeout `connect_timeout`), logs in and sets up
  // config's tunnels and agent forwarding (a tunnel that cannot listen is a
  // kFatal failure).
  static std::expected<std::unique_ptr<Session>, ConnectFailure> Open(const Config& config,
                                                                      std::chrono::seconds connect_timeout);
  explicit Session(PrivateTag);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  ssh_session get() const { return session_.get(); }
  // False once the connection dropped or an operation broke it.
  bool alive() const;
  void MarkBroken() { broken_ = true; }
  // "kilntest@127.0.0.1:2222" (with " via bastion host:port").
  const std::string& label() const { return label_; }

  // Waits until the socket has data (or `step` passes), serving the
  // tunnels meanwhile; returns at once when libssh already holds data or EOF
  // for `channel` (the one the caller reads). Sends keep-alives every
  // policy.keep_alive_interval, and fails when nothing arrived for
  // policy.read_write_timeout, the connection dropped or the token tripped.
  Result<void> WaitReadable(const IoPolicy& policy, ssh_channel channel = nullptr,
                            std::chrono::milliseconds step = std::chrono::milliseconds(200));
  // Any bytes arrived: resets the read_write_timeout clock.
  void NoteActivity() { last_activity_ = std::chrono::steady_clock::now(); }

  // Commands should ask for agent forwarding (ssh_disable_agent_forwarding
  // unset and SSH_AUTH_SOCK set).
  bool forwards_agent() const;
  // One non-blocking pass over the tunnels and agent channels (no-op
  // without them); `throttled` skips it when the last pass was under 10 ms
  // ago, for busy read and write loops. Marks the session broken when the
  // connection dropped.
  void ServiceForwards(bool throttled = false);
  // The idle pump's wait: what to poll (the session's socket first) and
  // whether there is work already (poll without sleeping).
  bool AppendPollFds(std::vector<pollfd>& fds);

 private:
  void PumpBastion();
  std::expected<void, ConnectFailure> StartForwarding(const Config& config);
  static ssh_channel OnAgentChannel(ssh_session session, void* self);
  static int OnMessage(ssh_session session, ssh_message msg, void* self);

  SessionPtr session_;
  SessionPtr bastion_;
  Channel tunnel_;    // on bastion_, to the target
  UniqueFd pump_fd_;  // our end of the socketpair; the other is session_'s socket
  std::thread pump_;
  std::atomic<bool> stop_{false};
  bool broken_ = false;
  std::string label_;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_keep_alive_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_service_{};
  // Registered with session_ (libssh keeps the pointer); routes to forwarder_.
  ssh_callbacks_struct callbacks_{};
  std::unique_ptr<Forwarder> forwarder_;  // null without tunnels and agent forwarding
};

// Opens a session channel and starts `command` in it (with a pty if asked,
// and the agent forwarded when `forward_agent` and the session forwards it).
Result<Channel> StartExec(Session& session, const std::string& command, bool pty, bool forward_agent = false);

// Reads exactly `n` bytes of the channel's stdout, waiting as `policy` says.
// stderr output is appended to `*stderr_text` (may be null: dropped).
Result<void> ReadExact(Session& session, ssh_channel channel, char* buf, std::size_t n, const IoPolicy& policy,
                       std::string* stderr_text = nullptr);
// Writes all of `data` (blocks while the server's window is full).
Result<void> WriteAll(Session& session, ssh_channel channel, std::string_view data);

// The error for a failed libssh call: "<what>: <libssh's message>".
Error SshError(Session& session, std::string_view what);

// Quoting for remote shell words: the one kiln uses everywhere (and masks).
using engine::ShellQuote;

}  // namespace kiln::communicators::ssh
