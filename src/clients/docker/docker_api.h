// The Docker Engine API as kiln uses it: one seam between the docker
// builder, communicator and post-processors and the engine. EngineClient
// (engine_client.h) talks HTTP to a real engine; tests use a double.
//
// Errors name the operation and the resource the way the docker CLI would,
// and carry the engine's HTTP status and message in `detail`:
//   "docker pull debian:nope: 404: pull access denied for debian, …"
// A failure to reach the engine at all has no status:
//   "docker start 3f2a…: cannot connect to the Docker engine at unix://…: …"
// HttpStatus()/IsNotFound() read the status back.
//
// Long operations take a CancelToken; once it trips they return an error
// whose detail is "cancelled" (IsCancelled) within about 100 ms. What the
// engine already started (a pull, an exec) may go on without us.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "clients/docker/http_transport.h"
#include "clients/docker/json_messages.h"
#include "clients/docker/registry_auth.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::docker {

// ---- engine ----

struct VersionInfo {
  std::string version;          // "20.10.24+dfsg1"
  std::string api_version;      // "1.41"
  std::string min_api_version;  // "1.12"
  std::string os;               // "linux"
  std::string arch;             // "amd64"
  std::string kernel_version;
};

struct LoginResult {
  std::string status;          // "Login Succeeded"
  std::string identity_token;  // usually empty
};

// ---- images ----

struct ImageConfig {
  std::optional<std::vector<std::string>> cmd;         // nullopt: not set
  std::optional<std::vector<std::string>> entrypoint;  // nullopt: not set
  std::vector<std::string> env;                        // "KEY=value"
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;  // "8080/tcp", sorted
  std::vector<std::string> volumes;        // sorted
  std::string working_dir;
  std::string user;
};

struct ImageInfo {
  std::string id;  // "sha256:…"
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;  // "debian@sha256:…"; empty for local-only images
  ImageConfig config;
  std::string os;
  std::string architecture;
  std::int64_t size = 0;
};

struct PullOptions {
  std::optional<RegistryAuth> auth;
  std::string platform;    // "linux/arm64"; empty: the engine's own
  ProgressFn on_progress;  // each status message as it arrives; may be empty
};

struct PushOptions {
  std::optional<RegistryAuth> auth;
  ProgressFn on_progress;
};

struct CommitOptions {
  std::string repo;  // empty: an untagged image
  std::string tag;
  std::string author;
  std::string message;
  std::vector<std::string> changes;  // Dockerfile instructions: "LABEL a=b", "EXPOSE 8080"
  bool pause = true;                 // pause the container while committing (docker's default)
};

struct ImportOptions {
  std::string repo;  // empty: an untagged image
  std::string tag;
  std::string message;
  std::vector<std::string> changes;  // as for commit
  std::string platform;
};

// ---- containers ----

struct DeviceMapping {
  std::string path_on_host;
  std::string path_in_container;
  std::string cgroup_permissions = "rwm";
};

struct HostConfig {
  std::vector<std::string> binds;  // "/host:/container[:ro]" (Packer's `volumes`)
  bool privileged = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::map<std::string, std::string> tmpfs;  // container path -> mount options ("" for defaults)
  std::vector<DeviceMapping> devices;
  std::string runtime;       // "" = the engine's default (runc)
  std::string network_mode;  // "" = default bridge; "host", "none", a network name
};

struct ContainerConfig {
  std::string image;
  std::string name;                                    // "" = the engine picks one
  std::optional<std::vector<std::string>> cmd;         // nullopt: the image's
  std::optional<std::vector<std::string>> entrypoint;  // nullopt: the image's; {} resets it
  std::vector<std::string> env;                        // "KEY=value"
  std::string user;
  std::string working_dir;
  bool tty = false;
  bool open_stdin = false;  // keep stdin open (docker run -i), so `/bin/sh` waits instead of exiting
  std::map<std::string, std::string> labels;
  HostConfig host;
  std::string platform;  // "linux/amd64"; empty: the engine's own
};

struct ContainerInfo {
  std::string id;
  std::string name;    // "/kiln-…"
  std::string image;   // image id
  std::string status;  // "created", "running", "exited", …
  bool running = false;
  int exit_code = 0;
  int pid = 0;
  std::string ip_address;  // on the default bridge; "" otherwise
  std::map<std::string, std::string> labels;
};

struct ContainerSummary {
  std::string id;
  std::vector<std::string> names;
  std::string image;
  std::string state;  // "running", "exited", …
  std::map<std::string, std::string> labels;
};

// Parses docker run's --device value "HOST[:CONTAINER[:PERMISSIONS]]".
DeviceMapping ParseDeviceMapping(std::string_view spec);

// ---- exec ----

struct ExecConfig {
  std::vector<std::string> cmd;  // {"/bin/sh", "-c", "…"}
  std::string user;              // "" = the container's
  std::vector<std::string> env;  // "KEY=value"
  std::string working_dir;
  bool privileged = false;
  bool attach_stdout = true;
  bool attach_stderr = true;
};

struct ExecStreams {
  // Complete lines without the newline, as they arrive; a last line without
  // newline comes at the end. Called on the calling thread. May be empty.
  std::function<void(std::string_view line)> on_stdout;
  std::function<void(std::string_view line)> on_stderr;
};

struct ExecState {
  bool running = false;
  int exit_code = 0;  // valid once !running
  int pid = 0;
};

// ---- files ----

struct PathStat {
  std::string name;
  std::int64_t size = 0;
  std::uint32_t mode = 0;   // Go's os.FileMode: permission bits plus the type bits below
  std::string mtime;        // RFC 3339
  std::string link_target;  // a symlink's fully resolved target inside the container

