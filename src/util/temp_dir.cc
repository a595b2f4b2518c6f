#include "util/temp_dir.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "util/unique_fd.h"

namespace kiln {
namespace {

// The directory for temporary things; temp_directory_path honours $TMPDIR.
std::filesystem::path TempRoot() {
  std::error_code ec;
  std::filesystem::path root = std::filesystem::temp_directory_path(ec);
  return ec ? std::filesystem::path("/tmp") : root;
}

// mkdtemp/mkstemps rewrite the template in place, so it must be writable.
std::vector<char> Template(std::string_view prefix, std::string_view suffix) {
  std::string text = (TempRoot() / fmt::format("{}XXXXXX{}", prefix, suffix)).string();
  return std::vector<char>(text.c_str(), text.c_str() + text.size() + 1);
}

}  // namespace

Result<TempDir> TempDir::Create(std::string_view prefix) {
  std::vector<char> name = Template(prefix, "");
  if (::mkdtemp(name.data()) == nullptr)  // mkdtemp makes it 0700
    return std::unexpected(
        MakeError(fmt::format("cannot create a temporary directory {}", name.data()), std::strerror(errno)));
  return TempDir(std::filesystem::path(name.data()));
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Reset();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

void TempDir::Reset() {
  if (path_.empty()) return;
  std::error_code ec;  // best effort: a destructor has no one to tell
  std::filesystem::remove_all(std::exchange(path_, {}), ec);
}

Result<TempFile> TempFile::Create(std::string_view prefix, std::string_view suffix) {
  std::vector<char> name = Template(prefix, suffix);
  UniqueFd fd(::mkstemps(name.data(), static_cast<int>(suffix.size())));  // 0600; only the name is kept
  if (!fd)
    return std::unexpected(
        MakeError(fmt::format("cannot create a temporary file {}", name.data()), std::strerror(errno)));
  return TempFile(std::filesystem::path(name.data()));
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    Reset();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

void TempFile::Reset() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(std::exchange(path_, {}), ec);
}

}  // namespace kiln
