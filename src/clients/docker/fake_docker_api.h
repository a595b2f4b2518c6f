// For unit tests only: a DockerApi that records each call in `calls` and
// answers as configured, with no engine behind it. Every call succeeds
// unless its *_error is set. The docker builder's, communicator's and
// post-processors' tests share it.
//
// Entries of `calls`, in the docker CLI's words: "login SERVER USER",
// "image-inspect IMAGE", "pull REF", "push REF", "tag IMAGE REPO TAG[ force]",
// "rmi IMAGE[ force]", "commit CONTAINER[ [CHANGE]...]", "import REPO TAG[
// [CHANGE]...]", "save IMAGE", "create NAME IMAGE", "start ID", "kill ID",
// "rm ID", "container-inspect ID", "ps", "export ID", "exec CONTAINER LAST-ARG"
// (one entry an exec: its start and inspect are not recorded), "stat ID PATH",
// "put ID DIR", "get ID PATH".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "clients/docker/docker_api.h"

namespace kiln::clients::docker::testing {

class FakeDockerApi : public DockerApi {
 public:
  std::vector<std::string> calls;

  // -- answers --
  std::optional<Error> login_error, inspect_error, pull_error, push_error, tag_error, commit_error, save_error,
      create_error, start_error, remove_error, export_error;
  std::vector<ProgressMessage> pull_progress, push_progress;
  std::string push_digest = "sha256:" + std::string(64, 'd');
  std::string committed_id = "sha256:" + std::string(64, 'c');
  std::string imported_id = "sha256:" + std::string(64, 'i');
  std::string container_id = "c0ffee";
  std::string saved_bytes = "tar bytes";
  std::string exported_bytes = "rootfs tar";
  // Runs an exec: may write to its streams; returns its exit code.
  std::function<int(const ExecConfig&, const ExecStreams&)> on_exec = [](const ExecConfig&, const ExecStreams&) {
    return 0;
  };

  // -- what was sent --
  std::optional<RegistryAuth> last_push_auth;
  std::vector<ContainerConfig> created;
  std::vector<ExecConfig> execs;
  std::string imported_tar;           // what ImageImport read
  std::vector<std::string> put_tars;  // what each PutArchive read

  // An error as the engine reports a missing resource (IsNotFound holds).
  static Error NotFound(const std::string& summary) { return MakeError(summary, "404: No such object"); }

  Result<void> Ping() override { return Record("ping"); }
  Result<VersionInfo> Version() override {
    calls.push_back("version");
    return VersionInfo{.version = "20.10", .api_version = "1.41"};
  }
  Result<LoginResult> Login(const RegistryAuth& auth) override {
    calls.push_back("login " + auth.server + " " + auth.username);
    if (login_error) return std::unexpected(*login_error);
    return LoginResult{.status = "Login Succeeded"};
  }

  Result<ImageInfo> ImageInspect(const std::string& image) override {
    calls.push_back("image-inspect " + image);
    if (inspect_error) return std::unexpected(*inspect_error);
    return ImageInfo{.id = image};
  }
  Result<void> ImagePull(const std::string& ref, const PullOptions& options, const CancelToken&) override {
    calls.push_back("pull " + ref);
    for (const ProgressMessage& m : pull_progress)
      if (options.on_progress) options.on_progress(m);
    if (pull_error) return std::unexpected(*pull_error);
    return {};
  }
  Result<std::string> ImagePush(const std::string& ref, const PushOptions& options, const CancelToken&) override {
    calls.push_back("push " + ref);
    last_push_auth = options.auth;
    for (const ProgressMessage& m : push_progress)
      if (options.on_progress) options.on_progress(m);
    if (push_error) return std::unexpected(*push_error);
    return push_digest;
  }
  Result<void> ImageTag(const std::string& image, const std::string& repo, const std::string& tag,
                        bool force) override {
    calls.push_back("tag " + image + " " + repo + " " + tag + (force ? " force" : ""));
    if (tag_error) return std::unexpected(*tag_error);
    return {};
  }
  Result<void> ImageRemove(const std::string& image, bool force) override {
    return Record("rmi " + image + (force ? " force" : ""));
  }
  Result<std::string> ImageCommit(const std::string& container, const CommitOptions& options) override {
    calls.push_back("commit " + container + Changes(options.changes));
    if (commit_error) return std::unexpected(*commit_error);
    return committed_id;
  }
  Result<std::string> ImageImport(const ByteSource& tar, const ImportOptions& options, const CancelToken&) override {
    calls.push_back("import " + options.repo + " " + options.tag + Changes(options.changes));
    if (Result<void> read = Drain(tar, imported_tar); !read) return std::unexpected(read.error());
    return imported_id;
  }
  Result<void> ImageSave(const std::vector<std::string>& images, std::ostream& out, const CancelToken&) override {
    calls.push_back("save " + images.front());
    out << saved_bytes;
    if (save_error) return std::unexpected(*save_error);
    return {};
  }

