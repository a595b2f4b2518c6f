#include "builders/file/builder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "communicators/none/communicator.h"
#include "util/unique_fd.h"

namespace kiln::builders::file {
namespace {

namespace fs = std::filesystem;

Error Errno(std::string summary) { return MakeError(std::move(summary), std::strerror(errno)); }

// Copies `source` over `target` in 1 MiB chunks; returns the bytes copied.
// Once the target is opened, a failure removes it.
Result<std::uint64_t> Copy(const std::string& source, const std::string& target, const CancelToken* cancel) {
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return std::unexpected(Errno(fmt::format("cannot open source {}", source)));
  UniqueFd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (out.get() < 0) return std::unexpected(Errno(fmt::format("cannot create target {}", target)));
  auto fail = [&](Error e) -> Result<std::uint64_t> {
    ::unlink(target.c_str());
    return std::unexpected(std::move(e));
  };
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    if (cancel != nullptr && cancel->cancelled()) return fail(MakeError(fmt::format("cancelled while copying {}", source)));
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errno(fmt::format("cannot read {}", source)));
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buf.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail(Errno(fmt::format("cannot write {}", target)));
      done += w;
    }
    total += static_cast<std::uint64_t>(n);
  }
  return total;
}

Result<void> WriteContent(const std::string& target, const std::string& content) {
  UniqueFd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (out.get() < 0) return std::unexpected(Errno(fmt::format("cannot create target {}", target)));
  for (std::size_t done = 0; done < content.size();) {
    ssize_t w = ::write(out.get(), content.data() + done, content.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return std::unexpected(Errno(fmt::format("cannot write {}", target)));
    done += static_cast<std::size_t>(w);
  }
  return {};
}

}  // namespace

Config Prepare(const tmpl::DecodedConfig& c) {
  Config config{.target = c.String("target")};
  if (c.Given("source")) config.source = c.String("source");
  config.content = c.String("content");
  return config;
}

Result<void> FileArtifact::Destroy() {
  std::error_code ec;
  fs::remove(path_, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot remove {}", path_), ec.message()));
  return {};
}

Result<std::unique_ptr<engine::Artifact>> Builder::Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) {
  const std::string& target = config_.target;
  std::error_code ec;
  if (fs::path dir = fs::path(target).parent_path(); !dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) return std::unexpected(MakeError(fmt::format("cannot create directory {}", dir.string()), ec.message()));
  }
  if (config_.source) {
    ctx.ui->Say(fmt::format("Copying {} to {}", *config_.source, target));
    Result<std::uint64_t> copied = Copy(*config_.source, target, ctx.cancel);
    if (!copied) return std::unexpected(copied.error());
    ctx.ui->Say(fmt::format("Copied {} bytes", *copied));
  } else {
    if (Result<void> r = WriteContent(target, config_.content); !r) return std::unexpected(r.error());
  }
  auto artifact = std::make_unique<FileArtifact>(target);
  // Provisioners run with no machine; when they fail, the file goes.
  communicators::none::NoneCommunicator none("the file builder");
  if (Result<void> r = hook.Run(ctx, none); !r) {
    (void)artifact->Destroy();
    return std::unexpected(r.error());
  }
  return artifact;
}

Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& config) {
  return std::make_unique<Builder>(Prepare(config));
}

}  // namespace kiln::builders::file
