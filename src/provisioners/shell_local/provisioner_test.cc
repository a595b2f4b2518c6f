#include "provisioners/shell_local/provisioner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "json/value.h"
#include "provisioners/shell_local/options.h"
#include "template/decode.h"
#include "ui/ui.h"
#include "util/temp_dir.h"

namespace kiln::provisioners::shell_local {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

// shell-local never touches the communicator.
class NoCommunicator : public engine::Communicator {
 public:
  Result<int> Run(const engine::RemoteCommand&, const CancelToken&) override { return Unexpected(); }
  Result<void> Upload(const std::string&, engine::UploadSource, const CancelToken&) override { return Unexpected(); }
  Result<void> UploadDir(const std::string&, const fs::path&, const CancelToken&) override { return Unexpected(); }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override { return Unexpected(); }
  Result<void> DownloadDir(const std::string&, const fs::path&, const CancelToken&) override { return Unexpected(); }

 private:
  static std::unexpected<Error> Unexpected() {
    ADD_FAILURE() << "shell-local used the communicator";
    return std::unexpected(MakeError("no communicator"));
  }
};

// Both Ui streams go to one file, so the test sees the order lines came in.
class ShellLocalTest : public ::testing::Test {
 protected:
  ShellLocalTest() : file_(std::tmpfile()), output_(file_, file_), ui_(output_, ui::UiOptions{}, "web") {
    ctx_.build_name = "web";
    ctx_.build_type = "null";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
  }
  ~ShellLocalTest() override { std::fclose(file_); }

  tmpl::DecodedConfig Decode(const std::string& text) {
    Result<json::Value> v = json::Parse(text, "test.json");
    EXPECT_TRUE(v) << v.error().Message();
    Diagnostics diags;
    interpolate::Context ctx;
    tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), ctx, "provisioner shell-local", diags);
    for (const Error& e : diags) ADD_FAILURE() << e.Message();
    return c;
  }

  Result<void> Provision(const std::string& json) {
    Result<std::unique_ptr<engine::Provisioner>> p = MakeShellLocal(Decode(json));
    if (!p) return std::unexpected(p.error());
    return (*p)->Provision(ctx_, comm_);
  }

  std::string out() {
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    for (int c; (c = std::fgetc(file_)) != EOF;) s += static_cast<char>(c);
    return s;
  }

  std::string Write(const std::string& name, const std::string& content) {
    fs::path p = dir_.path() / name;
    std::ofstream(p) << content;
    fs::permissions(p, fs::perms(0700));
    return p.string();
  }

  std::FILE* file_;
  ui::Output output_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  NoCommunicator comm_;
  TempDir dir_ = *TempDir::Create("shell-local-test-");
};

TEST_F(ShellLocalTest, InlineRunsHere) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo hello from `uname -s`", "echo second"]})"));
  std::string text = out();
  EXPECT_NE(text.find("==> web: Running local shell script: "), std::string::npos) << text;
  EXPECT_NE(text.find("    web: hello from Linux\n    web: second\n"), std::string::npos) << text;
}

TEST_F(ShellLocalTest, InlineUsesTheShebangAndIsRemovedAfterwards) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo \"$0\"", "head -1 \"$0\""], "inline_shebang": "/bin/sh -eu"})"));
  std::string text = out();
  std::size_t at = text.find("    web: /");
  ASSERT_NE(at, std::string::npos) << text;
  std::string script = text.substr(at + 9, text.find('\n', at) - at - 9);
  EXPECT_NE(script.find("packer-shell"), std::string::npos);
  EXPECT_NE(text.find("    web: #!/bin/sh -eu\n"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(script));
}

TEST_F(ShellLocalTest, Command) {
  ASSERT_TRUE(Provision(R"({"command": "echo one command"})"));
  EXPECT_NE(out().find("    web: one command\n"), std::string::npos) << out();
}

TEST_F(ShellLocalTest, ScriptAndScripts) {
  std::string a = Write("a.sh", "#!/bin/sh\necho script a\n");
  std::string b = Write("b.sh", "#!/bin/sh\necho script b\n");
  ASSERT_TRUE(Provision(fmt::format(R"({{"scripts": ["{}", "{}"]}})", a, b)));
  std::string text = out();
  std::size_t first = text.find("Running local shell script: " + a + "\n    web: script a\n");
  std::size_t second = text.find("Running local shell script: " + b + "\n    web: script b\n");
  EXPECT_NE(first, std::string::npos) << text;
  EXPECT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  ASSERT_TRUE(Provision(fmt::format(R"({{"script": "{}"}})", a)));
}

TEST_F(ShellLocalTest, EnvironmentVarsAreVisible) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo \"$GREETING|$EMPTY|$PACKER_BUILD_NAME|$PACKER_BUILDER_TYPE|$Z\""],
      "environment_vars": ["GREETING=it's \"fine\"", "EMPTY="], "env": {"Z": "a b"}})"));
  EXPECT_NE(out().find("    web: it's \"fine\"||web|null|a b\n"), std::string::npos) << out();
}