  Result<std::string> ContainerCreate(const ContainerConfig& config) override {
    calls.push_back("create " + config.name + " " + config.image);
    created.push_back(config);
    if (create_error) return std::unexpected(*create_error);
    return container_id;
  }
  Result<void> ContainerStart(const std::string& id) override {
    calls.push_back("start " + id);
    if (start_error) return std::unexpected(*start_error);
    return {};
  }
  Result<void> ContainerKill(const std::string& id, const std::string&) override { return Record("kill " + id); }
  Result<void> ContainerRemove(const std::string& id, bool, bool) override {
    calls.push_back("rm " + id);
    if (remove_error) return std::unexpected(*remove_error);
    return {};
  }
  Result<ContainerInfo> ContainerInspect(const std::string& id) override {
    calls.push_back("container-inspect " + id);
    return ContainerInfo{.id = id, .status = "running", .running = true};
  }
  Result<std::vector<ContainerSummary>> ContainerList(const std::vector<std::string>&, bool) override {
    calls.push_back("ps");
    return std::vector<ContainerSummary>{};
  }
  Result<void> ContainerExport(const std::string& id, std::ostream& out, const CancelToken&) override {
    calls.push_back("export " + id);
    out << exported_bytes;
    if (export_error) return std::unexpected(*export_error);
    return {};
  }

  Result<std::string> ExecCreate(const std::string& container, const ExecConfig& config) override {
    calls.push_back("exec " + container + " " + (config.cmd.empty() ? std::string() : config.cmd.back()));
    execs.push_back(config);
    return "exec" + std::to_string(execs.size());
  }
  Result<void> ExecStart(const std::string& exec_id, const ExecStreams& streams, const CancelToken&) override {
    exit_codes_[exec_id] = on_exec(execs.at(std::stoul(exec_id.substr(4)) - 1), streams);
    return {};
  }
  Result<ExecState> ExecInspect(const std::string& exec_id) override {
    return ExecState{.running = false, .exit_code = exit_codes_.at(exec_id)};
  }

  Result<PathStat> StatPath(const std::string& container, const std::string& path) override {
    calls.push_back("stat " + container + " " + path);
    return PathStat{.name = path};
  }
  Result<void> PutArchive(const std::string& container, const std::string& remote_dir, const ByteSource& tar,
                          const CancelToken&) override {
    calls.push_back("put " + container + " " + remote_dir);
    return Drain(tar, put_tars.emplace_back());
  }
  Result<void> GetArchiveToDir(const std::string& container, const std::string& remote_path,
                               const std::filesystem::path&, const CancelToken&) override {
    return Record("get " + container + " " + remote_path);
  }
  Result<void> GetArchiveFile(const std::string& container, const std::string& remote_path, std::ostream&,
                              const CancelToken&) override {
    return Record("get " + container + " " + remote_path);
  }

 private:
  Result<void> Record(std::string call) {
    calls.push_back(std::move(call));
    return {};
  }
  static std::string Changes(const std::vector<std::string>& changes) {
    std::string text;
    for (const std::string& c : changes) text += " [" + c + "]";
    return text;
  }
  // Reads `source` to its end in small pieces, as a real upload would.
  static Result<void> Drain(const ByteSource& source, std::string& into) {
    char buf[7];
    for (;;) {
      Result<size_t> n = source(buf);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return {};
      into.append(buf, *n);
    }
  }
  std::map<std::string, int> exit_codes_;  // exec id -> exit code, once started
};

}  // namespace kiln::clients::docker::testing
