#include "postprocessors/compress/post_processor.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "postprocessors/common/render.h"
#include "util/unique_fd.h"

namespace kiln::postprocessors::compress {
namespace {

namespace fs = std::filesystem;

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string ArchiveError(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

Result<void> AddFilter(archive* a, Filter f, int level) {
  int r = ARCHIVE_OK;
  switch (f) {
    case Filter::kNone: r = archive_write_add_filter_none(a); break;
    case Filter::kGzip: r = archive_write_add_filter_gzip(a); break;
    case Filter::kXz: r = archive_write_add_filter_xz(a); break;
    case Filter::kZstd: r = archive_write_add_filter_zstd(a); break;
    case Filter::kBzip2: r = archive_write_add_filter_bzip2(a); break;
    case Filter::kLz4: r = archive_write_add_filter_lz4(a); break;
  }
  if (r != ARCHIVE_OK)
    return std::unexpected(MakeError(fmt::format("cannot use {} compression", FilterName(f)), ArchiveError(a)));
  if (f != Filter::kNone &&
      archive_write_set_filter_option(a, nullptr, "compression-level", std::to_string(level).c_str()) < ARCHIVE_WARN)
    return std::unexpected(MakeError(fmt::format("cannot set {} compression level {}", FilterName(f), level),
                                     ArchiveError(a)));
  return {};
}

Result<void> SetFormat(archive* a, Archive kind, int level) {
  int r = ARCHIVE_OK;
  switch (kind) {
    case Archive::kNone: r = archive_write_set_format_raw(a); break;
    case Archive::kTar: r = archive_write_set_format_pax_restricted(a); break;
    case Archive::kZip:
      r = archive_write_set_format_zip(a);
      // Deflate's level; older libarchives lack the option, which is fine.
      if (r == ARCHIVE_OK)
        (void)archive_write_set_format_option(a, "zip", "compression-level", std::to_string(level).c_str());
      break;
  }
  if (r != ARCHIVE_OK) return std::unexpected(MakeError("cannot set up the archive format", ArchiveError(a)));
  return {};
}

// The name a file gets inside the archive.
std::string EntryName(const std::string& path, Archive kind) {
  if (kind == Archive::kZip) {
    std::string name = path;
    while (name.starts_with('/')) name.erase(0, 1);
    return name;
  }
  return fs::path(path).filename().string();
}

Result<void> AddFile(archive* a, const std::string& path, Archive kind, const CancelToken* cancel) {
  // O_NONBLOCK: a FIFO must not block the open; it is refused below.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return std::unexpected(MakeError(fmt::format("Unable to read file {}", path), std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return std::unexpected(MakeError(fmt::format("Unable to get fileinfo for {}", path), std::strerror(errno)));
  if (!S_ISREG(st.st_mode))
    return std::unexpected(MakeError(fmt::format("cannot archive {}: not a regular file", path)));
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_copy_stat(entry.get(), &st);
  archive_entry_set_pathname(entry.get(), EntryName(path, kind).c_str());
  if (archive_write_header(a, entry.get()) < ARCHIVE_WARN)
    return std::unexpected(MakeError(fmt::format("Failed to write the archive header for {}", path), ArchiveError(a)));
  std::vector<char> buf(1 << 20);
  for (;;) {
    if (cancel != nullptr && cancel->cancelled())
      return std::unexpected(MakeError(fmt::format("cancelled while archiving {}", path)));
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(MakeError(fmt::format("Unable to read file {}", path), std::strerror(errno)));
    if (n == 0) break;
    if (archive_write_data(a, buf.data(), static_cast<std::size_t>(n)) != n)
      return std::unexpected(MakeError(fmt::format("Failed to copy {} data to archive", path), ArchiveError(a)));
  }
  return {};
}

Result<void> WriteAll(archive* a, const std::string& target, const std::vector<std::string>& files,
                      const Format& format, int level, const CancelToken* cancel) {
  if (Result<void> r = AddFilter(a, format.filter, level); !r) return r;
  if (Result<void> r = SetFormat(a, format.archive, level); !r) return r;
  if (archive_write_open_filename(a, target.c_str()) != ARCHIVE_OK)
    return std::unexpected(MakeError(fmt::format("Unable to create archive {}", target), ArchiveError(a)));
  for (const std::string& file : files)
    if (Result<void> r = AddFile(a, file, format.archive, cancel); !r) return r;
  if (archive_write_close(a) != ARCHIVE_OK)
    return std::unexpected(MakeError(fmt::format("Unable to finish archive {}", target), ArchiveError(a)));
  return {};
}

}  // namespace

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  if (c.Given("output")) config.output = c.String("output");
  config.format = c.String("format");
  Result<Format> detected = DetectFormat(config.output, config.format);
  if (!detected) return std::unexpected(detected.error());
  config.detected = *detected;
  int level = c["compression_level"].is_number_integer() ? c["compression_level"].get<int>() : 6;
  config.level = level <= 0 ? 6 : std::min(level, 9);
  return config;
}

Result<void> CompressArtifact::Destroy() {
  std::error_code ec;
  fs::remove(path_, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot remove {}", path_), ec.message()));
  return {};
}

Result<void> WriteArchive(const std::string& target, const std::vector<std::string>& files, const Format& format,
                          int level, const CancelToken* cancel) {
  if (format.archive == Archive::kNone && files.size() != 1)
    return std::unexpected(MakeError(
        fmt::format("Can only have 1 input file when not using tar/zip. Found {} files: {}", files.size(),
                    fmt::join(files, ", ")),
        "name the output .tar.<ext> or .zip to archive several files"));
  std::error_code ec;
  for (const std::string& file : files)
    if (fs::equivalent(file, target, ec))
      return std::unexpected(MakeError(fmt::format("the archive {} would overwrite its input {}", target, file),
                                       "choose another output"));
  ec.clear();
  fs::path parent = fs::path(target).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec)
    return std::unexpected(
        MakeError(fmt::format("Unable to create dir for archive {}", target), ec.message()));
  std::unique_ptr<archive, ArchiveFree> a(archive_write_new());
  Result<void> written = WriteAll(a.get(), target, files, format, level, cancel);
  if (!written) {
    a.reset();  // closes the file before it goes
    fs::remove(target, ec);
  }
  return written;
}

Result<engine::PostProcessResult> CompressPostProcessor::PostProcess(engine::BuildContext& ctx,
                                                                     engine::Artifact& input) {
  Result<std::string> target = RenderDeferred("output", config_.output, ctx);
  if (!target) return std::unexpected(target.error());
  std::vector<std::string> files = input.files();
  const Format& f = config_.detected;
  std::string_view compression = FilterName(f.filter);
  switch (f.archive) {
    case Archive::kTar: ctx.ui->Say(fmt::format("Tarring {} with {}", *target, compression)); break;
    case Archive::kZip: ctx.ui->Say(fmt::format("Zipping {}", *target)); break;
    case Archive::kNone:
      ctx.ui->Say(fmt::format("Archiving {} with {}", files.empty() ? "" : files.front(), compression));
      break;
  }
  if (Result<void> r = WriteArchive(*target, files, f, config_.level, ctx.cancel); !r) return std::unexpected(r.error());
  ctx.ui->Say(fmt::format("Archive {} completed", *target));
  return engine::PostProcessResult{.artifact = std::make_unique<CompressArtifact>(*target)};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeCompress(const tmpl::DecodedConfig& config) {
  Result<Config> c = Prepare(config);
  if (!c) return std::unexpected(c.error());
  return std::make_unique<CompressPostProcessor>(std::move(*c));
}

}  // namespace kiln::postprocessors::compress
