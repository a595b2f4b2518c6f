#include "clients/docker/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <utility>
#include <vector>

#include "util/unique_fd.h"

namespace kiln::clients::docker {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunk = 256 * 1024;  // one read from a local file per step

struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

std::string TarName(std::string name) {
  while (name.starts_with('/')) name.erase(0, 1);
  return name;
}

Error ArchiveError(std::string summary, archive* a) {
  const char* msg = archive_error_string(a);
  return MakeError(std::move(summary), msg ? msg : "unknown libarchive error");
}

}  // namespace

struct TarWriter::Impl {
  struct Job {
    enum class Kind { kFile, kStream, kDirectory } kind;
    fs::path local;
    std::string name;
    std::istream* in = nullptr;
    std::uint64_t size = 0;
    std::optional<std::uint32_t> mode;
  };

  archive* a = nullptr;
  bool opened = false;
  bool closed = false;
  std::deque<Job> jobs;
  std::optional<Error> error;  // sticky: once failed, every Read fails

  std::string out;  // tar bytes produced but not yet read
  size_t out_pos = 0;

  // The directory being walked, if any.
  std::optional<fs::recursive_directory_iterator> walk;
  fs::path walk_root;
  std::string walk_prefix;

  // The entry whose data is being copied.
  UniqueFd fd;
  std::istream* in = nullptr;
  std::string source_name;  // for errors
  std::uint64_t remaining = 0;
  std::vector<char> chunk;

  ~Impl() {
    if (a) archive_write_free(a);
  }

  static la_ssize_t OnWrite(archive*, void* p, const void* buf, size_t n) {
    static_cast<Impl*>(p)->out.append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }

  Result<void> Open() {
    a = archive_write_new();
    if (!a) return std::unexpected(MakeError("tar: out of memory"));
    // pax: no limits on name length or file size; "restricted" writes plain
    // ustar headers whenever they suffice.
    archive_write_set_format_pax_restricted(a);
    // Unblocked: each write goes straight to OnWrite, no 10 KiB re-blocking.
    archive_write_set_bytes_per_block(a, 0);
    if (archive_write_open(a, this, nullptr, &OnWrite, nullptr) != ARCHIVE_OK)
      return std::unexpected(ArchiveError("tar: cannot start", a));
    opened = true;
    chunk.resize(kChunk);
    return {};
  }

  Result<void> WriteHeader(archive_entry* e, const std::string& name) {
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    int r = archive_write_header(a, e);
    if (r < ARCHIVE_WARN) return std::unexpected(ArchiveError(fmt::format("tar: cannot add {}", name), a));
    return {};
  }

