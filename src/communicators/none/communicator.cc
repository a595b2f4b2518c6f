#include "communicators/none/communicator.h"

namespace kiln::communicators::none {
namespace {

Error NoMachine(std::string_view what) {
  return MakeError(std::string("cannot ") + std::string(what) + ": the build's communicator is \"none\"",
                   "set communicator to ssh (with ssh_host and credentials) for provisioners that work on the "
                   "machine, or use shell-local");
}

}  // namespace

Result<int> NoneCommunicator::Run(const engine::RemoteCommand&, const CancelToken&) {
  return std::unexpected(NoMachine("run a command on the machine"));
}
Result<void> NoneCommunicator::Upload(const std::string&, engine::UploadSource, const CancelToken&) {
  return std::unexpected(NoMachine("upload a file"));
}
Result<void> NoneCommunicator::UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) {
  return std::unexpected(NoMachine("upload a directory"));
}
Result<void> NoneCommunicator::Download(const std::string&, std::ostream&, const CancelToken&) {
  return std::unexpected(NoMachine("download a file"));
}
Result<void> NoneCommunicator::DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) {
  return std::unexpected(NoMachine("download a directory"));
}

}  // namespace kiln::communicators::none
