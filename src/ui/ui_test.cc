#include "ui/captured_output.h"
#include "ui/ui.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <thread>

namespace kiln::ui {
namespace {

using Captured = CapturedOutput;

TEST(Ui, BuildLinesCarryThePrefixOnEveryLine) {
  Captured cap;
  Ui ui(cap.output(), UiOptions{});
  Ui build = ui.ForBuild("docker", Color::kGreen);
  build.Say("Creating a container");
  build.Message("line one\nline two");
  build.Error("it failed");
  EXPECT_EQ(cap.out(), "==> docker: Creating a container\n    docker: line one\n    docker: line two\n");
  EXPECT_EQ(cap.err(), "==> docker: it failed\n");
}

TEST(Ui, ColorsOnlyWhenAsked) {
  Captured cap;
  Ui ui(cap.output(), UiOptions{.color = true});
  ui.ForBuild("docker", Color::kGreen).Say("hi");
  EXPECT_EQ(cap.out(), "\033[0;32m==> docker: hi\033[0m\n");
}

TEST(Ui, MachineReadableLinesEscapeCommasAndNewlines) {
  Captured cap;
  Ui ui(cap.output(), UiOptions{.machine_readable = true});
  ui.ForBuild("docker", Color::kGreen).Say("a,b\nc");
  ui.Machine("artifact-count", {"1"});
  ui.Message("plain");  // a human-only line still becomes a ui record
  std::string out = cap.out();
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^\d+,docker,ui,say,==> docker: a%!\(PACKER_COMMA\)b\\nc\n)")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n\d+,,artifact-count,1\n)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n\d+,,ui,message,plain\n$)"))) << out;
}

TEST(Ui, TimestampsPrefixEachLine) {
  Captured cap;
  Ui ui(cap.output(), UiOptions{.timestamps = true});
  ui.ForBuild("b", Color::kNone).Say("x");
  EXPECT_TRUE(std::regex_match(cap.out(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: ==> b: x\n)"))) << cap.out();
}

// A script that prints a multi-line secret (a key) does so line by line:
// every line is masked, in human and machine-readable output and the log.
TEST(Output, MasksEachLineOfAMultiLineSecretPrintedLineByLine) {
  const std::string key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA,BG5vbmU\n"
                          "-----END OPENSSH PRIVATE KEY-----\n";
  for (bool machine : {false, true}) {
    Captured cap;
    std::FILE* log = std::tmpfile();
    cap.output().SetLog(log, true);
    cap.output().AddSecret(key);
    Ui build = Ui(cap.output(), UiOptions{.machine_readable = machine}).ForBuild("docker", Color::kNone);
    for (std::size_t start = 0, nl; (nl = key.find('\n', start)) != std::string::npos; start = nl + 1) {
      build.Message(key.substr(start, nl - start));
      cap.output().Log("docker: stdout: " + key.substr(start, nl - start));
    }
    std::fflush(log);
    std::rewind(log);
    std::string logged;
    for (int c; (c = std::fgetc(log)) != EOF;) logged += static_cast<char>(c);
    for (const std::string& text : {cap.out(), logged}) {
      EXPECT_EQ(text.find("BEGIN"), std::string::npos) << text;
      EXPECT_EQ(text.find("b3BlbnNzaC1rZXkt"), std::string::npos) << text;
      EXPECT_EQ(text.find("END"), std::string::npos) << text;
      EXPECT_NE(text.find("<sensitive>"), std::string::npos) << text;
    }
  }
}

TEST(Output, MasksEveryWriteAndNeverInterleavesLines) {
  Captured cap;
  cap.output().AddSecret("hunter2");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cap, t] {
      for (int i = 0; i < 200; ++i) cap.output().Out("thread " + std::to_string(t) + " says hunter2 " + std::string(50, 'x') + "\n");
    });
  for (std::thread& t : threads) t.join();
  std::string out = cap.out();
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  std::regex line(R"(thread \d says <sensitive> x{50})");
  std::size_t lines = 0;
  for (std::size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1, ++lines)
    EXPECT_TRUE(std::regex_match(out.substr(start, nl - start), line)) << out.substr(start, nl - start);
  EXPECT_EQ(lines, 800u);
}

}  // namespace
}  // namespace kiln::ui
