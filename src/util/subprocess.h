// A local child process that kiln owns: started in its own process group,
// stdin from /dev/null, stdout and stderr on pipes that Wait() reads line by
// line as output arrives. The owner kills (SIGKILL to the whole group) and
// reaps a process that is still running when it is destroyed, so a failed or
// cancelled build never leaves children behind.
//
//   Result<Subprocess> p = Subprocess::Start({.argv = {"/bin/sh", "-c", "make"}});
//   if (!p) return std::unexpected(p.error());
//   Result<int> status = p->Wait(&cancel, [&](std::string_view l) { ui.Message(l); }, {});
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/cancel.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace kiln {

struct SubprocessOptions {
  std::vector<std::string> argv;  // argv[0] is searched in PATH when it has no '/'
  // NAME=value entries set on top of this process's environment (a NAME
  // already there is replaced).
  std::vector<std::string> env;
  std::filesystem::path cwd;  // empty: this process's working directory
  // When Wait is cancelled: SIGTERM to the group, SIGKILL after this long.
  std::chrono::milliseconds kill_grace{500};
};

// Called with one line of output, without its '\n' (a '\r' before it is
// kept; callers decide how to show it).
using LineHandler = std::function<void(std::string_view line)>;

class Subprocess {
 public:
  // Spawns the process. Fails (naming argv[0]) when it cannot be started,
  // e.g. the program does not exist; nothing is left running then.
  static Result<Subprocess> Start(SubprocessOptions options);

  Subprocess() = default;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() { Kill(); }

  pid_t pid() const { return pid_; }
  // Not yet reaped (it may have exited and be waiting for Wait).
  bool running() const { return pid_ > 0; }

  // Reads both pipes, calling the handlers on this thread with each line as
  // it arrives (either may be empty), until the process exits; returns its
  // exit status, or 128 + the signal number if a signal ended it. Output
  // still held open by background grandchildren after the process exits is
  // not waited for. If `cancel` (may be null) trips, the process group gets
  // SIGTERM, then SIGKILL after kill_grace, is reaped, and Wait returns an
  // error saying it was cancelled. Call once.
  Result<int> Wait(const CancelToken* cancel, const LineHandler& on_stdout, const LineHandler& on_stderr);

  // Ends the process group now (SIGKILL) and reaps the process; a no-op
  // once it has been reaped.
  void Kill();

 private:
  void CloseFds();
  // Whether the process has exited (leaves it unreaped, so that its pid
  // and process group id stay reserved for kill()).
  bool Exited() const;
  // Reaps the process and returns its status (exit code or 128 + signal).
  int Reap();

  pid_t pid_ = -1;  // -1 once reaped
  UniqueFd out_fd_;
  UniqueFd err_fd_;
  std::string name_;  // argv[0], for messages
  std::chrono::milliseconds kill_grace_{500};
};

}  // namespace kiln
