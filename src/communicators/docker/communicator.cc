#include "communicators/docker/communicator.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <vector>

#include "clients/docker/tar_stream.h"
#include "ui/output.h"
#include "util/temp_dir.h"

namespace kiln::communicators::docker {
namespace {

namespace api = clients::docker;
namespace fs = std::filesystem;
using engine::ShellQuote;

std::string Parent(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "/" : parent;
}

// The exec's Env: where a command's variables travel, off every argv.
std::vector<std::string> EnvList(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

// Whether `s` can be an exec argument: the Engine API takes argv as JSON
// strings (valid UTF-8) and the kernel as C strings (no NUL).
bool FitsInArgument(std::string_view s) {
  constexpr std::size_t kMaxArgument = 64 * 1024;  // well under Linux's 128 KiB per argument
  if (s.size() > kMaxArgument) return false;
  for (std::size_t i = 0; i < s.size();) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c == 0) return false;
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + extra >= s.size()) return false;
    char32_t cp = extra == 0 ? c : c & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      if ((byte(i + k) >> 6) != 0x2) return false;
      cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;  // overlong, surrogate
    i += extra + 1;
  }
  return true;
}

// Printed on stderr by the wrapper when writing the script failed, followed
// by the shell's reason.
constexpr std::string_view kWriteFailed = "__kiln_write_failed__ ";

}  // namespace

Result<int> DockerCommunicator::Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) {
  ui::Log("docker exec {}: {}", container_.substr(0, 12), cmd.command);
  return Exec(exec_user_, {"/bin/sh", "-c", cmd.command}, EnvList(cmd.env),
              api::ExecStreams{.on_stdout = cmd.on_stdout, .on_stderr = cmd.on_stderr}, cancel);
}

Result<int> DockerCommunicator::Exec(const std::string& user, std::vector<std::string> argv,
                                     std::vector<std::string> env, const api::ExecStreams& streams,
                                     const CancelToken& cancel) {
  return api::RunExec(api_, container_, api::ExecConfig{.cmd = std::move(argv), .user = user, .env = std::move(env)},
                      streams, cancel);
}

Result<void> DockerCommunicator::MakeRemoteDir(const std::string& dir, const CancelToken& cancel) {
  Result<int> status = Exec("root", {"mkdir", "-p", dir}, {}, api::ExecStreams{}, cancel);
  if (!status) return std::unexpected(status.error());
  if (*status != 0)
    return std::unexpected(MakeError(fmt::format("docker exec {}: mkdir -p {} failed with status {}",
                                                 container_.substr(0, 12), dir, *status)));
  return {};
}

Result<void> DockerCommunicator::FixOwner(const std::string& path, bool recursive, const CancelToken& cancel) {
  // Files arrive owned by root; give them to the user that runs commands.
  if (!fix_upload_owner_ || exec_user_.empty() || exec_user_ == "root" || exec_user_ == "0") return {};
  std::string command = fmt::format("chown {}{} {}", recursive ? "-R " : "", ShellQuote(exec_user_), ShellQuote(path));
  std::string errors;
  Result<int> status =
      Exec("root", {"/bin/sh", "-c", command}, {},
           api::ExecStreams{.on_stderr = [&](std::string_view line) { errors += std::string(line) + "\n"; }}, cancel);
  if (!status) return std::unexpected(status.error());
  if (*status != 0)
    return std::unexpected(MakeError(fmt::format("docker exec {}: chown of {} failed with status {}",
                                                 container_.substr(0, 12), path, *status),
                                     errors));
  return {};
}

