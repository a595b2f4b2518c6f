#include "provisioners/shell/provisioner.h"

#include "ui/captured_output.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <regex>

#include "json/value.h"
#include "provisioners/shell/options.h"
#include "template/decode.h"
#include "ui/ui.h"
#include "util/temp_dir.h"

namespace kiln::provisioners::shell {
namespace {

// Records what the provisioner asks of the machine. Each Run is answered by
// `respond` (default: exit 0, no output).
class FakeCommunicator : public engine::Communicator {
 public:
  struct Upload {
    std::string path;
    std::string content;
    std::uint64_t size;
    std::uint32_t mode;
  };
  struct Response {
    Result<int> status = 0;
    std::vector<std::string> out, err;
  };

  std::vector<std::string> commands;
  std::vector<std::map<std::string, std::string>> envs;  // each command's RemoteCommand::env
  std::vector<Upload> uploads;
  std::function<Response(const std::string&)> respond;
  int upload_failures = 0;  // the first N uploads fail
  int runs = 0;             // round trips to the machine

  Result<int> Run(const engine::RemoteCommand& cmd, const CancelToken& cancel) override {
    if (cancel.cancelled()) return std::unexpected(MakeError("cancelled"));
    ++runs;
    // A script's removal folded into its command runs as a second command
    // whose status the shell discards, as `/bin/sh -c` would.
    std::smatch folded;
    static const std::regex kFold(R"(([\s\S]*)\n__kiln_status=\$\?; (rm -f \S+); exit \$__kiln_status)");
    if (std::regex_match(cmd.command, folded, kFold)) {
      Result<int> status = RunOne(folded[1], cmd);
      if (status) (void)RunOne(folded[2], cmd);  // a dropped connection runs nothing more
      return status;
    }
    return RunOne(cmd.command, cmd);
  }
  Result<int> RunOne(const std::string& command, const engine::RemoteCommand& cmd) {
    commands.push_back(command);
    envs.push_back(cmd.env);
    Response r = respond ? respond(command) : Response{};
    for (const std::string& line : r.out) cmd.on_stdout(line);
    for (const std::string& line : r.err) cmd.on_stderr(line);
    return r.status;
  }
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken&) override {
    if (upload_failures > 0) {
      --upload_failures;
      return std::unexpected(MakeError("connection refused"));
    }
    std::string content(std::istreambuf_iterator<char>(*source.stream), {});
    uploads.push_back({remote_path, content, source.size, source.mode});
    return {};
  }
  Result<void> UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override {
    return std::unexpected(MakeError("not expected"));
  }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override {
    return std::unexpected(MakeError("not expected"));
  }
  Result<void> DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override {
    return std::unexpected(MakeError("not expected"));
  }
};

// Decodes provisioner JSON the way templates are decoded (defaults filled,
// build actions deferred).
tmpl::DecodedConfig Decode(const std::string& text) {
  Result<json::Value> v = json::Parse(text, "test.json");
  EXPECT_TRUE(v) << v.error().Message();
  Diagnostics diags;
  interpolate::Context ctx;
  tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), ctx, "provisioner shell", diags);
  for (const Error& e : diags) ADD_FAILURE() << e.Message();
  return c;
}

class ShellTest : public ::testing::Test {
 protected:
  ShellTest() : ui_(captured_.output(), ui::UiOptions{}, "web") {
    ctx_.build_name = "web";
    ctx_.build_type = "docker";
    ctx_.interp.build_name = "web";
    ctx_.interp.build_type = "docker";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
  }

  Result<void> Provision(const std::string& json, std::function<void(Config&)> tweak = {}) {
    Result<Config> config = Prepare(Decode(json));
    EXPECT_TRUE(config) << config.error().Message();
    config->retry_delay = std::chrono::milliseconds(1);
    if (tweak) tweak(*config);
    ShellProvisioner p(std::move(*config));
    return p.Provision(ctx_, comm_);
  }

  std::string out() { return captured_.out(); }
  std::string err() { return captured_.err(); }