  static constexpr std::uint32_t kModeDir = 1u << 31;
  static constexpr std::uint32_t kModeSymlink = 1u << 27;
  bool is_dir() const { return (mode & kModeDir) != 0; }
  bool is_symlink() const { return (mode & kModeSymlink) != 0; }
};

// The interface. Methods are not const so that test doubles may record.
// Implementations are safe to call from several threads at once.
struct DockerApi {
  virtual ~DockerApi() = default;

  // -- engine --
  virtual Result<void> Ping() = 0;
  virtual Result<VersionInfo> Version() = 0;
  // Checks credentials with the registry (POST /auth); an error if refused.
  virtual Result<LoginResult> Login(const RegistryAuth& auth) = 0;

  // -- images --
  // An image by name or id; a missing image is an error for which
  // IsNotFound() holds.
  virtual Result<ImageInfo> ImageInspect(const std::string& image) = 0;
  // Pulls `ref` ("debian:bookworm"; no tag means "latest"). A failure that
  // the engine reports in the middle of the progress stream is an error too.
  virtual Result<void> ImagePull(const std::string& ref, const PullOptions& options, const CancelToken& cancel) = 0;
  // Pushes `ref`; returns the pushed manifest digest ("sha256:…"), or "" if
  // the engine did not report one.
  virtual Result<std::string> ImagePush(const std::string& ref, const PushOptions& options,
                                        const CancelToken& cancel) = 0;
  // Tags `image` as repo:tag (tag "" = "latest"). The engine always moves an
  // existing tag (API >= 1.25 dropped `force`), so `force` only documents
  // intent.
  virtual Result<void> ImageTag(const std::string& image, const std::string& repo, const std::string& tag,
                                bool force) = 0;
  virtual Result<void> ImageRemove(const std::string& image, bool force) = 0;
  // Commits the container's filesystem (and config with `changes` applied);
  // returns the new image id.
  virtual Result<std::string> ImageCommit(const std::string& container, const CommitOptions& options) = 0;
  // Creates an image from a root filesystem tar pulled from `tar`; returns
  // its id.
  virtual Result<std::string> ImageImport(const ByteSource& tar, const ImportOptions& options,
                                          const CancelToken& cancel) = 0;
  // Writes `docker save` output (a tar of the images) to `out`, streaming.
  virtual Result<void> ImageSave(const std::vector<std::string>& images, std::ostream& out,
                                 const CancelToken& cancel) = 0;

  // -- containers --
  // Returns the new container's id. Nothing to clean up on failure.
  virtual Result<std::string> ContainerCreate(const ContainerConfig& config) = 0;
  virtual Result<void> ContainerStart(const std::string& container) = 0;  // already running is fine
  // `signal` "" = SIGKILL. A container that is not running is an error (409).
  virtual Result<void> ContainerKill(const std::string& container, const std::string& signal) = 0;
  virtual Result<void> ContainerRemove(const std::string& container, bool force, bool remove_volumes) = 0;
  virtual Result<ContainerInfo> ContainerInspect(const std::string& container) = 0;
  // Containers carrying all of `labels` ("key" or "key=value"); stopped ones
  // too when `all`.
  virtual Result<std::vector<ContainerSummary>> ContainerList(const std::vector<std::string>& labels, bool all) = 0;
  // Writes the container's filesystem as a tar to `out`, streaming.
  virtual Result<void> ContainerExport(const std::string& container, std::ostream& out, const CancelToken& cancel) = 0;

  // -- exec --
  // Returns the exec id; nothing runs until ExecStart.
  virtual Result<std::string> ExecCreate(const std::string& container, const ExecConfig& config) = 0;
  // Runs the exec and streams its output until it ends. Its exit code comes
  // from ExecInspect afterwards (or use RunExec below).
  virtual Result<void> ExecStart(const std::string& exec_id, const ExecStreams& streams, const CancelToken& cancel) = 0;
  virtual Result<ExecState> ExecInspect(const std::string& exec_id) = 0;

  // -- files --
  // What is at `path` in the container (HEAD …/archive); IsNotFound if nothing.
  virtual Result<PathStat> StatPath(const std::string& container, const std::string& path) = 0;
  // Extracts the tar pulled from `tar` into directory `remote_dir`, which
  // must exist (404 otherwise).
  virtual Result<void> PutArchive(const std::string& container, const std::string& remote_dir, const ByteSource& tar,
                                  const CancelToken& cancel) = 0;
  // Copies `remote_path` into `local_dir` (created if missing) as docker cp
  // does: a file lands as local_dir/<basename>, a directory as
  // local_dir/<basename>/…, and "dir/." puts dir's contents in local_dir.
  virtual Result<void> GetArchiveToDir(const std::string& container, const std::string& remote_path,
                                       const std::filesystem::path& local_dir, const CancelToken& cancel) = 0;
  // Streams one remote regular file's contents to `out` (a symlink is
  // followed); a directory is an error.
  virtual Result<void> GetArchiveFile(const std::string& container, const std::string& remote_path, std::ostream& out,
                                      const CancelToken& cancel) = 0;
};

// The HTTP status in an error from DockerApi, or 0 if it has none.
int HttpStatus(const Error& error);
inline bool IsNotFound(const Error& error) { return HttpStatus(error) == 404; }

// A token that never trips, for callers with nothing to cancel.
const CancelToken& NeverCancelled();

// ExecCreate + ExecStart + waiting for the exit code: what a communicator's
// Run does. The exit code is the result, not an error: only failing to run
// (or cancellation) is an Error.
Result<int> RunExec(DockerApi& api, const std::string& container, const ExecConfig& config, const ExecStreams& streams,
                    const CancelToken& cancel);

}  // namespace kiln::clients::docker
