// Transfers through the machine's sftp subsystem (libssh's sftp client).
#include <fcntl.h>
#include <fmt/format.h>
#include <libssh/sftp.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include "communicators/ssh/progress.h"
#include "communicators/ssh/transfer.h"

namespace kiln::communicators::ssh::sftp {
namespace {

namespace fs = std::filesystem;

// sftp requests carry at most this much (OpenSSH's server takes 256 KiB
// messages; 64 KiB is what every server accepts).
constexpr std::size_t kRequest = 64 * 1024;

struct SftpDeleter {
  void operator()(sftp_session s) const { sftp_free(s); }
};
struct FileDeleter {
  void operator()(sftp_file f) const { sftp_close(f); }
};
struct DirDeleter {
  void operator()(sftp_dir d) const { sftp_closedir(d); }
};
struct AttrDeleter {
  void operator()(sftp_attributes a) const { sftp_attributes_free(a); }
};
using SftpPtr = std::unique_ptr<sftp_session_struct, SftpDeleter>;
using FilePtr = std::unique_ptr<sftp_file_struct, FileDeleter>;
using DirPtr = std::unique_ptr<sftp_dir_struct, DirDeleter>;
using AttrPtr = std::unique_ptr<sftp_attributes_struct, AttrDeleter>;

std::string Why(Session& session, sftp_session s) {
  switch (sftp_get_error(s)) {
    case SSH_FX_NO_SUCH_FILE: return "no such file or directory";
    case SSH_FX_PERMISSION_DENIED: return "permission denied";
    case SSH_FX_FAILURE: return "failure (a directory where a file was expected, or a full disk?)";
    case SSH_FX_FILE_ALREADY_EXISTS: return "already exists";
    default: return ssh_get_error(session.get());
  }
}

Error Fail(Session& session, sftp_session s, const std::string& remote, std::string_view what) {
  if (!ssh_is_connected(session.get())) session.MarkBroken();
  return MakeError(fmt::format("sftp {}: {}", remote, what), s ? Why(session, s) : ssh_get_error(session.get()));
}

Result<SftpPtr> Open(Session& session, const std::string& remote) {
  SftpPtr s(sftp_new(session.get()));
  if (!s) return std::unexpected(Fail(session, nullptr, remote, "cannot start the sftp subsystem"));
  if (sftp_init(s.get()) != SSH_OK)
    return std::unexpected(Fail(session, nullptr, remote, "cannot start the sftp subsystem (is sftp-server installed?)"));
  return s;
}

bool Cancelled(const IoPolicy& p) { return p.cancel && p.cancel->cancelled(); }

Result<void> WriteStream(Session& session, sftp_session s, const std::string& remote, std::istream& in,
                         std::uint64_t size, std::uint32_t mode, const IoPolicy& policy) {
  FilePtr f(sftp_open(s, remote.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode & 07777));
  if (!f) return std::unexpected(Fail(session, s, remote, "cannot create"));
  std::vector<char> buf(kRequest);
  Progress progress(fmt::format("uploading {}", fs::path(remote).filename().string()), size);
  std::uint64_t left = size;
  while (left > 0) {
    if (Cancelled(policy)) return std::unexpected(MakeError(fmt::format("sftp {}: cancelled", remote)));
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    in.read(buf.data(), static_cast<std::streamsize>(want));
    std::size_t got = static_cast<std::size_t>(in.gcount());
    if (got == 0) return std::unexpected(MakeError(fmt::format("sftp {}: the local file ended early", remote)));
    for (std::size_t off = 0; off < got;) {
      ssize_t w = sftp_write(f.get(), buf.data() + off, got - off);
      if (w <= 0) return std::unexpected(Fail(session, s, remote, "cannot write"));
      off += static_cast<std::size_t>(w);
    }
    left -= got;
    progress.Add(got);
    session.NoteActivity();
    session.ServiceForwards(/*throttled=*/true);
  }
  return {};
}

Result<void> ReadStream(Session& session, sftp_session s, const std::string& remote, std::ostream& out,
                        const IoPolicy& policy) {
  FilePtr f(sftp_open(s, remote.c_str(), O_RDONLY, 0));
  if (!f) return std::unexpected(Fail(session, s, remote, "cannot open"));
  AttrPtr attr(sftp_fstat(f.get()));
  if (attr && attr->type == SSH_FILEXFER_TYPE_DIRECTORY)
    return std::unexpected(MakeError(fmt::format("sftp {}: is a directory", remote),
                                     "download it as a directory (a source ending in /)"));
  std::vector<char> buf(kRequest);
  Progress progress(fmt::format("downloading {}", fs::path(remote).filename().string()), attr ? attr->size : 0);
  for (;;) {
    if (Cancelled(policy)) return std::unexpected(MakeError(fmt::format("sftp {}: cancelled", remote)));
    ssize_t n = sftp_read(f.get(), buf.data(), buf.size());
    if (n < 0) return std::unexpected(Fail(session, s, remote, "cannot read"));
    if (n == 0) break;
    out.write(buf.data(), n);
    if (!out) return std::unexpected(MakeError(fmt::format("sftp {}: cannot write the local copy", remote)));
    progress.Add(static_cast<std::uint64_t>(n));
    session.NoteActivity();
    session.ServiceForwards(/*throttled=*/true);
  }
  return {};
}

// mkdir -p: each missing component of `dir`.
Result<void> MakeDirs(Session& session, sftp_session s, const std::string& dir) {
  std::string path;
  std::size_t pos = 0;
  while (pos <= dir.size()) {
    std::size_t slash = dir.find('/', pos);
    if (slash == std::string::npos) slash = dir.size();
    path = dir.substr(0, slash);
    pos = slash + 1;
    if (path.empty() || path == "." || path == "..") continue;
    AttrPtr a(sftp_stat(s, path.c_str()));
    if (a) {
      if (a->type != SSH_FILEXFER_TYPE_DIRECTORY)
        return std::unexpected(MakeError(fmt::format("sftp {}: exists and is not a directory", path)));
      continue;
    }
    if (sftp_mkdir(s, path.c_str(), 0755) != 0) return std::unexpected(Fail(session, s, path, "cannot create directory"));
  }
  return {};
}

Result<void> SendDir(Session& session, sftp_session s, const std::string& remote_dir, const fs::path& dir,
                     const IoPolicy& policy) {
  if (Result<void> r = MakeDirs(session, s, remote_dir); !r) return r;
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot list {}", dir.string()), ec.message()));
  std::ranges::sort(entries, {}, [](const fs::directory_entry& e) { return e.path().filename(); });
  for (const fs::directory_entry& e : entries) {
    std::string remote = remote_dir + "/" + e.path().filename().string();
    struct stat st{};
    if (::stat(e.path().c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (Result<void> r = SendDir(session, s, remote, e.path(), policy); !r) return r;
    } else if (S_ISREG(st.st_mode)) {
      std::ifstream in(e.path(), std::ios::binary);
      if (!in) return std::unexpected(MakeError(fmt::format("cannot read {}", e.path().string())));
      if (Result<void> r = WriteStream(session, s, remote, in, static_cast<std::uint64_t>(st.st_size), st.st_mode, policy);
          !r)
        return r;
    }
  }
  return {};
}

Result<void> ReceiveDir(Session& session, sftp_session s, const std::string& remote_dir, const fs::path& local,
                        const IoPolicy& policy) {
  std::error_code ec;
  fs::create_directories(local, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot create {}", local.string()), ec.message()));
  DirPtr d(sftp_opendir(s, remote_dir.c_str()));
  if (!d) return std::unexpected(Fail(session, s, remote_dir, "cannot list"));
  std::vector<std::pair<std::string, std::uint8_t>> entries;
  while (AttrPtr a{sftp_readdir(s, d.get())}) {
    std::string name = a->name ? a->name : "";
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) continue;
    std::uint8_t type = a->type;
    if (type == SSH_FILEXFER_TYPE_SYMLINK) {  // follow, as scp -r does
      AttrPtr target(sftp_stat(s, (remote_dir + "/" + name).c_str()));
      type = target ? target->type : SSH_FILEXFER_TYPE_UNKNOWN;
    }
    entries.emplace_back(std::move(name), type);
  }
  d.reset();
  for (const auto& [name, type] : entries) {
    std::string remote = remote_dir + "/" + name;
    if (type == SSH_FILEXFER_TYPE_DIRECTORY) {
      if (Result<void> r = ReceiveDir(session, s, remote, local / name, policy); !r) return r;
    } else if (type == SSH_FILEXFER_TYPE_REGULAR) {
      std::ofstream out(local / name, std::ios::binary | std::ios::trunc);
      if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", (local / name).string())));
      if (Result<void> r = ReadStream(session, s, remote, out, policy); !r) return r;
    }
  }
  return {};
}

}  // namespace

Result<void> Upload(Session& session, const std::string& remote_path, engine::UploadSource source,
                    const IoPolicy& policy) {
  Result<SftpPtr> s = Open(session, remote_path);
  if (!s) return std::unexpected(s.error());
  return WriteStream(session, s->get(), remote_path, *source.stream, source.size, source.mode, policy);
}

Result<void> UploadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                       const IoPolicy& policy) {
  Result<SftpPtr> s = Open(session, remote_dir);
  if (!s) return std::unexpected(s.error());
  return SendDir(session, s->get(), remote_dir, local_dir, policy);
}

Result<void> Download(Session& session, const std::string& remote_path, std::ostream& out, const IoPolicy& policy) {
  Result<SftpPtr> s = Open(session, remote_path);
  if (!s) return std::unexpected(s.error());
  return ReadStream(session, s->get(), remote_path, out, policy);
}

Result<void> DownloadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const IoPolicy& policy) {
  Result<SftpPtr> s = Open(session, remote_dir);
  if (!s) return std::unexpected(s.error());
  return ReceiveDir(session, s->get(), remote_dir, local_dir, policy);
}

}  // namespace kiln::communicators::ssh::sftp
