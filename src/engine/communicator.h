// How provisioners reach the machine being built: run commands, move files.
// Implementations: docker exec (communicators/docker), SSH (later), none.
// Thread-safe: parallel builds each have their own, but one communicator may
// be used by several threads of its build.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "util/cancel.h"
#include "util/error.h"

namespace kiln::engine {

struct RemoteCommand {
  std::string command;  // run by the machine's shell ("/bin/sh -c" for docker)
  // Called with each complete line (no trailing newline) as it arrives.
  std::function<void(std::string_view line)> on_stdout;
  std::function<void(std::string_view line)> on_stderr;
  // Set in the command's environment and never written on a command line,
  // on the host or on the machine, where any user's `ps` would see them:
  // docker passes them in the exec's Env; SSH writes them to a 0600 file
  // that the command sources and removes first. Names must be shell names
  // ([A-Za-z_][A-Za-z0-9_]*).
  std::map<std::string, std::string> env;
};

// Single-quotes `s` for /bin/sh: 'it'"'"'s'.
std::string ShellQuote(std::string_view s);
// Whether `name` can be a /bin/sh variable name.
bool IsShellName(std::string_view name);
// "export NAME='value'\n" for each variable: a file for /bin/sh to source.
std::string EnvFile(const std::map<std::string, std::string>& env);

struct UploadSource {
  std::istream* stream = nullptr;  // read to the end, never held whole in memory
  std::uint64_t size = 0;
  std::uint32_t mode = 0644;
};

// Which half of UploadAndRun failed, and why.
struct ScriptError {
  bool during_upload = false;
  Error error;
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  // Runs `cmd` to completion and returns its exit status. A cancelled token
  // ends the wait early with an error; the command may still be running
  // remotely, and the builder's cleanup removes the machine anyway.
  virtual Result<int> Run(const RemoteCommand& cmd, const CancelToken& cancel) = 0;

  // Writes one file at `remote_path` (parent directories must exist).
  virtual Result<void> Upload(const std::string& remote_path, UploadSource source, const CancelToken& cancel) = 0;
  // Copies the contents of `local_dir` into `remote_dir`, creating it.
  virtual Result<void> UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                 const CancelToken& cancel) = 0;
  // Streams one remote file into `out`.
  virtual Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) = 0;
  // Copies the contents of `remote_dir` into `local_dir`, creating it.
  virtual Result<void> DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                   const CancelToken& cancel) = 0;

  // Writes a small file (a script of at most a few tens of KiB) at
  // `remote_path` with `mode` and runs `cmd`, in as few round trips as the
  // transport allows: shell provisioners do this once per script. The error
  // says which half failed. The default uploads, then runs.
  virtual std::expected<int, ScriptError> UploadAndRun(const std::string& remote_path, std::string_view contents,
                                                       std::uint32_t mode, const RemoteCommand& cmd,
                                                       const CancelToken& cancel) {
    std::istringstream in{std::string(contents)};
    if (Result<void> up = Upload(remote_path, {.stream = &in, .size = contents.size(), .mode = mode}, cancel); !up)
      return std::unexpected(ScriptError{.during_upload = true, .error = up.error()});
    Result<int> status = Run(cmd, cancel);
    if (!status) return std::unexpected(ScriptError{.during_upload = false, .error = status.error()});
    return *status;
  }
};

}  // namespace kiln::engine
