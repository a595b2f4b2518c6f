#include "communicators/none/communicator.h"

#include <fmt/format.h>

namespace kiln::communicators::none {

Error NoneCommunicator::NoMachine(std::string_view what) const {
  return MakeError(fmt::format("{} has no machine to {}", builder_, what),
                   "only provisioners that run locally (shell-local, breakpoint) work with it; for the others set "
                   "communicator to ssh (with ssh_host and credentials)");
}

Result<int> NoneCommunicator::Run(const engine::RemoteCommand&, const CancelToken&) {
  return std::unexpected(NoMachine("run commands on"));
}
Result<void> NoneCommunicator::Upload(const std::string&, engine::UploadSource, const CancelToken&) {
  return std::unexpected(NoMachine("upload files to"));
}
Result<void> NoneCommunicator::UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) {
  return std::unexpected(NoMachine("upload files to"));
}
Result<void> NoneCommunicator::Download(const std::string&, std::ostream&, const CancelToken&) {
  return std::unexpected(NoMachine("download files from"));
}
Result<void> NoneCommunicator::DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) {
  return std::unexpected(NoMachine("download files from"));
}

}  // namespace kiln::communicators::none
