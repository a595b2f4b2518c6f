// The docker builder's Driver over the Engine API client.
#include <fmt/format.h>

#include <fstream>

#include "builders/docker/driver.h"
#include "clients/docker/docker_api.h"
#include "clients/docker/engine_client.h"
#include "clients/docker/tar_stream.h"
#include "util/temp_dir.h"

namespace kiln::builders::docker {
namespace {

namespace api = clients::docker;
namespace fs = std::filesystem;

api::RegistryAuth ToApi(const RegistryAuth& a) { return {a.username, a.password, a.server}; }

std::string Parent(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "/" : parent;
}

class EngineDriver : public Driver {
 public:
  explicit EngineDriver(std::unique_ptr<api::DockerApi> engine) : engine_(std::move(engine)) {}

  Result<void> Login(const RegistryAuth& auth) override {
    Result<api::LoginResult> r = engine_->Login(ToApi(auth));
    if (!r) return std::unexpected(r.error());
    return {};
  }

  bool ImageExists(const std::string& image) override { return engine_->ImageInspect(image).has_value(); }

  Result<void> Pull(const std::string& image, const std::optional<RegistryAuth>& auth, const LineSink& progress,
                    const CancelToken& cancel) override {
    api::PullOptions options;
    if (auth) options.auth = ToApi(*auth);
    options.on_progress = [&](const api::ProgressMessage& m) {
      if (!m.status.empty()) progress(m.id.empty() ? m.status : m.id + ": " + m.status);
    };
    return engine_->ImagePull(image, options, cancel);
  }

  Result<std::string> RunContainer(const ContainerSpec& spec) override {
    api::ContainerConfig config{
        .image = spec.image,
        .name = spec.name,
        .cmd = spec.command.empty() ? std::nullopt : std::optional(spec.command),
        .entrypoint = spec.entrypoint ? std::optional(std::vector<std::string>{*spec.entrypoint}) : std::nullopt,
        .env = spec.env,
        .user = spec.user,
        .working_dir = spec.workdir,
        .tty = spec.tty,
        .open_stdin = spec.open_stdin,
        .labels = spec.labels,
        .platform = spec.platform,
    };
    config.host.binds = spec.binds;
    config.host.privileged = spec.privileged;
    config.host.cap_add = spec.cap_add;
    config.host.cap_drop = spec.cap_drop;
    config.host.runtime = spec.runtime;
    config.host.network_mode = spec.network;
    for (const std::string& t : spec.tmpfs) {
      std::size_t colon = t.find(':');
      config.host.tmpfs[t.substr(0, colon)] = colon == std::string::npos ? "" : t.substr(colon + 1);
    }
    for (const std::string& d : spec.devices) config.host.devices.push_back(api::ParseDeviceMapping(d));
    Result<std::string> id = engine_->ContainerCreate(config);
    if (!id) return id;
    if (Result<void> started = engine_->ContainerStart(*id); !started) {
      (void)engine_->ContainerRemove(*id, true, true);  // created but never ran: not worth a leftover
      return std::unexpected(started.error());
    }
    return id;
  }

  Result<void> RemoveContainer(const std::string& id) override { return engine_->ContainerRemove(id, true, true); }

  Result<std::string> Commit(const std::string& container, const CommitOptions& o) override {
    return engine_->ImageCommit(container,
                                api::CommitOptions{.author = o.author, .message = o.message, .changes = o.changes});
  }

  Result<void> Export(const std::string& container, const fs::path& path, const CancelToken& cancel) override {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", path.string())));
    return engine_->ContainerExport(container, out, cancel);
  }

  Result<void> RemoveImage(const std::string& id) override { return engine_->ImageRemove(id, true); }

  Result<int> Exec(const std::string& container, const std::string& user, const std::vector<std::string>& argv,
                   const std::vector<std::string>& env, const LineSink& on_stdout, const LineSink& on_stderr,
                   const CancelToken& cancel) override {
    return api::RunExec(*engine_, container, api::ExecConfig{.cmd = argv, .user = user, .env = env},
                        api::ExecStreams{.on_stdout = on_stdout, .on_stderr = on_stderr}, cancel);
  }

  Result<void> UploadFile(const std::string& container, const std::string& remote_path, engine::UploadSource source,
                          const CancelToken& cancel) override {
    api::TarWriter tar;
    tar.AddStream(*source.stream, source.size, fs::path(remote_path).filename().string(), source.mode);
    return engine_->PutArchive(container, Parent(remote_path), tar.AsSource(), cancel);
  }

  Result<void> UploadDir(const std::string& container, const std::string& remote_dir, const fs::path& local_dir,
                         const CancelToken& cancel) override {
    // The archive endpoint extracts into an existing directory only.
    if (auto made = MakeRemoteDir(container, remote_dir, cancel); !made) return made;
    api::TarWriter tar;
    tar.AddDirectory(local_dir, "");
    return engine_->PutArchive(container, remote_dir, tar.AsSource(), cancel);
  }

  Result<void> DownloadFile(const std::string& container, const std::string& remote_path, std::ostream& out,
                            const CancelToken& cancel) override {
    return engine_->GetArchiveFile(container, remote_path, out, cancel);
  }

  Result<void> DownloadDir(const std::string& container, const std::string& remote_dir, const fs::path& local_dir,
                           const CancelToken& cancel) override {
    // The engine sends the directory itself; unpack it beside the target,
    // then move its contents in.
    std::error_code ec;
    fs::create_directories(local_dir, ec);
    Result<TempDir> staging = TempDir::Create("kiln-download-");
    if (!staging) return std::unexpected(staging.error());
    if (auto r = engine_->GetArchiveToDir(container, remote_dir, staging->path(), cancel); !r) return r;
    fs::path unpacked = staging->path() / fs::path(remote_dir).filename();
    if (fs::path(remote_dir).filename().empty()) unpacked = staging->path() / fs::path(remote_dir).parent_path().filename();
    for (const fs::directory_entry& e : fs::directory_iterator(unpacked, ec)) {
      fs::path target = local_dir / e.path().filename();
      fs::remove_all(target, ec);
      fs::rename(e.path(), target, ec);
      if (ec) {  // another filesystem: copy instead
        ec.clear();
        fs::copy(e.path(), target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
      }
      if (ec) return std::unexpected(MakeError(fmt::format("moving {} into {}", e.path().string(), local_dir.string()),
                                               ec.message()));
    }
    return {};
  }

 private:
  Result<void> MakeRemoteDir(const std::string& container, const std::string& dir, const CancelToken& cancel) {
    Result<int> status = api::RunExec(*engine_, container, api::ExecConfig{.cmd = {"mkdir", "-p", dir}, .user = "root"},
                                      api::ExecStreams{}, cancel);
    if (!status) return std::unexpected(status.error());
    if (*status != 0)
      return std::unexpected(MakeError(fmt::format("docker exec {}: mkdir -p {} failed with status {}",
                                                   container.substr(0, 12), dir, *status)));
    return {};
  }

  std::unique_ptr<api::DockerApi> engine_;
};

}  // namespace

Result<std::unique_ptr<Driver>> ConnectToEngine() {
  Result<api::EngineClient> client = api::EngineClient::FromEnv();
  if (!client) return std::unexpected(client.error());
  auto engine = std::make_unique<api::EngineClient>(std::move(*client));
  if (Result<void> ping = engine->Ping(); !ping) return std::unexpected(ping.error());
  return std::make_unique<EngineDriver>(std::move(engine));
}

}  // namespace kiln::builders::docker
