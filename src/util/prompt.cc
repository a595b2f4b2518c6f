#include "util/prompt.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace kiln {

std::string AskLine(const std::function<void()>& show, const CancelToken* cancel, int fd) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (show) show();
  std::string line;
  while (true) {
    if (cancel && cancel->cancelled()) return "";
    // Short polls rather than a blocking read, to notice the cancel token.
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return "";
    if (ready <= 0) continue;
    char c;
    ssize_t n = ::read(fd, &c, 1);  // a byte at a time: nothing past the line is consumed
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return line;  // end of input: what was typed, if anything
    if (c == '\n') break;
    line += c;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace kiln
