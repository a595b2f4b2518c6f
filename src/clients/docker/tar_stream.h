// Tar streams for the archive endpoints, made and taken apart with libarchive
// a chunk at a time: memory stays at a few hundred KiB whatever the sizes, so
// a 1 GiB upload or download never sits in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>

#include "clients/docker/http_transport.h"
#include "util/error.h"

namespace kiln::clients::docker {

// Produces a tar on demand (pull-style) from queued local files, streams and
// directory trees; nothing is read before the first Read. Entries are owned
// by root (uid/gid 0) whatever the local owner: what `docker cp` run as root
// gives. Errors (a missing file, a stream shorter than promised) surface from
// Read and name the file. Move-only.
class TarWriter {
 public:
  TarWriter();
  TarWriter(TarWriter&&) noexcept;
  TarWriter& operator=(TarWriter&&) noexcept;
  ~TarWriter();

  // One local file (or symlink, not followed) stored as `name` ("app/run.sh";
  // a leading '/' is dropped). `mode` overrides the permission bits.
  void AddFile(std::filesystem::path local, std::string name, std::optional<std::uint32_t> mode = std::nullopt);
  // `size` bytes read from `in` (which must outlive the reads) stored as a
  // regular file `name`; fewer bytes than `size` is an error.
  void AddStream(std::istream& in, std::uint64_t size, std::string name, std::uint32_t mode = 0644);
  // The tree under `local_dir`, its entries named `prefix`/relative path; an
  // empty prefix puts its contents at the top of the tar (`docker cp dir/.`).
  // Symlinks are stored, not followed; sockets are skipped.
  void AddDirectory(std::filesystem::path local_dir, std::string prefix);

  // Fills a prefix of `buf`; 0 once the tar (with its end blocks) is complete.
  Result<size_t> Read(std::span<char> buf);
  // Borrows *this, which must outlive the source.
  ByteSource AsSource() {
    return [this](std::span<char> buf) { return Read(buf); };
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Extracts the tar pulled from `source` under `dir` (created if missing),
// keeping permissions and times but not owners. Entries with absolute paths
// or ".." are refused, and nothing is written through a symlink.
Result<void> ExtractTar(const ByteSource& source, const std::filesystem::path& dir);

struct TarEntryInfo {
  enum class Type { kFile, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  std::string name;
  std::string link_target;  // kSymlink
  std::uint64_t size = 0;
};

// Reads the first entry of the tar from `source`; when it is a regular file
// its contents go to `out`. The rest of the tar is not read.
Result<TarEntryInfo> ReadFirstEntry(const ByteSource& source, std::ostream& out);

// A ByteSource over an istream, which must outlive it.
ByteSource IstreamSource(std::istream& in);

}  // namespace kiln::clients::docker
