// The communicator of builders without a machine (file) and of
// `communicator: none`: every operation fails, saying so. Provisioners that
// run locally (shell-local, breakpoint) never call it.
#pragma once

#include <string>

#include "engine/communicator.h"

namespace kiln::communicators::none {

class NoneCommunicator : public engine::Communicator {
 public:
  // `builder` names the builder in errors ("the file builder").
  explicit NoneCommunicator(std::string builder = "a build with communicator \"none\"")
      : builder_(std::move(builder)) {}
  Result<int> Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) override;
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken& cancel) override;
  Result<void> UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const CancelToken& cancel) override;
  Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) override;
  Result<void> DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                           const CancelToken& cancel) override;

 private:
  Error NoMachine(std::string_view what) const;
  std::string builder_;
};

}  // namespace kiln::communicators::none
