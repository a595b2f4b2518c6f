#include "engine/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "ui/output.h"

namespace kiln::engine {
namespace {

// The pipe the handler writes the signal number to; -1 when none is installed.
std::atomic<int> g_signal_fd{-1};

void OnSignal(int sig) {
  int saved = errno;  // only async-signal-safe calls here
  int fd = g_signal_fd.load();
  unsigned char byte = static_cast<unsigned char>(sig);
  if (fd >= 0) (void)!::write(fd, &byte, 1);
  errno = saved;
}

}  // namespace

InterruptHandler::InterruptHandler(ui::Ui& ui, CancelToken& cancel) {
  std::optional<Pipe> pipe = OpenPipe(O_CLOEXEC);
  if (!pipe) return;  // no pipe: signals keep their default action
  pipe_ = std::move(*pipe);
  ::fcntl(pipe_.write.get(), F_SETFL, O_NONBLOCK);  // a flood of signals must not block the handler
  g_signal_fd = pipe_.write.get();
  watcher_ = std::thread([this, &ui, &cancel] { Watch(ui, cancel); });
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // other threads' reads and waits carry on
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptHandler::~InterruptHandler() {
  if (!pipe_.read) return;
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  g_signal_fd = -1;
  unsigned char stop = 0;  // no signal is 0: tells the watcher to finish
  (void)!::write(pipe_.write.get(), &stop, 1);
  watcher_.join();
}

void InterruptHandler::Watch(ui::Ui& ui, CancelToken& cancel) {
  int received = 0;
  while (true) {
    unsigned char sig = 0;
    ssize_t n = ::read(pipe_.read.get(), &sig, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || sig == 0) return;
    ui::Log("received signal {}", static_cast<int>(sig));
    if (++received == 1) {
      ui.Error("Cancelling build after receiving interrupt...");
      cancel.Cancel();
    } else {
      ui.Error("Cleanup is still running; please wait for it to finish (interrupting again does not skip it).");
    }
  }
}

}  // namespace kiln::engine