// The script's parent (the execute_command's /bin/sh) shows in `ps` to
// every user of the host: the values are not in its command line.
TEST_F(ShellLocalTest, EnvironmentVarsAreNotOnTheCommandLine) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo \"got $PASSWORD\"", "tr '\\000' ' ' < /proc/$PPID/cmdline; echo"],
      "environment_vars": ["PASSWORD=kiln-local-s3cret"]})"));
  EXPECT_NE(out().find("    web: got kiln-local-s3cret\n"), std::string::npos) << out();
  EXPECT_EQ(out().find("kiln-local-s3cret", out().find("got kiln-local-s3cret") + 10), std::string::npos) << out();
}

TEST_F(ShellLocalTest, ExitCodeIsChecked) {
  Result<void> r = Provision(R"({"inline": ["echo before", "exit 3"]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "local inline script exited with status 3 (allowed: 0)");
  EXPECT_NE(out().find("    web: before\n"), std::string::npos);
}

TEST_F(ShellLocalTest, ValidExitCodes) {
  EXPECT_TRUE(Provision(R"({"inline": ["exit 3"], "valid_exit_codes": [0, 3]})"));
  Result<void> r = Provision(R"({"inline": ["exit 0"], "valid_exit_codes": [3]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "local inline script exited with status 0 (allowed: 3)");
}

TEST_F(ShellLocalTest, ExecuteCommandOverride) {
  ctx_.SetBuildValue("ID", "c0ffee");
  ASSERT_TRUE(Provision(R"({"inline": ["echo ignored"],
      "execute_command": ["/bin/sh", "-c", "{{.Vars}} echo custom {{build `ID`}} {{.ID}} $0",
                          "arg0"]})"));
  EXPECT_NE(out().find("    web: custom c0ffee c0ffee arg0\n"), std::string::npos) << out();
}

TEST_F(ShellLocalTest, ExecuteCommandSeesScriptAndVars) {
  ASSERT_TRUE(Provision(R"({"command": "true", "environment_vars": ["A=1"],
      "execute_command": ["/bin/echo", "{{.Vars}}", "{{.Script}}"]})"));
  std::string text = out();
  EXPECT_NE(text.find("    web: A='1' PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='web'  /"), std::string::npos)
      << text;
}

TEST_F(ShellLocalTest, MissingProgramFails) {
  Result<void> r = Provision(R"({"command": "true", "execute_command": ["/no/such/program", "{{.Script}}"]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "cannot run local inline script");
}

TEST_F(ShellLocalTest, OnlyOnSkipsOtherSystems) {
  ASSERT_TRUE(Provision(R"({"command": "echo should not run", "only_on": ["windows", "darwin"]})"));
  std::string text = out();
  EXPECT_EQ(text.find("should not run"), std::string::npos);
  EXPECT_NE(text.find("Skipping shell-local"), std::string::npos) << text;
  ASSERT_TRUE(Provision(R"({"command": "echo runs here", "only_on": ["linux"]})"));
  EXPECT_NE(out().find("    web: runs here\n"), std::string::npos);
}

TEST_F(ShellLocalTest, TempfileExtension) {
  ASSERT_TRUE(Provision(R"({"command": "echo \"$0\"", "tempfile_extension": ".sh"})"));
  EXPECT_NE(out().find(".sh\n"), std::string::npos) << out();
}

TEST_F(ShellLocalTest, OutputStreamsInOrder) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo a", "sleep 0.2", "echo b >&2", "sleep 0.2", "echo c"]})"));
  std::string text = out();
  std::size_t a = text.find("    web: a\n");
  std::size_t b = text.find("==> web: b\n");  // stderr shows as an error line
  std::size_t c = text.find("    web: c\n");
  ASSERT_NE(a, std::string::npos) << text;
  ASSERT_NE(b, std::string::npos) << text;
  ASSERT_NE(c, std::string::npos) << text;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(ShellLocalTest, CancellationKillsTheProcessGroup) {
  std::string pid_file = (dir_.path() / "pid").string();
  std::thread canceller([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel_.Cancel();
  });
  auto start = steady_clock::now();
  Result<void> r = Provision(fmt::format(R"({{"inline": ["sleep 30 & echo $! > {}", "wait"]}})", pid_file));
  auto elapsed = steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(r);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  EXPECT_NE(r.error().Message().find("cancelled"), std::string::npos) << r.error().Message();

  // The background sleep was in the group too: gone (or a zombie awaiting
  // its new parent) within a moment.
  std::string pid;
  std::ifstream(pid_file) >> pid;
  ASSERT_FALSE(pid.empty());
  bool alive = true;
  for (int i = 0; i < 100 && alive; ++i) {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string line;
    std::getline(stat, line);
    std::size_t paren = line.rfind(')');
    alive = stat && paren != std::string::npos && line.size() > paren + 2 && line[paren + 2] != 'Z';
    if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(alive) << "sleep " << pid << " survived cancellation";
}

TEST_F(ShellLocalTest, CancelledBeforeStartRunsNothing) {
  cancel_.Cancel();
  Result<void> r = Provision(R"({"command": "echo should not run"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(out().find("should not run"), std::string::npos);
}

}  // namespace
}  // namespace kiln::provisioners::shell_local