  std::string WriteScript(const std::string& name, const std::string& content) {
    std::filesystem::path p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  ui::CapturedOutput captured_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  FakeCommunicator comm_;
  TempDir dir_ = *TempDir::Create("shell-test-");
};

constexpr std::string_view kPackerVars = "PACKER_BUILDER_TYPE='docker' PACKER_BUILD_NAME='web' ";

TEST_F(ShellTest, InlineBecomesAScriptWithTheShebang) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo hi", "apt-get update"], "remote_path": "/tmp/s.sh"})"));
  ASSERT_EQ(comm_.uploads.size(), 1u);
  EXPECT_EQ(comm_.uploads[0].path, "/tmp/s.sh");
  EXPECT_EQ(comm_.uploads[0].content, "#!/bin/sh -e\necho hi\napt-get update\n");
  EXPECT_EQ(comm_.uploads[0].size, comm_.uploads[0].content.size());
  EXPECT_EQ(comm_.uploads[0].mode, 0755u);
  ASSERT_EQ(comm_.commands.size(), 2u);
  EXPECT_EQ(comm_.commands[0], "chmod +x /tmp/s.sh;  /tmp/s.sh");  // the variables travel in its environment
  EXPECT_EQ(comm_.envs[0], (std::map<std::string, std::string>{{"PACKER_BUILDER_TYPE", "docker"},
                                                               {"PACKER_BUILD_NAME", "web"}}));
  EXPECT_EQ(comm_.commands[1], "rm -f /tmp/s.sh");
  EXPECT_TRUE(std::regex_search(out(), std::regex("==> web: Provisioning with shell script: /.*/packer-shell")))
      << out();
}

TEST_F(ShellTest, CustomShebang) {
  ASSERT_TRUE(Provision(R"({"inline": ["echo hi"], "inline_shebang": "/bin/bash -ex"})"));
  EXPECT_EQ(comm_.uploads.at(0).content, "#!/bin/bash -ex\necho hi\n");
}

TEST_F(ShellTest, DefaultRemotePathIsARandomScriptInTmp) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"]})"));
  EXPECT_TRUE(std::regex_match(comm_.uploads.at(0).path, std::regex("/tmp/script_[0-9]{1,4}\\.sh")))
      << comm_.uploads[0].path;
}

TEST_F(ShellTest, RemoteFolderAndFile) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "remote_folder": "/var/tmp", "remote_file": "x.sh"})"));
  EXPECT_EQ(comm_.uploads.at(0).path, "/var/tmp/x.sh");
}

TEST_F(ShellTest, ScriptsRunInOrderWithUnixLineEndings) {
  std::string a = WriteScript("a.sh", "echo a\r\necho b\r\n");
  std::string b = WriteScript("b.sh", "echo c\r");
  ASSERT_TRUE(Provision(fmt::format(R"({{"scripts": ["{}", "{}"], "remote_path": "/tmp/s.sh"}})", a, b)));
  ASSERT_EQ(comm_.uploads.size(), 2u);
  EXPECT_EQ(comm_.uploads[0].content, "echo a\necho b\n");
  EXPECT_EQ(comm_.uploads[0].size, 14u);
  EXPECT_EQ(comm_.uploads[1].content, "echo c");
  EXPECT_EQ(comm_.uploads[1].size, 6u);
  EXPECT_EQ(comm_.commands.size(), 4u);  // run, rm, run, rm
  std::string text = out();
  std::size_t first = text.find("Provisioning with shell script: " + a);
  std::size_t second = text.find("Provisioning with shell script: " + b);
  EXPECT_NE(first, std::string::npos) << text;
  EXPECT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
}

TEST_F(ShellTest, BinaryKeepsTheBytes) {
  std::string a = WriteScript("a.sh", "echo a\r\n");
  ASSERT_TRUE(Provision(fmt::format(R"({{"script": "{}", "binary": true}})", a)));
  EXPECT_EQ(comm_.uploads.at(0).content, "echo a\r\n");
  EXPECT_EQ(comm_.uploads.at(0).size, 8u);
}

TEST_F(ShellTest, LargeScriptStreamsAcrossChunks) {
  std::string body;
  for (int i = 0; i < 30000; ++i) body += "echo line\r\n";  // > 64 KiB: CRs on chunk edges
  std::string a = WriteScript("big.sh", body);
  ASSERT_TRUE(Provision(fmt::format(R"({{"script": "{}"}})", a)));
  std::string expected;
  for (int i = 0; i < 30000; ++i) expected += "echo line\n";
  EXPECT_EQ(comm_.uploads.at(0).content, expected);
  EXPECT_EQ(comm_.uploads.at(0).size, expected.size());
}

