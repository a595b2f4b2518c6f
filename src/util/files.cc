#include "util/files.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kiln {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected(MakeError(fmt::format("cannot read {}", path), std::strerror(errno)));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string FileKind(unsigned mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

Result<UniqueFd> OpenRegularFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) return std::unexpected(MakeError(fmt::format("cannot open {}", path), std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return std::unexpected(MakeError(fmt::format("cannot open {}", path), std::strerror(errno)));
  if (!S_ISREG(st.st_mode))
    return std::unexpected(MakeError(fmt::format("cannot read {}: it is {}, not a regular file", path, FileKind(st.st_mode)),
                                     "name a regular file (or a directory where one is allowed)"));
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) (void)::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace kiln
