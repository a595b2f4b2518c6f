// One logged-in SSH connection (libssh), optionally through a bastion: the
// bastion's session carries a direct-tcpip channel to the target, and a pump
// thread moves bytes between that channel and a socketpair the target
// session uses as its socket. Move-free owner: the destructor disconnects
// both and joins the pump.
//
// Not thread-safe: the SshCommunicator serialises calls.
#pragma once

#include <libssh/libssh.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "communicators/ssh/config.h"
#include "util/cancel.h"

namespace kiln::communicators::ssh {

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
 public:
  // Connects (TCP connect timeout `connect_timeout`) and logs in.
  static std::expected<std::unique_ptr<Session>, ConnectFailure> Open(const Config& config,
                                                                      std::chrono::seconds connect_timeout);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  ssh_session get() const { return session_; }
  // False once the connection dropped or an operation broke it.
  bool alive() const;
  void MarkBroken() { broken_ = true; }
  // "kilntest@127.0.0.1:2222" (with " via bastion host:port").
  const std::string& label() const { return label_; }

  // Waits until the socket has data (or `step` passes). Sends keep-alives
  // every policy.keep_alive_interval, and fails when nothing arrived for
  // policy.read_write_timeout, the connection dropped or the token tripped.
  Result<void> WaitReadable(const IoPolicy& policy, std::chrono::milliseconds step = std::chrono::milliseconds(200));
  // Any bytes arrived: resets the read_write_timeout clock.
  void NoteActivity() { last_activity_ = std::chrono::steady_clock::now(); }

 private:
  Session() = default;
  void PumpBastion();

  ssh_session session_ = nullptr;
  ssh_session bastion_ = nullptr;
  ssh_channel tunnel_ = nullptr;  // on bastion_, to the target
  int pump_fd_ = -1;              // our end of the socketpair; the other is session_'s socket
  std::thread pump_;
  std::atomic<bool> stop_{false};
  bool broken_ = false;
  std::string label_;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_keep_alive_ = std::chrono::steady_clock::now();
};

// A channel owner: closes and frees on destruction.
class Channel {
 public:
  explicit Channel(ssh_channel c = nullptr) : c_(c) {}
  Channel(Channel&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  Channel& operator=(Channel&& o) noexcept {
    Reset();
    c_ = std::exchange(o.c_, nullptr);
    return *this;
  }
  ~Channel() { Reset(); }
  ssh_channel get() const { return c_; }
  void Reset();

 private:
  ssh_channel c_;
};

// Opens a session channel and starts `command` in it (with a pty if asked).
Result<Channel> StartExec(Session& session, const std::string& command, bool pty);

// Reads exactly `n` bytes of the channel's stdout, waiting as `policy` says.
// stderr output is appended to `*stderr_text` (may be null: dropped).
Result<void> ReadExact(Session& session, ssh_channel channel, char* buf, std::size_t n, const IoPolicy& policy,
                       std::string* stderr_text = nullptr);
// Writes all of `data` (blocks while the server's window is full).
Result<void> WriteAll(Session& session, ssh_channel channel, std::string_view data);

// The error for a failed libssh call: "<what>: <libssh's message>".
Error SshError(Session& session, std::string_view what);

// `s` quoted for a POSIX shell: 'it'\''s'.
std::string ShellQuote(std::string_view s);

}  // namespace kiln::communicators::ssh
