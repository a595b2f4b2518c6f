#include "communicators/docker/communicator.h"

#include <fmt/format.h>

#include "ui/output.h"

namespace kiln::communicators::docker {
namespace {

// Single-quotes `s` for /bin/sh.
std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<int> DockerCommunicator::Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) {
  ui::Log("docker exec {}: {}", container_.substr(0, 12), cmd.command);
  auto ignore = [](std::string_view) {};
  return driver_.Exec(container_, exec_user_, {"/bin/sh", "-c", cmd.command},
                      cmd.on_stdout ? cmd.on_stdout : ignore, cmd.on_stderr ? cmd.on_stderr : ignore, cancel);
}

Result<void> DockerCommunicator::FixOwner(const std::string& path, bool recursive, const CancelToken& cancel) {
  // Files arrive owned by root; give them to the user that runs commands.
  if (!fix_upload_owner_ || exec_user_.empty() || exec_user_ == "root" || exec_user_ == "0") return {};
  std::string command = fmt::format("chown {}{} {}", recursive ? "-R " : "", ShellQuote(exec_user_), ShellQuote(path));
  std::string errors;
  Result<int> status = driver_.Exec(container_, "root", {"/bin/sh", "-c", command}, [](std::string_view) {},
                                    [&](std::string_view line) { errors += std::string(line) + "\n"; }, cancel);
  if (!status) return std::unexpected(status.error());
  if (*status != 0)
    return std::unexpected(MakeError(fmt::format("docker exec {}: chown of {} failed with status {}",
                                                 container_.substr(0, 12), path, *status),
                                     errors));
  return {};
}

Result<void> DockerCommunicator::Upload(const std::string& remote_path, engine::UploadSource source,
                                        const CancelToken& cancel) {
  if (auto r = driver_.UploadFile(container_, remote_path, source, cancel); !r) return r;
  return FixOwner(remote_path, false, cancel);
}

Result<void> DockerCommunicator::UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                           const CancelToken& cancel) {
  if (auto r = driver_.UploadDir(container_, remote_dir, local_dir, cancel); !r) return r;
  return FixOwner(remote_dir, true, cancel);
}

Result<void> DockerCommunicator::Download(const std::string& remote_path, std::ostream& out,
                                          const CancelToken& cancel) {
  return driver_.DownloadFile(container_, remote_path, out, cancel);
}

Result<void> DockerCommunicator::DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                             const CancelToken& cancel) {
  return driver_.DownloadDir(container_, remote_dir, local_dir, cancel);
}

}  // namespace kiln::communicators::docker