// With the default execute_command, environment_vars never appear in a
// command line (where `ps` shows them): they go in the command's
// environment, unescaped.
TEST_F(ShellTest, EnvironmentVarsTravelInTheCommandsEnvironment) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "remote_path": "/tmp/s.sh",
      "environment_vars": ["PASSWORD=it's s3cret", "EQ=a=b"], "env": {"TOKEN": "t0ken"}})"));
  ASSERT_EQ(comm_.commands.size(), 2u);
  for (const std::string& command : comm_.commands) {
    EXPECT_EQ(command.find("s3cret"), std::string::npos) << command;
    EXPECT_EQ(command.find("t0ken"), std::string::npos) << command;
  }
  EXPECT_EQ(comm_.envs[0], (std::map<std::string, std::string>{{"EQ", "a=b"},
                                                               {"PACKER_BUILDER_TYPE", "docker"},
                                                               {"PACKER_BUILD_NAME", "web"},
                                                               {"PASSWORD", "it's s3cret"},
                                                               {"TOKEN", "t0ken"}}));
}

TEST_F(ShellTest, EnvironmentVarsAreSortedAndQuoted) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "remote_path": "/tmp/s.sh",
      "environment_vars": ["ZED=last", "FOO=it's", "EMPTY=", "EQ=a=b"],
      "env": {"ALPHA": "o'k"},
      "execute_command": "{{.Vars}}| {{.Path}}"})"));
  EXPECT_EQ(comm_.commands.at(0),
            "ALPHA='o'\"'\"'k' EMPTY='' EQ='a=b' FOO='it'\"'\"'s' PACKER_BUILDER_TYPE='docker' "
            "PACKER_BUILD_NAME='web' ZED='last' | /tmp/s.sh");
}

TEST_F(ShellTest, EnvOverridesEnvironmentVars) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "environment_vars": ["A=1"], "env": {"A": "2"},
      "execute_command": "{{.Vars}}"})"));
  EXPECT_EQ(comm_.commands.at(0), fmt::format("A='2' {}", kPackerVars));
}

TEST_F(ShellTest, EnvVarFormat) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "environment_vars": ["A=1"],
      "env_var_format": "export %s=\"%s\"; ", "execute_command": "{{.Vars}}"})"));
  EXPECT_EQ(comm_.commands.at(0),
            "export A=\"1\"; export PACKER_BUILDER_TYPE=\"docker\"; export PACKER_BUILD_NAME=\"web\"; ");
}

TEST_F(ShellTest, HttpAddressOnlyWhenTheBuilderHasOne) {
  ctx_.SetBuildValue("PackerHTTPAddr", "10.0.2.2:8080");
  ctx_.SetBuildValue("PackerHTTPIP", "10.0.2.2");
  ctx_.SetBuildValue("PackerHTTPPort", "");
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "execute_command": "{{.Vars}}"})"));
  EXPECT_EQ(comm_.commands.at(0),
            "PACKER_BUILDER_TYPE='docker' PACKER_BUILD_NAME='web' PACKER_HTTP_ADDR='10.0.2.2:8080' "
            "PACKER_HTTP_IP='10.0.2.2' ");
}

TEST_F(ShellTest, ExecuteCommandOverride) {
  ctx_.SetBuildValue("ID", "c0ffee");
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "remote_path": "/tmp/s.sh",
      "execute_command": "echo '{{build `ID`}}' | sudo -S sh -c '{{ .Vars }} {{ .Path }}'"})"));
  EXPECT_EQ(comm_.commands.at(0), fmt::format("echo 'c0ffee' | sudo -S sh -c '{} /tmp/s.sh'", kPackerVars));
}

TEST_F(ShellTest, InlineBuildValuesAreRenderedWhenTheMachineExists) {
  ctx_.SetBuildValue("ID", "c0ffee");
  ASSERT_TRUE(Provision(R"({"inline": ["echo {{build `ID`}}", "echo {{user `missing`}}x"]})"));
  EXPECT_EQ(comm_.uploads.at(0).content, "#!/bin/sh -e\necho c0ffee\necho x\n");
}

