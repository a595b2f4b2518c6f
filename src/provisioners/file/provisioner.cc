#include "provisioners/file/provisioner.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <ext/stdio_filebuf.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "interpolate/engine.h"
#include "ui/ui.h"
#include "util/files.h"

namespace kiln::provisioners::file {
namespace {

namespace fs = std::filesystem;

const CancelToken& TokenOf(const engine::BuildContext& ctx) {
  static const CancelToken kNever;
  return ctx.cancel != nullptr ? *ctx.cancel : kNever;
}

bool EndsWithSlash(std::string_view path) { return !path.empty() && path.back() == '/'; }

// Go's filepath.Base: the last element, trailing slashes ignored.
std::string Base(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::size_t slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return path.empty() ? "." : std::string(path);
}

// `dir` + "/" + `name`, without doubling a trailing slash.
std::string Join(std::string_view dir, std::string_view name) {
  return EndsWithSlash(dir) ? fmt::format("{}{}", dir, name) : fmt::format("{}/{}", dir, name);
}

// Sources and destination may hold {{build `...`}} actions left for when the
// machine exists (Packer renders them again here too).
Result<std::string> RenderNow(const std::string& text, const engine::BuildContext& ctx, std::string_view what) {
  if (!interpolate::HasActions(text)) return text;
  interpolate::Context ic = ctx.interp;
  std::map<std::string, std::string> data;
  if (ic.build_values) data = *ic.build_values;
  ic.data = std::move(data);
  Result<std::string> r = interpolate::Render(text, ic);
  if (!r) return std::unexpected(MakeError(fmt::format("cannot render {} '{}'", what, text), r.error().Message()));
  return r;
}

std::string FileKindOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? FileKind(st.st_mode) : std::string("not a regular file");
}

}  // namespace

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  for (const nlohmann::json& v : c["sources"])
    if (v.is_string()) config.sources.push_back(v.get<std::string>());
  if (c.Given("source")) config.sources.push_back(c.String("source"));
  if (c.Given("content")) config.content = c.String("content");
  config.destination = c.String("destination");
  config.direction = c.String("direction") == "download" ? Direction::kDownload : Direction::kUpload;
  config.generated = c["generated"].is_boolean() && c["generated"].get<bool>();
  if (config.content && config.direction == Direction::kDownload)
    return std::unexpected(MakeError(c.At("content"), "content can only be uploaded",
                                     "remove direction \"download\", or name the remote file in source"));
  return config;
}

Result<std::unique_ptr<engine::Provisioner>> MakeFile(const tmpl::DecodedConfig& config) {
  Result<Config> c = Prepare(config);
  if (!c) return std::unexpected(c.error());
  return std::make_unique<FileProvisioner>(std::move(*c));
}

Result<void> FileProvisioner::Provision(engine::BuildContext& ctx, engine::Communicator& comm) {
  Result<std::string> dst = RenderNow(config_.destination, ctx, "destination");
  if (!dst) return std::unexpected(dst.error());
  if (config_.direction == Direction::kDownload) return Download(ctx, comm, *dst);
  return Upload(ctx, comm, *dst);
}

