#include "util/prompt.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace kiln {
namespace {

using namespace std::chrono_literals;

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~Pipe() {
    ::close(fds_[0]);
    CloseWrite();
  }
  int read_fd() const { return fds_[0]; }
  void Write(std::string_view s) { EXPECT_EQ(::write(fds_[1], s.data(), s.size()), static_cast<ssize_t>(s.size())); }
  void CloseWrite() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(AskLine, ShowsTheQuestionThenReadsOneLineAtATime) {
  Pipe p;
  p.Write("retry\r\nabort\n");
  int shown = 0;
  EXPECT_EQ(AskLine([&] { ++shown; }, nullptr, p.read_fd()), "retry");
  EXPECT_EQ(AskLine([&] { ++shown; }, nullptr, p.read_fd()), "abort");
  EXPECT_EQ(shown, 2);
}

TEST(AskLine, ClosedInputGivesEmptyOrWhatWasTyped) {
  Pipe p;
  p.Write("partial");
  p.CloseWrite();
  EXPECT_EQ(AskLine(nullptr, nullptr, p.read_fd()), "partial");
  EXPECT_EQ(AskLine(nullptr, nullptr, p.read_fd()), "");
}

TEST(AskLine, CancelEndsTheWait) {
  Pipe p;  // nothing is ever written
  CancelToken cancel;
  std::jthread canceller([&] {
    std::this_thread::sleep_for(100ms);
    cancel.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(AskLine(nullptr, &cancel, p.read_fd()), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace kiln
