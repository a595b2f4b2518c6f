// What the docker builder, its communicator and the docker post-processors
// need from a Docker engine (Packer's docker Driver). The real one speaks the
// Engine API (engine_driver.cc); tests use a recording double.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/communicator.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::builders::docker {

struct RegistryAuth {
  std::string server, username, password;
};

struct ContainerSpec {
  std::string name;  // kiln-<run uuid>-<build>, so leftovers are easy to find
  std::string image;
  std::optional<std::string> entrypoint;
  std::vector<std::string> command;
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  bool tty = false;
  bool open_stdin = false;
  std::string user, workdir, network, runtime, platform;
  std::vector<std::string> binds;    // "host:container[:ro]"
  std::vector<std::string> devices;  // "host[:container[:perms]]"
  std::vector<std::string> tmpfs;    // "path[:options]"
  std::vector<std::string> cap_add, cap_drop;
  bool privileged = false;
};

struct CommitOptions {
  std::string author, message;
  std::vector<std::string> changes;  // Dockerfile instructions
};

using LineSink = std::function<void(std::string_view line)>;

class Driver {
 public:
  virtual ~Driver() = default;

  virtual Result<void> Login(const RegistryAuth& auth) = 0;
  virtual bool ImageExists(const std::string& image) = 0;
  // Pulls `image`; progress lines go to `progress`.
  virtual Result<void> Pull(const std::string& image, const std::optional<RegistryAuth>& auth,
                            const LineSink& progress, const CancelToken& cancel) = 0;
  // Creates and starts a container; returns its ID.
  virtual Result<std::string> RunContainer(const ContainerSpec& spec) = 0;
  // Kills (if running) and removes the container with its anonymous volumes.
  virtual Result<void> RemoveContainer(const std::string& id) = 0;
  virtual Result<std::string> Commit(const std::string& container, const CommitOptions& options) = 0;
  // Streams the container's filesystem as a tar to `path`.
  virtual Result<void> Export(const std::string& container, const std::filesystem::path& path,
                              const CancelToken& cancel) = 0;
  virtual Result<void> RemoveImage(const std::string& id) = 0;

  // Runs `argv` in the container, with `env` ("NAME=value") added to its
  // environment, and returns its exit code; output lines are delivered as
  // they come.
  virtual Result<int> Exec(const std::string& container, const std::string& user,
                           const std::vector<std::string>& argv, const std::vector<std::string>& env,
                           const LineSink& on_stdout,
                           const LineSink& on_stderr, const CancelToken& cancel) = 0;
  virtual Result<void> UploadFile(const std::string& container, const std::string& remote_path,
                                  engine::UploadSource source, const CancelToken& cancel) = 0;
  virtual Result<void> UploadDir(const std::string& container, const std::string& remote_dir,
                                 const std::filesystem::path& local_dir, const CancelToken& cancel) = 0;
  virtual Result<void> DownloadFile(const std::string& container, const std::string& remote_path,
                                    std::ostream& out, const CancelToken& cancel) = 0;
  virtual Result<void> DownloadDir(const std::string& container, const std::string& remote_dir,
                                   const std::filesystem::path& local_dir, const CancelToken& cancel) = 0;
};

// The driver for the local engine (DOCKER_HOST or /var/run/docker.sock).
Result<std::unique_ptr<Driver>> ConnectToEngine();

}  // namespace kiln::builders::docker
