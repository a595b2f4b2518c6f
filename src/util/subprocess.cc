#include "util/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

extern char** environ;

namespace kiln {
namespace {

// Frees posix_spawn's attribute objects on every return path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// This process's environment with `overrides` applied, as NAME=value strings.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> order;
  auto set = [&](std::string_view entry) {
    std::string name(entry.substr(0, entry.find('=')));
    if (!vars.contains(name)) order.push_back(name);
    vars[name] = std::string(entry);
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) set(*e);
  for (const std::string& entry : overrides) set(entry);
  std::vector<std::string> out;
  out.reserve(order.size());
  for (const std::string& name : order) out.push_back(vars[name]);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Splits what arrived into lines; the tail without '\n' waits in `pending`.
void EmitLines(std::string& pending, const LineHandler& handler) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
    if (handler) handler(std::string_view(pending).substr(start, nl - start));
  pending.erase(0, start);
}

int StatusCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Result<Subprocess> Subprocess::Start(SubprocessOptions options) {
  if (options.argv.empty()) return std::unexpected(MakeError("cannot start a process: no command given"));
  Subprocess p;
  p.name_ = options.argv[0];
  p.kill_grace_ = options.kill_grace;

  // O_CLOEXEC: processes that other threads spawn must not inherit our
  // pipe ends, or our reads would never see end-of-file.
  std::optional<Pipe> out = OpenPipe(O_CLOEXEC);
  if (!out) return std::unexpected(MakeError(fmt::format("cannot start {}", p.name_), std::strerror(errno)));
  std::optional<Pipe> err = OpenPipe(O_CLOEXEC);
  if (!err) return std::unexpected(MakeError(fmt::format("cannot start {}", p.name_), std::strerror(errno)));
  p.out_fd_ = std::move(out->read);
  p.err_fd_ = std::move(err->read);

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out->write.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err->write.get(), 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&setup.actions, options.cwd.c_str());

  // Its own process group, so that cancelling can end everything it
  // started; default signal handling whatever kiln itself ignores.
  sigset_t no_signals, defaults;
  sigemptyset(&no_signals);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigmask(&setup.attr, &no_signals);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);

  std::vector<std::string> argv = options.argv;
  std::vector<std::string> envp = MergedEnvironment(options.env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_envp = CStrings(envp);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, c_argv[0], &setup.actions, &setup.attr, c_argv.data(), c_envp.data());
  out->write.Reset();  // the child holds its copies
  err->write.Reset();
  if (rc != 0) return std::unexpected(MakeError(fmt::format("cannot start {}", p.name_), std::strerror(rc)));
  p.pid_ = pid;
  for (const UniqueFd* fd : {&p.out_fd_, &p.err_fd_}) ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
  return p;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_fd_(std::move(other.out_fd_)),
      err_fd_(std::move(other.err_fd_)),
      name_(std::move(other.name_)),
      kill_grace_(other.kill_grace_) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = std::exchange(other.pid_, -1);
    out_fd_ = std::move(other.out_fd_);
    err_fd_ = std::move(other.err_fd_);
    name_ = std::move(other.name_);
    kill_grace_ = other.kill_grace_;
  }
  return *this;
}

void Subprocess::CloseFds() {
  out_fd_.Reset();
  err_fd_.Reset();
}

bool Subprocess::Exited() const {
  siginfo_t info{};
  // WNOWAIT: look without reaping, so the process group id stays ours.
  if (::waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
  return info.si_pid == pid_;
}

int Subprocess::Reap() {
  int status = 0;
  pid_t r;
  do r = ::waitpid(pid_, &status, 0);
  while (r < 0 && errno == EINTR);
  pid_ = -1;
  return r < 0 ? -1 : StatusCode(status);
}

void Subprocess::Kill() {
  CloseFds();
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);  // in case it left its group
  Reap();
}

Result<int> Subprocess::Wait(const CancelToken* cancel, const LineHandler& on_stdout, const LineHandler& on_stderr) {
  if (pid_ <= 0) return std::unexpected(MakeError(fmt::format("{}: not running", name_)));
  std::string pending[2];
  const LineHandler* handlers[2] = {&on_stdout, &on_stderr};
  UniqueFd* fds[2] = {&out_fd_, &err_fd_};
  auto flush = [&](int i) {
    EmitLines(pending[i], *handlers[i]);
    if (!pending[i].empty() && *handlers[i]) (*handlers[i])(pending[i]);
    pending[i].clear();
  };

  // Poll with a short timeout: the cancel token has no descriptor to poll,
  // and a 50 ms tick keeps cancellation prompt.
  constexpr int kTickMs = 50;
  bool exited = false;
  bool cancelled = false;
  char buf[65536];
  while (out_fd_ || err_fd_) {
    if (cancel != nullptr && cancel->cancelled()) {
      cancelled = true;
      break;
    }
    pollfd pfds[2];
    int map[2];
    nfds_t n = 0;
    for (int i = 0; i < 2; ++i)
      if (*fds[i]) {
        pfds[n] = pollfd{.fd = fds[i]->get(), .events = POLLIN, .revents = 0};
        map[n++] = i;
      }
    int ready = ::poll(pfds, n, kTickMs);
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t k = 0; ready > 0 && k < n; ++k) {
      if (pfds[k].revents == 0) continue;
      int i = map[k];
      ssize_t got = ::read(fds[i]->get(), buf, sizeof buf);
      if (got > 0) {
        pending[i].append(buf, static_cast<std::size_t>(got));
        EmitLines(pending[i], *handlers[i]);
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        flush(i);
        fds[i]->Reset();
      }
    }
    if (!exited) {
      exited = Exited();
    } else if (ready == 0) {
      // It exited and its pipes went quiet: whatever still holds them open
      // (a daemon it started) is not part of this command.
      break;
    }
  }
  flush(0);
  flush(1);
  CloseFds();

  if (!cancelled) {
    // The pipes closed first; the process may still be finishing.
    while (!Exited()) {
      if (cancel != nullptr && cancel->cancelled()) {
        cancelled = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!cancelled) return Reap();

  // Cancelled: ask the whole group to stop, then insist.
  ::kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kill_grace_;
  while (!Exited() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string name = name_;
  Kill();
  return std::unexpected(MakeError(fmt::format("{}: cancelled", name), "the process and its children were stopped"));
}

}  // namespace kiln