  // Adds the header for `local` as `name` and, for a non-empty regular file,
  // opens it so that the next steps copy its data.
  Result<void> StartPath(const fs::path& local, const std::string& name, std::optional<std::uint32_t> mode) {
    struct stat st;
    if (::lstat(local.c_str(), &st) != 0)
      return std::unexpected(MakeError(fmt::format("cannot read {}", local.string()), std::strerror(errno)));
    if (S_ISSOCK(st.st_mode)) return {};  // tar cannot hold a socket (GNU tar skips them too)
    EntryPtr e(archive_entry_new());
    archive_entry_copy_stat(e.get(), &st);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_nlink(e.get(), 1);  // hard links are stored as copies
    if (mode) archive_entry_set_perm(e.get(), *mode & 07777);
    if (S_ISLNK(st.st_mode)) {
      std::vector<char> target(st.st_size > 0 ? st.st_size + 1 : PATH_MAX);
      ssize_t n = ::readlink(local.c_str(), target.data(), target.size());
      if (n < 0)
        return std::unexpected(MakeError(fmt::format("cannot read link {}", local.string()), std::strerror(errno)));
      archive_entry_set_symlink(e.get(), std::string(target.data(), n).c_str());
      archive_entry_set_size(e.get(), 0);
    } else if (!S_ISREG(st.st_mode)) {
      archive_entry_set_size(e.get(), 0);
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      fd = UniqueFd(::open(local.c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.get() < 0)
        return std::unexpected(MakeError(fmt::format("cannot open {}", local.string()), std::strerror(errno)));
      in = nullptr;
      remaining = static_cast<std::uint64_t>(st.st_size);
      source_name = local.string();
    }
    return WriteHeader(e.get(), name);
  }

  Result<void> StartJob(Job job) {
    switch (job.kind) {
      case Job::Kind::kFile:
        return StartPath(job.local, job.name, job.mode);
      case Job::Kind::kStream: {
        EntryPtr e(archive_entry_new());
        archive_entry_set_pathname(e.get(), job.name.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), job.mode.value_or(0644) & 07777);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(job.size));
        archive_entry_set_mtime(e.get(), std::time(nullptr), 0);
        in = job.in;
        remaining = job.size;
        source_name = job.name;
        return WriteHeader(e.get(), job.name);
      }
      case Job::Kind::kDirectory: {
        std::error_code ec;
        walk.emplace(job.local, fs::directory_options::none, ec);
        if (ec)
          return std::unexpected(MakeError(fmt::format("cannot read directory {}", job.local.string()), ec.message()));
        walk_root = job.local;
        walk_prefix = job.name;
        // The directory itself, so that it gets the local mode and time.
        if (!walk_prefix.empty()) return StartPath(job.local, walk_prefix, std::nullopt);
        return {};
      }
    }
    return {};
  }

  // Takes the next entry of the directory walk; false when the walk is over.
  Result<bool> NextWalkEntry() {
    std::error_code ec;
    fs::recursive_directory_iterator& it = *walk;
    if (it == fs::recursive_directory_iterator()) {
      walk.reset();
      return false;
    }
    fs::path path = it->path();
    std::string rel = path.lexically_relative(walk_root).generic_string();
    std::string name = walk_prefix.empty() ? rel : walk_prefix + "/" + rel;
    it.increment(ec);
    if (ec) return std::unexpected(MakeError(fmt::format("cannot read directory {}", path.string()), ec.message()));
    if (Result<void> r = StartPath(path, name, std::nullopt); !r) return std::unexpected(r.error());
    return true;
  }

  // Produces some more output (or finishes the tar).
  Result<void> Step() {
    if (!opened) return Open();
    if (remaining > 0) {
      size_t want = static_cast<size_t>(std::min<std::uint64_t>(remaining, chunk.size()));
      size_t got = 0;
      if (in) {
        in->read(chunk.data(), static_cast<std::streamsize>(want));
        got = static_cast<size_t>(in->gcount());
      } else {
        ssize_t n = ::read(fd.get(), chunk.data(), want);
        if (n < 0) {
          if (errno == EINTR) return {};
          return std::unexpected(MakeError(fmt::format("cannot read {}", source_name), std::strerror(errno)));
        }
        got = static_cast<size_t>(n);
      }
      if (got == 0)
        return std::unexpected(
            MakeError(fmt::format("cannot read {}", source_name), fmt::format("it ended {} bytes early", remaining)));
      if (archive_write_data(a, chunk.data(), got) < 0)
        return std::unexpected(ArchiveError(fmt::format("tar: cannot add {}", source_name), a));
      remaining -= got;
      if (remaining == 0) {
        fd.Reset();
        in = nullptr;
      }
      return {};
    }
    if (walk) {
      Result<bool> more = NextWalkEntry();
      if (!more) return std::unexpected(more.error());
      if (*more) return {};
    }
    if (!jobs.empty()) {
      Job job = std::move(jobs.front());
      jobs.pop_front();
      return StartJob(std::move(job));
    }
    if (archive_write_close(a) != ARCHIVE_OK) return std::unexpected(ArchiveError("tar: cannot finish", a));
    closed = true;
    return {};
  }
};

TarWriter::TarWriter() : impl_(std::make_unique<Impl>()) {}
TarWriter::TarWriter(TarWriter&&) noexcept = default;
TarWriter& TarWriter::operator=(TarWriter&&) noexcept = default;
TarWriter::~TarWriter() = default;

