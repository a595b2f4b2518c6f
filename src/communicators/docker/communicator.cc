#include "communicators/docker/communicator.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <vector>

#include "ui/output.h"

namespace kiln::communicators::docker {
namespace {

using engine::ShellQuote;

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
  auto ignore = [](std::string_view) {};
  return driver_.Exec(container_, exec_user_, {"/bin/sh", "-c", cmd.command}, EnvList(cmd.env),
                      cmd.on_stdout ? cmd.on_stdout : ignore, cmd.on_stderr ? cmd.on_stderr : ignore, cancel);
}

Result<void> DockerCommunicator::FixOwner(const std::string& path, bool recursive, const CancelToken& cancel) {
  // Files arrive owned by root; give them to the user that runs commands.
  if (!fix_upload_owner_ || exec_user_.empty() || exec_user_ == "root" || exec_user_ == "0") return {};
  std::string command = fmt::format("chown {}{} {}", recursive ? "-R " : "", ShellQuote(exec_user_), ShellQuote(path));
  std::string errors;
  Result<int> status = driver_.Exec(container_, "root", {"/bin/sh", "-c", command}, {}, [](std::string_view) {},
                                    [&](std::string_view line) { errors += std::string(line) + "\n"; }, cancel);
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
  Result<int> status = driver_.Exec(container_, exec_user_, {"/bin/sh", "-c", wrapper, remote_path,
                                                             std::string(contents), cmd.command},
                                    EnvList(cmd.env), on_stdout, on_stderr, cancel);
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
