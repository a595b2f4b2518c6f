// Ctrl-C and SIGTERM during a build: the first one trips the run's
// CancelToken (no new steps start, blocking calls return, every started
// step's cleanup runs); later ones only say that cleanup is still running.
// kiln never exits from a signal: RunBuilds unwinds and returns 1.
#pragma once

#include <signal.h>

#include <thread>

#include "ui/ui.h"
#include "util/cancel.h"
#include "util/unique_fd.h"

namespace kiln::engine {

// Installs SIGINT/SIGTERM handlers for its lifetime and restores the previous
// ones on destruction. One instance at a time per process. The handler only
// writes to a pipe; a watcher thread does the printing and cancelling.
class InterruptHandler {
 public:
  InterruptHandler(ui::Ui& ui, CancelToken& cancel);
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  void Watch(ui::Ui& ui, CancelToken& cancel);

  Pipe pipe_;  // the handler writes, the watcher reads
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  std::thread watcher_;
};

}  // namespace kiln::engine