void TarWriter::AddFile(std::filesystem::path local, std::string name, std::optional<std::uint32_t> mode) {
  impl_->jobs.push_back(
      {.kind = Impl::Job::Kind::kFile, .local = std::move(local), .name = TarName(std::move(name)), .mode = mode});
}

void TarWriter::AddStream(std::istream& in, std::uint64_t size, std::string name, std::uint32_t mode) {
  impl_->jobs.push_back(
      {.kind = Impl::Job::Kind::kStream, .name = TarName(std::move(name)), .in = &in, .size = size, .mode = mode});
}

void TarWriter::AddDirectory(std::filesystem::path local_dir, std::string prefix) {
  while (prefix.ends_with('/')) prefix.pop_back();
  impl_->jobs.push_back(
      {.kind = Impl::Job::Kind::kDirectory, .local = std::move(local_dir), .name = TarName(std::move(prefix))});
}

Result<size_t> TarWriter::Read(std::span<char> buf) {
  Impl& t = *impl_;
  if (t.error) return std::unexpected(*t.error);
  while (t.out_pos == t.out.size() && !t.closed) {
    t.out.clear();  // keeps its capacity
    t.out_pos = 0;
    if (Result<void> r = t.Step(); !r) {
      t.error = r.error();
      return std::unexpected(r.error());
    }
  }
  size_t n = std::min(buf.size(), t.out.size() - t.out_pos);
  std::memcpy(buf.data(), t.out.data() + t.out_pos, n);
  t.out_pos += n;
  return n;
}

namespace {

// libarchive's read side pulls through this.
struct SourceReader {
  const ByteSource* source;
  std::vector<char> buf = std::vector<char>(kChunk);
  std::optional<Error> error;

  static la_ssize_t OnRead(archive* a, void* p, const void** out) {
    auto* self = static_cast<SourceReader*>(p);
    Result<size_t> n = (*self->source)(std::span<char>(self->buf));
    if (!n) {
      self->error = n.error();
      archive_set_error(a, EIO, "%s", n.error().Message().c_str());
      return -1;
    }
    *out = self->buf.data();
    return static_cast<la_ssize_t>(*n);
  }
};

struct ReadArchive {
  archive* a = archive_read_new();
  ~ReadArchive() {
    if (a) archive_read_free(a);
  }
};

struct DiskArchive {
  archive* a = archive_write_disk_new();
  ~DiskArchive() {
    if (a) archive_write_free(a);
  }
};

Result<void> OpenReader(archive* a, SourceReader& reader) {
  archive_read_support_format_tar(a);
  if (archive_read_open(a, &reader, nullptr, &SourceReader::OnRead, nullptr) != ARCHIVE_OK) {
    if (reader.error) return std::unexpected(*reader.error);
    return std::unexpected(ArchiveError("cannot read the tar stream", a));
  }
  return {};
}

// The error of a failed read: the source's own when it failed, else libarchive's.
Error ReadError(archive* a, const SourceReader& reader, std::string summary) {
  if (reader.error) return *reader.error;
  return ArchiveError(std::move(summary), a);
}

std::string EntryPath(archive_entry* e) {
  const char* p = archive_entry_pathname(e);
  if (!p) p = archive_entry_pathname_utf8(e);
  return p ? p : "";
}

bool SafeRelative(const std::string& name) {
  if (name.empty() || name.starts_with('/')) return false;
  for (const fs::path& part : fs::path(name))
    if (part == "..") return false;
  return true;
}

}  // namespace

