// File transfers over an SSH session, in the two modes Packer offers:
// scp (the legacy rcp protocol spoken to the machine's `scp -t`/`scp -f`,
// Packer's default) and sftp (the machine's sftp subsystem). Both stream in
// fixed-size chunks; nothing is held whole in memory. Errors name the remote
// path and quote what the machine said.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "communicators/ssh/session.h"
#include "engine/communicator.h"

namespace kiln::communicators::ssh {

namespace scp {
Result<void> Upload(Session& session, const std::string& remote_path, engine::UploadSource source,
                    const IoPolicy& policy);
Result<void> UploadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                       const IoPolicy& policy);
Result<void> Download(Session& session, const std::string& remote_path, std::ostream& out, const IoPolicy& policy);
Result<void> DownloadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const IoPolicy& policy);
}  // namespace scp

namespace sftp {
Result<void> Upload(Session& session, const std::string& remote_path, engine::UploadSource source,
                    const IoPolicy& policy);
Result<void> UploadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                       const IoPolicy& policy);
Result<void> Download(Session& session, const std::string& remote_path, std::ostream& out, const IoPolicy& policy);
Result<void> DownloadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const IoPolicy& policy);
}  // namespace sftp

// Read and write chunk size for both modes.
inline constexpr std::size_t kChunk = 256 * 1024;

}  // namespace kiln::communicators::ssh