TEST_F(ShellTest, UnknownDataFieldInExecuteCommandFails) {
  Result<void> r = Provision(R"({"inline": ["true"], "execute_command": "{{.Nope}}"})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("execute_command"), std::string::npos) << r.error().Message();
  EXPECT_TRUE(comm_.uploads.empty());
}

TEST_F(ShellTest, NonZeroExitFailsNamingTheStatus) {
  comm_.respond = [](const std::string& cmd) {
    return FakeCommunicator::Response{.status = cmd.starts_with("rm") ? 0 : 3};
  };
  std::string a = WriteScript("install.sh", "exit 3\n");
  Result<void> r = Provision(fmt::format(R"({{"script": "{}", "remote_path": "/tmp/s.sh"}})", a));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, fmt::format("script {} exited with status 3 (allowed: 0)", a));
  EXPECT_NE(r.error().detail.find("/tmp/s.sh"), std::string::npos);
  // The removal rides along with the script, so it runs after a failure
  // too (Packer leaves the script behind then).
  EXPECT_EQ(comm_.commands.size(), 2u);
}

TEST_F(ShellTest, InlineFailureSaysInlineScript) {
  comm_.respond = [](const std::string&) { return FakeCommunicator::Response{.status = 42}; };
  Result<void> r = Provision(R"({"inline": ["exit 42"], "valid_exit_codes": [0, 1]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "inline script exited with status 42 (allowed: 0, 1)");
}

TEST_F(ShellTest, ValidExitCodesAccepted) {
  comm_.respond = [](const std::string& cmd) {
    return FakeCommunicator::Response{.status = cmd.starts_with("rm") ? 0 : 3};
  };
  EXPECT_TRUE(Provision(R"({"inline": ["exit 3"], "valid_exit_codes": [0, 3]})"));
}

TEST_F(ShellTest, SkipCleanLeavesTheScript) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "skip_clean": true})"));
  ASSERT_EQ(comm_.commands.size(), 1u);
  EXPECT_FALSE(comm_.commands[0].starts_with("rm"));
}

TEST_F(ShellTest, ScriptRemovalRidesAlongWithTheScript) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "remote_path": "/tmp/s.sh"})"));
  ASSERT_EQ(comm_.commands.size(), 2u);
  EXPECT_EQ(comm_.commands[1], "rm -f /tmp/s.sh");
  EXPECT_EQ(comm_.runs, 1);  // one round trip for both
}

TEST_F(ShellTest, CleanupFailureIsAnErrorWhenItRunsOnItsOwn) {
  comm_.respond = [](const std::string& cmd) {
    return FakeCommunicator::Response{.status = cmd.starts_with("rm") ? 1 : 0};
  };
  // expect_disconnect: the machine may reboot, so removal is a separate step.
  Result<void> r = Provision(R"({"inline": ["true"], "remote_path": "/tmp/s.sh", "expect_disconnect": true})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("cannot remove /tmp/s.sh"), std::string::npos) << r.error().Message();
}

TEST_F(ShellTest, OutputStreamsToTheUi) {
  comm_.respond = [](const std::string& cmd) {
    if (cmd.starts_with("rm")) return FakeCommunicator::Response{};
    return FakeCommunicator::Response{.out = {"one", "50%\r100%  ", ""}, .err = {"warning: x"}};
  };
  ASSERT_TRUE(Provision(R"({"inline": ["true"]})"));
  std::string text = out();
  EXPECT_NE(text.find("    web: one\n    web: 100%\n    web: \n"), std::string::npos) << text;
  EXPECT_NE(err().find("==> web: warning: x\n"), std::string::npos) << err();
}

TEST_F(ShellTest, RetriesUploadUntilTheMachineAnswers) {
  comm_.upload_failures = 2;
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "start_retry_timeout": "1m"})"));
  EXPECT_EQ(comm_.uploads.size(), 1u);
}

