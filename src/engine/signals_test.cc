#include "engine/signals.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

namespace kiln::engine {
namespace {

volatile sig_atomic_t g_previous_handler_calls = 0;
void PreviousHandler(int) { g_previous_handler_calls = g_previous_handler_calls + 1; }

std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;) s += static_cast<char>(c);
  return s;
}

TEST(InterruptHandler, FirstSignalCancelsLaterOnesOnlyTellAndHandlersAreRestored) {
  struct sigaction previous {
  }, saved{};
  previous.sa_handler = PreviousHandler;
  sigemptyset(&previous.sa_mask);
  ASSERT_EQ(::sigaction(SIGINT, &previous, &saved), 0);

  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    ui::Output output(out, err);
    ui::Ui ui(output, ui::UiOptions{});
    CancelToken cancel;
    std::optional<InterruptHandler> handler(std::in_place, ui, cancel);
    ::raise(SIGINT);  // the handler has written to its pipe when raise returns
    for (int i = 0; i < 200 && !cancel.cancelled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(cancel.cancelled());
    ::raise(SIGTERM);
    handler.reset();  // the watcher reads the second signal before the stop byte
    EXPECT_EQ(ReadAll(err),
              "Cancelling build after receiving interrupt...\n"
              "Cleanup is still running; please wait for it to finish (interrupting again does not skip it).\n");
    EXPECT_EQ(g_previous_handler_calls, 0);
  }
  ::raise(SIGINT);  // the previous handler is back
  EXPECT_EQ(g_previous_handler_calls, 1);
  ::sigaction(SIGINT, &saved, nullptr);
  std::fclose(out);
  std::fclose(err);
}

}  // namespace
}  // namespace kiln::engine