Result<void> ExtractTar(const ByteSource& source, const std::filesystem::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot create {}", dir.string()), ec.message()));
  // Canonical, so that the symlink check below sees no links in our own prefix.
  fs::path root = fs::canonical(dir, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("cannot resolve {}", dir.string()), ec.message()));

  ReadArchive in;
  DiskArchive disk;
  SourceReader reader{.source = &source};
  if (Result<void> r = OpenReader(in.a, reader); !r) return r;
  archive_write_disk_set_options(disk.a, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                             ARCHIVE_EXTRACT_SECURE_SYMLINKS);

  archive_entry* entry = nullptr;
  int r;
  while ((r = archive_read_next_header(in.a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    std::string name = EntryPath(entry);
    while (name.starts_with("./")) name.erase(0, 2);
    if (name.empty() || name == ".") continue;
    if (!SafeRelative(name))
      return std::unexpected(MakeError("refusing to extract an unsafe path", fmt::format("{:?}", name)));
    archive_entry_set_pathname(entry, (root / name).c_str());
    if (const char* link = archive_entry_hardlink(entry)) {
      std::string target = link;
      if (!SafeRelative(target))
        return std::unexpected(MakeError("refusing to extract an unsafe hard link", fmt::format("{:?}", target)));
      archive_entry_set_hardlink(entry, (root / target).c_str());
    }
    if (archive_write_header(disk.a, entry) < ARCHIVE_WARN)
      return std::unexpected(ArchiveError(fmt::format("cannot extract {}", name), disk.a));
    if (archive_entry_size(entry) > 0) {
      const void* block;
      size_t size;
      la_int64_t offset;
      int rr;
      while ((rr = archive_read_data_block(in.a, &block, &size, &offset)) == ARCHIVE_OK) {
        if (archive_write_data_block(disk.a, block, size, offset) < ARCHIVE_WARN)
          return std::unexpected(ArchiveError(fmt::format("cannot write {}", name), disk.a));
      }
      if (rr != ARCHIVE_EOF) return std::unexpected(ReadError(in.a, reader, fmt::format("cannot read {}", name)));
    }
    if (archive_write_finish_entry(disk.a) < ARCHIVE_WARN)
      return std::unexpected(ArchiveError(fmt::format("cannot write {}", name), disk.a));
  }
  if (r != ARCHIVE_EOF) return std::unexpected(ReadError(in.a, reader, "cannot read the tar stream"));
  // Applies the deferred directory permissions and times.
  if (archive_write_close(disk.a) != ARCHIVE_OK)
    return std::unexpected(ArchiveError(fmt::format("cannot finish extracting into {}", dir.string()), disk.a));
  return {};
}

Result<TarEntryInfo> ReadFirstEntry(const ByteSource& source, std::ostream& out) {
  ReadArchive in;
  SourceReader reader{.source = &source};
  if (Result<void> r = OpenReader(in.a, reader); !r) return std::unexpected(r.error());
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(in.a, &entry);
  if (r == ARCHIVE_EOF) return std::unexpected(MakeError("the tar stream is empty"));
  if (r < ARCHIVE_WARN) return std::unexpected(ReadError(in.a, reader, "cannot read the tar stream"));

  TarEntryInfo info;
  info.name = EntryPath(entry);
  info.size = static_cast<std::uint64_t>(archive_entry_size(entry));
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      info.type = TarEntryInfo::Type::kFile;
      break;
    case AE_IFDIR:
      info.type = TarEntryInfo::Type::kDirectory;
      return info;
    case AE_IFLNK:
      info.type = TarEntryInfo::Type::kSymlink;
      if (const char* t = archive_entry_symlink(entry)) info.link_target = t;
      return info;
    default:
      return info;
  }
  std::vector<char> buf(kChunk);
  for (;;) {
    la_ssize_t n = archive_read_data(in.a, buf.data(), buf.size());
    if (n < 0) return std::unexpected(ReadError(in.a, reader, fmt::format("cannot read {}", info.name)));
    if (n == 0) break;
    out.write(buf.data(), n);
    if (!out) return std::unexpected(MakeError(fmt::format("cannot write the contents of {}", info.name)));
  }
  return info;
}

ByteSource IstreamSource(std::istream& in) {
  return [&in](std::span<char> buf) -> Result<size_t> {
    if (in.eof()) return 0;
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.bad()) return std::unexpected(MakeError("cannot read the input stream"));
    return static_cast<size_t>(in.gcount());
  };
}

}  // namespace kiln::clients::docker