std::expected<int, engine::ScriptError> DockerCommunicator::UploadAndRun(const std::string& remote_path,
                                                                         std::string_view contents, std::uint32_t mode,
                                                                         const engine::RemoteCommand& cmd,
                                                                         const CancelToken& cancel) {
  // A file written by a non-root exec user is theirs; without
  // fix_upload_owner Packer leaves uploads to root, so keep that path.
  bool owner_as_packer = exec_user_.empty() || exec_user_ == "root" || exec_user_ == "0" || fix_upload_owner_;
  if (!owner_as_packer || !FitsInArgument(contents))
    return engine::Communicator::UploadAndRun(remote_path, contents, mode, cmd, cancel);

  // $0 = path, $1 = contents, $2 = command.
  std::string wrapper = fmt::format(
      "if ! __kiln_err=$( {{ printf '%s' \"$1\" > \"$0\" && chmod {:o} \"$0\"; }} 2>&1 ); then "
      "printf '{}%s\\n' \"$__kiln_err\" >&2; exit 1; fi; exec /bin/sh -c \"$2\"",
      mode, kWriteFailed);
  ui::Log("docker exec {}: write {} ({} bytes) and run: {}", container_.substr(0, 12), remote_path, contents.size(),
          cmd.command);
  std::optional<std::string> write_error;
  auto on_stdout = [&](std::string_view line) {
    if (cmd.on_stdout) cmd.on_stdout(line);
  };
  auto on_stderr = [&](std::string_view line) {
    if (line.starts_with(kWriteFailed)) {
      write_error = std::string(line.substr(kWriteFailed.size()));
      return;
    }
    if (cmd.on_stderr) cmd.on_stderr(line);
  };
  Result<int> status =
      Exec(exec_user_, {"/bin/sh", "-c", wrapper, remote_path, std::string(contents), cmd.command}, EnvList(cmd.env),
           api::ExecStreams{.on_stdout = on_stdout, .on_stderr = on_stderr}, cancel);
  if (write_error)
    return std::unexpected(engine::ScriptError{
        .during_upload = true,
        .error = MakeError(fmt::format("docker exec {}: cannot write {}", container_.substr(0, 12), remote_path),
                           *write_error)});
  if (!status) return std::unexpected(engine::ScriptError{.during_upload = false, .error = status.error()});
  return *status;
}

Result<void> DockerCommunicator::Upload(const std::string& remote_path, engine::UploadSource source,
                                        const CancelToken& cancel) {
  api::TarWriter tar;
  tar.AddStream(*source.stream, source.size, fs::path(remote_path).filename().string(), source.mode);
  if (auto r = api_.PutArchive(container_, Parent(remote_path), tar.AsSource(), cancel); !r) return r;
  return FixOwner(remote_path, false, cancel);
}

Result<void> DockerCommunicator::UploadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                           const CancelToken& cancel) {
  // The archive endpoint extracts into an existing directory only.
  if (auto made = MakeRemoteDir(remote_dir, cancel); !made) return made;
  api::TarWriter tar;
  tar.AddDirectory(local_dir, "");
  if (auto r = api_.PutArchive(container_, remote_dir, tar.AsSource(), cancel); !r) return r;
  return FixOwner(remote_dir, true, cancel);
}

Result<void> DockerCommunicator::Download(const std::string& remote_path, std::ostream& out,
                                          const CancelToken& cancel) {
  return api_.GetArchiveFile(container_, remote_path, out, cancel);
}

Result<void> DockerCommunicator::DownloadDir(const std::string& remote_dir, const std::filesystem::path& local_dir,
                                             const CancelToken& cancel) {
  // The engine sends the directory itself; unpack it beside the target,
  // then move its contents in.
  std::error_code ec;
  fs::create_directories(local_dir, ec);
  Result<TempDir> staging = TempDir::Create("kiln-download-");
  if (!staging) return std::unexpected(staging.error());
  if (auto r = api_.GetArchiveToDir(container_, remote_dir, staging->path(), cancel); !r) return r;
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
    if (ec)
      return std::unexpected(
          MakeError(fmt::format("moving {} into {}", e.path().string(), local_dir.string()), ec.message()));
  }
  return {};
}

}  // namespace kiln::communicators::docker