Result<void> FileProvisioner::Upload(engine::BuildContext& ctx, engine::Communicator& comm, const std::string& dst) {
  ui::Ui& ui = *ctx.ui;
  const CancelToken& cancel = TokenOf(ctx);

  if (config_.content) {
    std::string target = EndsWithSlash(dst) ? dst + "pkr-file-content" : dst;
    ui.Say(fmt::format("Uploading content => {}", target));
    std::istringstream in(*config_.content);
    Result<void> r = comm.Upload(target, {.stream = &in, .size = config_.content->size(), .mode = 0644}, cancel);
    if (!r) return std::unexpected(MakeError(fmt::format("cannot upload content to {}", target), r.error().Message()));
    return {};
  }

  for (const std::string& source : config_.sources) {
    if (cancel.cancelled()) return std::unexpected(MakeError("file provisioner: cancelled"));
    Result<std::string> src = RenderNow(source, ctx, "source");
    if (!src) return std::unexpected(src.error());
    ui.Say(fmt::format("Uploading {} => {}", *src, dst));

    std::error_code ec;
    fs::file_status st = fs::status(*src, ec);
    if (ec || !fs::exists(st))
      return std::unexpected(MakeError(fmt::format("cannot upload {}", *src),
                                       ec ? ec.message() : std::string("no such file or directory")));

    if (!fs::is_directory(st) && !fs::is_regular_file(st))
      return std::unexpected(MakeError(fmt::format("cannot upload {}: it is {}", *src, FileKindOf(*src)),
                                       "the file provisioner sends regular files and directories only"));

    if (fs::is_directory(st)) {
      // rsync's rule: "dir" copies the directory itself, "dir/" its contents.
      std::string remote = EndsWithSlash(*src) ? dst : Join(dst, Base(*src));
      Result<void> r = comm.UploadDir(remote, *src, cancel);
      if (!r)
        return std::unexpected(
            MakeError(fmt::format("cannot upload directory {} to {}", *src, remote), r.error().Message()));
      continue;
    }

    std::string remote = EndsWithSlash(dst) ? dst + Base(*src) : dst;
    // A FIFO or device would block the open (and the build) forever, or
    // never end: only regular files are sent, checked on the open file.
    Result<UniqueFd> fd = OpenRegularFile(*src);
    if (!fd) return std::unexpected(fd.error());
    struct stat info {};
    if (::fstat(fd->get(), &info) != 0)
      return std::unexpected(MakeError(fmt::format("cannot read {}", *src), std::strerror(errno)));
    __gnu_cxx::stdio_filebuf<char> buf(fd->Release(), std::ios::in | std::ios::binary);  // closes it
    std::istream in(&buf);
    auto size = static_cast<std::uint64_t>(info.st_size);
    auto mode = static_cast<std::uint32_t>(info.st_mode & 07777);
    Result<void> r = comm.Upload(remote, {.stream = &in, .size = size, .mode = mode}, cancel);
    if (!r) {
      std::string detail = r.error().Message();
      if (!EndsWithSlash(dst))
        detail += fmt::format("; if {} is a directory on the machine, end the destination with \"/\"", dst);
      return std::unexpected(MakeError(fmt::format("cannot upload {} to {}", *src, remote), detail));
    }
  }
  return {};
}

Result<void> FileProvisioner::Download(engine::BuildContext& ctx, engine::Communicator& comm,
                                       const std::string& destination) {
  ui::Ui& ui = *ctx.ui;
  const CancelToken& cancel = TokenOf(ctx);
  for (const std::string& source : config_.sources) {
    if (cancel.cancelled()) return std::unexpected(MakeError("file provisioner: cancelled"));
    Result<std::string> src = RenderNow(source, ctx, "source");
    if (!src) return std::unexpected(src.error());

    // destination "d/" names a directory (the download goes inside it);
    // without the slash it names the file itself.
    std::string dst = destination;
    std::string dir;
    if (!EndsWithSlash(dst)) {
      dir = fs::path(dst).parent_path().string();
    } else {
      dir = dst;
      if (!EndsWithSlash(*src) && !src->ends_with('*')) dst = Join(dst, Base(*src));
    }
    ui.Say(fmt::format("Downloading {} => {}", *src, dst));

    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec) return std::unexpected(MakeError(fmt::format("cannot create directory {}", dir), ec.message()));

    if (EndsWithSlash(*src) || src->find_first_of("*?[") != std::string::npos) {
      Result<void> r = comm.DownloadDir(*src, dst, cancel);
      if (!r)
        return std::unexpected(
            MakeError(fmt::format("cannot download directory {} to {}", *src, dst), r.error().Message()));
      continue;
    }

    std::ofstream out(dst, std::ios::binary | std::ios::trunc);
    if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", dst), std::strerror(errno)));
    Result<void> r = comm.Download(*src, out, cancel);
    out.close();
    if (!r) return std::unexpected(MakeError(fmt::format("cannot download {} to {}", *src, dst), r.error().Message()));
    if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", dst), std::strerror(errno)));
  }
  return {};
}

}  // namespace kiln::provisioners::file
