// Temporary files and directories that remove themselves. Both are created
// under the system's temporary directory ($TMPDIR, else /tmp) with a random
// name, readable only by this user, and deleted by their owner's destructor
// (or Reset) unless Release() hands the path over.
//
//   Result<TempFile> script = TempFile::Create("packer-shell");
//   std::ofstream(script->path()) << "#!/bin/sh -e\n";
//   ... // the file is removed when `script` goes out of scope
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>

#include "util/error.h"

namespace kiln {

// A directory made with mkdtemp (mode 0700). Destruction removes it with
// everything inside; failures to remove are ignored (nothing to report to).
class TempDir {
 public:
  // Creates "<tmp>/<prefix>XXXXXX"; the error names the directory tried.
  static Result<TempDir> Create(std::string_view prefix = "kiln-");

  TempDir() = default;
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { Reset(); }

  const std::filesystem::path& path() const { return path_; }
  // Removes the directory now; a second call is a no-op.
  void Reset();
  // Keeps the directory on disk and returns its path; the caller cleans up.
  std::filesystem::path Release() { return std::exchange(path_, {}); }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// An empty regular file made with mkstemps (mode 0600), named
// "<tmp>/<prefix>XXXXXX<suffix>". Write it through path(); destruction
// unlinks it.
class TempFile {
 public:
  static Result<TempFile> Create(std::string_view prefix = "kiln-", std::string_view suffix = "");

  TempFile() = default;
  TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { Reset(); }

  const std::filesystem::path& path() const { return path_; }
  void Reset();
  std::filesystem::path Release() { return std::exchange(path_, {}); }

 private:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace kiln
