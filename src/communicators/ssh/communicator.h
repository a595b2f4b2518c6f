// The SSH communicator: commands run in exec channels, files move with scp
// (the default) or sftp, both streamed in fixed-size chunks. Built on libssh.
//
// Thread-safe: one mutex serialises the operations on the connection (libssh
// sessions are not thread-safe). When the connection drops (a reboot), the
// operation in flight fails and the next one reconnects first, once; callers
// that expect a reboot (the shell provisioner's expect_disconnect and
// start_retry_timeout) retry. A reconnect sets the tunnels up again.
//
// Tunnels (ssh_local_tunnels, ssh_remote_tunnels) and forwarded agent
// channels are served by whichever thread holds the mutex: an operation
// serves them while it waits for the machine, and with tunnels configured a
// pump thread serves them between operations. Disconnect() and the
// destructor stop the pump and close every tunnel.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "communicators/ssh/config.h"
#include "communicators/ssh/session.h"
#include "engine/communicator.h"
#include "ui/ui.h"
#include "util/cancel.h"
#include "util/unique_fd.h"

namespace kiln::communicators::ssh {

class SshCommunicator : public engine::Communicator {
 public:
  // Use Connect(); this takes an already logged-in session.
  SshCommunicator(Config config, std::unique_ptr<Session> session);
  ~SshCommunicator() override;

  Result<int> Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) override;
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken& cancel) override;
  Result<void> UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const CancelToken& cancel) override;
  Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) override;
  Result<void> DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                           const CancelToken& cancel) override;

  // Closes the connection now (also done by the destructor).
  void Disconnect();

 private:
  // The live session, reconnecting (one attempt) if the last one dropped.
  Result<Session*> Live(const CancelToken& cancel);
  // The pump thread: serves the tunnels while no operation holds mu_.
  void Pump();
  void WakePump();

  Config config_;
  std::mutex mu_;
  std::unique_ptr<Session> session_;  // null after a drop, until Live() reconnects
  std::atomic<bool> stop_{false};
  UniqueFd wake_;     // an eventfd: written to cut the pump's wait short
  std::thread pump_;  // only with tunnels; joined by the destructor
};

// Waits pause_before_connecting, then connects and logs in, retrying until
// config.timeout passes: closed ports and refused handshakes are retried
// (every 2 s); failed logins count against handshake_attempts. Says
// "Waiting for SSH to become available..." and "Connected to SSH!" on `ui`.
// The error names the host, port, user and the last failure ("connection
// refused", "authentication failed (publickey)").
Result<std::unique_ptr<SshCommunicator>> Connect(const Config& config, ui::Ui& ui, const CancelToken& cancel);

}  // namespace kiln::communicators::ssh
