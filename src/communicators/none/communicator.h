// `communicator: none`: there is no machine to reach. Provisioners that need
// none (shell-local, breakpoint) run as usual; any that asks to run a
// command or move a file gets an error naming the setting.
#pragma once

#include "engine/communicator.h"

namespace kiln::communicators::none {

class NoneCommunicator : public engine::Communicator {
 public:
  Result<int> Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) override;
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken& cancel) override;
  Result<void> UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const CancelToken& cancel) override;
  Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken& cancel) override;
  Result<void> DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                           const CancelToken& cancel) override;
};

}  // namespace kiln::communicators::none
