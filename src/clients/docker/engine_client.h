// DockerApi over HTTP to a real engine (API v1.41, Docker 20.10+), on the
// unix socket or tcp(+TLS) endpoint from DOCKER_HOST. Never runs the docker
// CLI. Stateless apart from the endpoint: every call opens its own
// connection, so one client serves many threads.
//
// Files per concern: engine_client.cc (engine, auth), engine_images.cc,
// engine_containers.cc, engine_exec.cc, engine_archive.cc; the HTTP side is
// http_transport.cc.
#pragma once

#include <functional>
#include <memory>

#include "clients/docker/docker_api.h"
#include "clients/docker/endpoint.h"
#include "clients/docker/http_transport.h"

namespace kiln::clients::docker {

class EngineClient final : public DockerApi {
 public:
  explicit EngineClient(Endpoint endpoint) : transport_(std::move(endpoint)) {}
  // DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, default the socket.
  static Result<EngineClient> FromEnv();

  const Endpoint& endpoint() const { return transport_.endpoint(); }

  Result<void> Ping() override;
  Result<VersionInfo> Version() override;
  Result<LoginResult> Login(const RegistryAuth& auth) override;

  Result<ImageInfo> ImageInspect(const std::string& image) override;
  Result<void> ImagePull(const std::string& ref, const PullOptions& options, const CancelToken& cancel) override;
  Result<std::string> ImagePush(const std::string& ref, const PushOptions& options, const CancelToken& cancel) override;
  Result<void> ImageTag(const std::string& image, const std::string& repo, const std::string& tag, bool force) override;
  Result<void> ImageRemove(const std::string& image, bool force) override;
  Result<std::string> ImageCommit(const std::string& container, const CommitOptions& options) override;
  Result<std::string> ImageImport(const ByteSource& tar, const ImportOptions& options,
                                  const CancelToken& cancel) override;
  Result<void> ImageSave(const std::vector<std::string>& images, std::ostream& out, const CancelToken& cancel) override;

  Result<std::string> ContainerCreate(const ContainerConfig& config) override;
  Result<void> ContainerStart(const std::string& container) override;
  Result<void> ContainerKill(const std::string& container, const std::string& signal) override;
  Result<void> ContainerRemove(const std::string& container, bool force, bool remove_volumes) override;
  Result<ContainerInfo> ContainerInspect(const std::string& container) override;
  Result<std::vector<ContainerSummary>> ContainerList(const std::vector<std::string>& labels, bool all) override;
  Result<void> ContainerExport(const std::string& container, std::ostream& out, const CancelToken& cancel) override;

  Result<std::string> ExecCreate(const std::string& container, const ExecConfig& config) override;
  Result<void> ExecStart(const std::string& exec_id, const ExecStreams& streams, const CancelToken& cancel) override;
  Result<ExecState> ExecInspect(const std::string& exec_id) override;

  Result<PathStat> StatPath(const std::string& container, const std::string& path) override;
  Result<void> PutArchive(const std::string& container, const std::string& remote_dir, const ByteSource& tar,
                          const CancelToken& cancel) override;
  Result<void> GetArchiveToDir(const std::string& container, const std::string& remote_path,
                               const std::filesystem::path& local_dir, const CancelToken& cancel) override;
  Result<void> GetArchiveFile(const std::string& container, const std::string& remote_path, std::ostream& out,
                              const CancelToken& cancel) override;

 private:
  HttpTransport transport_;
};

// The local engine from DOCKER_HOST (default the unix socket), shared by
// whatever the build hands it to. Nothing is sent yet.
Result<std::shared_ptr<DockerApi>> ConnectToEngine();

// How the docker builder and post-processors reach the engine; tests pass
// one that returns a fake (fake_docker_api.h).
using ApiFactory = std::function<Result<std::shared_ptr<DockerApi>>()>;

}  // namespace kiln::clients::docker
