#include "util/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "util/temp_dir.h"

namespace kiln {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

struct Lines {
  std::vector<std::string> out, err;
  LineHandler Out() {
    return [this](std::string_view l) { out.emplace_back(l); };
  }
  LineHandler Err() {
    return [this](std::string_view l) { err.emplace_back(l); };
  }
};

Subprocess Sh(const std::string& script, SubprocessOptions options = {}) {
  options.argv = {"/bin/sh", "-c", script};
  Result<Subprocess> p = Subprocess::Start(std::move(options));
  EXPECT_TRUE(p) << p.error().Message();
  return std::move(*p);
}

// True while /proc shows `pid` as a live (not zombie) process.
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  std::size_t paren = line.rfind(')');
  return paren != std::string::npos && line.size() > paren + 2 && line[paren + 2] != 'Z';
}

TEST(Subprocess, SplitsStdoutAndStderrIntoLines) {
  Lines lines;
  Subprocess p = Sh("echo one; echo two; echo err >&2; printf 'no newline'");
  Result<int> status = p.Wait(nullptr, lines.Out(), lines.Err());
  ASSERT_TRUE(status) << status.error().Message();
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(lines.out, (std::vector<std::string>{"one", "two", "no newline"}));
  EXPECT_EQ(lines.err, (std::vector<std::string>{"err"}));
  EXPECT_FALSE(p.running());
}

TEST(Subprocess, KeepsEmptyLinesAndCarriageReturns) {
  Lines lines;
  Subprocess p = Sh("printf 'a\\n\\nb\\r\\n'");
  ASSERT_TRUE(p.Wait(nullptr, lines.Out(), lines.Err()));
  EXPECT_EQ(lines.out, (std::vector<std::string>{"a", "", "b\r"}));
}

TEST(Subprocess, ReturnsTheExitStatus) {
  EXPECT_EQ(*Sh("exit 7").Wait(nullptr, {}, {}), 7);
  EXPECT_EQ(*Sh("kill -9 $$").Wait(nullptr, {}, {}), 128 + SIGKILL);
}

TEST(Subprocess, LongOutputIsNotLost) {
  std::size_t count = 0;
  Subprocess p = Sh("i=0; while [ $i -lt 20000 ]; do echo \"line $i\"; i=$((i+1)); done");
  ASSERT_TRUE(p.Wait(nullptr, [&](std::string_view) { ++count; }, {}));
  EXPECT_EQ(count, 20000u);
}

TEST(Subprocess, StreamsLinesAsTheyArrive) {
  auto start = steady_clock::now();
  std::vector<std::pair<std::string, steady_clock::duration>> seen;
  Subprocess p = Sh("echo first; sleep 1; echo second");
  ASSERT_TRUE(
      p.Wait(nullptr, [&](std::string_view l) { seen.emplace_back(std::string(l), steady_clock::now() - start); }, {}));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, "first");
  EXPECT_LT(seen[0].second, milliseconds(700));
  EXPECT_GE(seen[1].second, milliseconds(900));
}

TEST(Subprocess, EnvironmentAndWorkingDirectory) {
  Result<TempDir> dir = TempDir::Create();
  ASSERT_TRUE(dir);
  Lines lines;
  Subprocess p = Sh("echo \"$KILN_TEST_VAR\"; pwd; echo \"${PATH:+has path}\"",
                    {.env = {"KILN_TEST_VAR=hello there"}, .cwd = dir->path()});
  ASSERT_TRUE(p.Wait(nullptr, lines.Out(), lines.Err()));
  EXPECT_EQ(lines.out,
            (std::vector<std::string>{"hello there", std::filesystem::canonical(dir->path()).string(), "has path"}));
}

TEST(Subprocess, StdinIsEmpty) {
  Lines lines;
  Subprocess p = Sh("cat; echo done");
  ASSERT_TRUE(p.Wait(nullptr, lines.Out(), lines.Err()));
  EXPECT_EQ(lines.out, (std::vector<std::string>{"done"}));
}

TEST(Subprocess, MissingProgramFailsToStart) {
  Result<Subprocess> p = Subprocess::Start({.argv = {"/no/such/program"}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().summary, "cannot start /no/such/program");
  EXPECT_FALSE(Subprocess::Start({.argv = {}}));
}

TEST(Subprocess, SearchesPath) {
  Lines lines;
  Result<Subprocess> p = Subprocess::Start({.argv = {"echo", "via", "path"}});
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->Wait(nullptr, lines.Out(), lines.Err()));
  EXPECT_EQ(lines.out, (std::vector<std::string>{"via path"}));
}

TEST(Subprocess, CancellationKillsTheGroupPromptly) {
  CancelToken cancel;
  Subprocess p = Sh("sleep 30 & echo $!; sleep 30");
  pid_t leader = p.pid();
  pid_t background = 0;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.Cancel();
  });
  auto start = steady_clock::now();
  Result<int> status = p.Wait(&cancel, [&](std::string_view l) { background = std::stoi(std::string(l)); }, {});
  auto elapsed = steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().summary, "/bin/sh: cancelled");
  EXPECT_LT(elapsed, milliseconds(1000));
  EXPECT_FALSE(p.running());
  EXPECT_FALSE(Alive(leader));
  ASSERT_GT(background, 0);
  for (int i = 0; i < 100 && Alive(background); ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(Alive(background));
}

TEST(Subprocess, CancellationEscalatesToSigkill) {
  CancelToken cancel;
  Subprocess p = Sh("trap '' TERM; echo ready; while :; do sleep 0.05; done", {.kill_grace = milliseconds(100)});
  std::thread canceller;
  auto start = steady_clock::now();
  Result<int> status =
      p.Wait(&cancel, [&](std::string_view) { canceller = std::thread([&] { cancel.Cancel(); }); }, {});
  canceller.join();
  ASSERT_FALSE(status);
  EXPECT_LT(steady_clock::now() - start, milliseconds(1500));
}

TEST(Subprocess, DestructionKillsAndReaps) {
  pid_t pid;
  {
    Subprocess p = Sh("sleep 30");
    pid = p.pid();
    EXPECT_TRUE(p.running());
  }
  EXPECT_FALSE(Alive(pid));
  EXPECT_NE(::kill(pid, 0), 0);  // reaped, not a zombie
}

TEST(Subprocess, MoveTransfersOwnership) {
  Subprocess a = Sh("exit 4");
  Subprocess b = std::move(a);
  EXPECT_FALSE(a.running());
  EXPECT_EQ(*b.Wait(nullptr, {}, {}), 4);
}

TEST(Subprocess, DoesNotWaitForBackgroundChildrenHoldingThePipes) {
  pid_t background = 0;
  auto start = steady_clock::now();
  Subprocess p = Sh("sleep 5 & echo $!");
  Result<int> status = p.Wait(nullptr, [&](std::string_view l) { background = std::stoi(std::string(l)); }, {});
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 0);
  if (background > 0) ::kill(background, SIGKILL);
}

}  // namespace
}  // namespace kiln
