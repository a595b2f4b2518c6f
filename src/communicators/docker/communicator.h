// The docker communicator: commands run through `docker exec` (the Engine
// API's exec endpoints), files move as tar streams through the archive
// endpoint. Nothing is staged on the host.
#pragma once

#include <string>
#include <vector>

#include "clients/docker/docker_api.h"
#include "engine/communicator.h"

namespace kiln::communicators::docker {

class DockerCommunicator : public engine::Communicator {
 public:
  // Works in `container` through `api`, which must outlive it. `exec_user`
  // runs commands (empty: the image's user); with `fix_upload_owner`,
  // uploads are chowned to that user afterwards, as Packer does.
  DockerCommunicator(clients::docker::DockerApi& api, std::string container, std::string exec_user,
                     bool fix_upload_owner)
      : api_(api),
        container_(std::move(container)),
        exec_user_(std::move(exec_user)),
        fix_upload_owner_(fix_upload_owner) {}

  Result<int> Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) override;
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken& cancel) override;
  Result<void> UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const CancelToken& cancel) override;
  Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) override;
  Result<void> DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                           const CancelToken& cancel) override;
  // One exec that writes the script (passed as an argument), then runs the
  // command: an archive PUT costs about as much as an exec on a local
  // engine. Scripts that cannot travel as an argument (over 64 KiB, NUL
  // bytes, not UTF-8) take the archive endpoint.
  std::expected<int, engine::ScriptError> UploadAndRun(const std::string& remote_path, std::string_view contents,
                                                       std::uint32_t mode, const engine::RemoteCommand& cmd,
                                                       const CancelToken& cancel) override;

 private:
  // Runs `argv` in the container as `user`; output lines as they come.
  Result<int> Exec(const std::string& user, std::vector<std::string> argv, std::vector<std::string> env,
                   const clients::docker::ExecStreams& streams, const CancelToken& cancel);
  Result<void> MakeRemoteDir(const std::string& dir, const CancelToken& cancel);
  Result<void> FixOwner(const std::string& path, bool recursive, const CancelToken& cancel);

  clients::docker::DockerApi& api_;
  std::string container_;
  std::string exec_user_;
  bool fix_upload_owner_;
};

}  // namespace kiln::communicators::docker