TEST_F(ShellTest, GivesUpAfterStartRetryTimeout) {
  comm_.upload_failures = 1000;
  Result<void> r = Provision(R"({"inline": ["true"], "start_retry_timeout": "50ms", "remote_path": "/tmp/s.sh"})",
                             [](Config& c) { c.retry_delay = std::chrono::milliseconds(10); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "cannot upload inline script to /tmp/s.sh");
  EXPECT_NE(r.error().detail.find("connection refused"), std::string::npos);
}

TEST_F(ShellTest, ExpectDisconnectTreatsALostConnectionAsSuccess) {
  int runs = 0;
  comm_.respond = [&](const std::string& cmd) {
    if (cmd.starts_with("rm")) return FakeCommunicator::Response{};
    ++runs;
    return FakeCommunicator::Response{.status = std::unexpected(MakeError("connection reset by peer"))};
  };
  ASSERT_TRUE(Provision(R"({"inline": ["reboot"], "expect_disconnect": true})"));
  EXPECT_EQ(runs, 1);
  EXPECT_NE(out().find("disconnected"), std::string::npos);
}

TEST_F(ShellTest, DisconnectStatusWithoutExpectDisconnectFails) {
  comm_.respond = [](const std::string&) { return FakeCommunicator::Response{.status = kDisconnectStatus}; };
  Result<void> r = Provision(R"({"inline": ["reboot"]})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "inline script disconnected unexpectedly");
  EXPECT_NE(r.error().detail.find("expect_disconnect"), std::string::npos);
}

TEST_F(ShellTest, RunErrorAfterOutputIsNotRetried) {
  int runs = 0;
  comm_.respond = [&](const std::string&) {
    ++runs;
    return FakeCommunicator::Response{.status = std::unexpected(MakeError("connection reset")), .out = {"half"}};
  };
  Result<void> r = Provision(R"({"inline": ["true"], "start_retry_timeout": "1m"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(runs, 1);
  EXPECT_NE(r.error().detail.find("expect_disconnect"), std::string::npos);
}

TEST_F(ShellTest, UseEnvVarFile) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "use_env_var_file": true, "environment_vars": ["A=it's"],
      "remote_path": "/tmp/s.sh"})"));
  ASSERT_EQ(comm_.uploads.size(), 2u);
  const auto& vars = comm_.uploads[0];
  EXPECT_TRUE(std::regex_match(vars.path, std::regex("/tmp/varfile_[0-9]+\\.sh"))) << vars.path;
  EXPECT_EQ(vars.mode, 0600u);
  EXPECT_EQ(vars.content,
            "export A='it'\"'\"'s'\nexport PACKER_BUILDER_TYPE='docker'\nexport PACKER_BUILD_NAME='web'\n");
  EXPECT_EQ(comm_.commands.at(0), fmt::format("chmod +x /tmp/s.sh; . {} && /tmp/s.sh", vars.path));
  EXPECT_EQ(comm_.commands.at(1), "rm -f /tmp/s.sh");
  EXPECT_EQ(comm_.commands.at(2), "rm -f " + vars.path);
}

TEST_F(ShellTest, PauseAfter) {
  ASSERT_TRUE(Provision(R"({"inline": ["true"], "pause_after": "20ms"})"));
  EXPECT_NE(out().find("Pausing 20ms after this provisioner..."), std::string::npos) << out();
}

TEST_F(ShellTest, CancelledBuildRunsNothing) {
  cancel_.Cancel();
  Result<void> r = Provision(R"({"inline": ["true"]})");
  ASSERT_FALSE(r);
  EXPECT_TRUE(comm_.commands.empty());
}

TEST_F(ShellTest, FactoryReturnsAProvisioner) {
  Result<std::unique_ptr<engine::Provisioner>> p = MakeShell(Decode(R"({"inline": ["echo"]})"));
  ASSERT_TRUE(p);
  ASSERT_TRUE((*p)->Provision(ctx_, comm_));
  EXPECT_EQ(comm_.uploads.size(), 1u);
}

TEST(ShellHelpers, CleanOutputLine) {
  EXPECT_EQ(CleanOutputLine("plain"), "plain");
  EXPECT_EQ(CleanOutputLine("trailing  \t"), "trailing");
  EXPECT_EQ(CleanOutputLine("10%\r20%\r30%"), "30%");
  EXPECT_EQ(CleanOutputLine("done\r"), "done");
}

TEST(ShellHelpers, FlattenUsesGoFormatting) {
  EXPECT_EQ(FlattenEnvVars({{"B", "2"}, {"A", "1"}}, "%s=%s;"), "A=1;B=2;");
  EXPECT_EQ(FlattenEnvVars({{"A", "1"}}, "%s='%s' "), "A='1' ");
}

}  // namespace
}  // namespace kiln::provisioners::shell
