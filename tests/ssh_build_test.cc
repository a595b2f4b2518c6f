// `kiln build` with the null builder over SSH against real OpenSSH servers
// (tests/ssh_world.h): shell and file provisioners with key, password, agent
// and bastion logins in both transfer methods, checked byte for byte; a
// reboot with expect_disconnect; login failures after ssh_timeout;
// `communicator: none`.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiln_runner.h"
#include "ssh_world.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void WriteFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}


std::string Sha256(const fs::path& p) {
  std::string out = Sh("sha256sum < '" + p.string() + "'").output;
  return out.substr(0, 64);
}

// Shell (inline, script, environment_vars) and file (file and directory,
// up and down) provisioners against `builder`; every byte is compared.
void RunAllProvisioners(json builder, const std::string& env = "") {
  Scratch s;
  const std::string file_bytes = RandomBytes(300 * 1024 + 7, 1) + std::string("\0\r\n\xff end", 9);
  WriteFile(s.local / "in/file.bin", file_bytes);
  WriteFile(s.local / "in/dir/a.txt", "first line\nno newline at end");
  WriteFile(s.local / "in/dir/sub/b.bin", RandomBytes(70000, 2));
  WriteFile(s.local / "in/dir/sub/empty", "");
  WriteFile(s.local / "script.sh", "#!/bin/sh\necho \"script says $GREETING\"\necho \"script stderr\" >&2\n");
  const std::string& r = s.remote;
  json tmpl = {
      {"builders", json::array({builder})},
      {"provisioners",
       json::array({
           {{"type", "shell"},
            {"inline", {"mkdir -p " + r, "echo \"inline says $GREETING\""}},
            {"environment_vars", {"GREETING=hello world"}}},
           {{"type", "shell"}, {"script", (s.local / "script.sh").string()}, {"environment_vars", {"GREETING=hi"}}},
           {{"type", "file"}, {"source", (s.local / "in/file.bin").string()}, {"destination", r + "/file.bin"}},
           {{"type", "file"}, {"source", (s.local / "in/dir").string() + "/"}, {"destination", r + "/updir"}},
           {{"type", "shell"}, {"inline", {"cd " + r + " && sha256sum file.bin updir/sub/b.bin updir/a.txt"}}},
           {{"type", "file"},
            {"direction", "download"},
            {"source", r + "/file.bin"},
            {"destination", (s.local / "out/file.bin").string()}},
           {{"type", "file"},
            {"direction", "download"},
            {"source", r + "/updir/"},
            {"destination", (s.local / "out/dir").string()}},
       })},
  };
  RunResult run = RunKiln("build " + s.Write(tmpl), s.local.string(), env);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_NE(run.out.find("Connected to SSH!"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("null: inline says hello world"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("null: script says hi"), std::string::npos) << run.out;
  EXPECT_NE(run.all().find("script stderr"), std::string::npos) << run.all();
  EXPECT_NE(run.out.find("--> null: Did not export anything. This is the null builder"), std::string::npos) << run.out;
  // The machine's view of what was uploaded.
  EXPECT_NE(run.out.find(Sha256(s.local / "in/file.bin") + "  file.bin"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(Sha256(s.local / "in/dir/sub/b.bin") + "  updir/sub/b.bin"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(Sha256(s.local / "in/dir/a.txt") + "  updir/a.txt"), std::string::npos) << run.out;
  // And what came back.
  EXPECT_EQ(ReadAll((s.local / "out/file.bin").string()), file_bytes);
  ShellResult diff = Sh("diff -r '" + (s.local / "in/dir").string() + "' '" + (s.local / "out/dir").string() + "'");
  EXPECT_EQ(diff.status, 0) << diff.output;
  EXPECT_TRUE(fs::exists(s.local / "out/dir/sub/empty"));
}

class SshTransfer : public ::testing::TestWithParam<std::string> {};

TEST_P(SshTransfer, KeyAuthOpenSshKey) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  json b = SshBuilder(w.key_port, GetParam());
  b["ssh_private_key_file"] = w.Key();
  RunAllProvisioners(b);
}

TEST_P(SshTransfer, KeyAuthPemKey) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  json b = SshBuilder(w.key_port, GetParam());
  b["ssh_private_key_file"] = w.PemKey();
  RunAllProvisioners(b);
}

TEST_P(SshTransfer, PasswordAuth) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartPasswordServer()) GTEST_SKIP() << *why;
  json b = SshBuilder(w.password_port, GetParam());
  b["ssh_password"] = w.password;
  RunAllProvisioners(b);
}

TEST_P(SshTransfer, AgentAuth) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartAgent()) GTEST_SKIP() << *why;
  json b = SshBuilder(w.key_port, GetParam());
  b["ssh_agent_auth"] = true;
  RunAllProvisioners(b, "SSH_AUTH_SOCK=" + w.agent_sock);
}

TEST_P(SshTransfer, ThroughBastionToAContainer) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartContainer()) GTEST_SKIP() << *why;
  json b = SshBuilder(w.container_port, GetParam());
  b["ssh_private_key_file"] = w.Key();
  b["ssh_bastion_host"] = "127.0.0.1";
  b["ssh_bastion_port"] = w.key_port;
  b["ssh_bastion_username"] = "kilntest";
  b["ssh_bastion_private_key_file"] = w.PemKey();
  RunAllProvisioners(b);
}

INSTANTIATE_TEST_SUITE_P(Methods, SshTransfer, ::testing::Values("scp", "sftp"));

// The shell step kills the sshd process serving its connection, as a
// reboot would; the next step reconnects.
const char* kKillMyConnection =
    "p=$$; while [ \"$(cat /proc/$p/comm)\" != sshd ]; do p=$(awk '{print $4}' /proc/$p/stat); done; "
    "kill -9 $p; sleep 5; echo still-connected";

// environment_vars reach the script in a sourced 0600 file removed before
// the script runs: no process on the host or the machine (here the same
// host) shows the value in its command line, and no file is left behind.
TEST(SshSecrets, EnvironmentVarsNeverShowInTheProcessList) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  for (const std::string& method : {"scp", "sftp"}) {
    Scratch s;
    json b = SshBuilder(w.key_port, method);
    b["ssh_private_key_file"] = w.Key();
    WriteFile(s.local / "script.sh", "#!/bin/sh\nsleep 2\necho \"seen in a script $KILN_PS_VALUE\"\n");
    json shell = {{"type", "shell"}, {"environment_vars", {"KILN_PS_VALUE=kiln-ps-value-9c1d it's"}}};
    json inline_shell = shell, script_shell = shell;
    inline_shell["inline"] = {"sleep 2", "echo \"seen $KILN_PS_VALUE\"", "ls /tmp | grep -c kiln-env- || true"};
    script_shell["script"] = (s.local / "script.sh").string();
    json tmpl = {{"builders", {b}}, {"provisioners", {inline_shell, script_shell}}};
    std::set<std::string> seen;
    RunResult r = RunKilnWatchingPs("build " + s.Write(tmpl), s.local.string(), "", "kiln-ps-value-9c1d", seen);
    ASSERT_EQ(r.exit_code, 0) << method << "\n" << r.all();
    EXPECT_NE(r.out.find("null: seen kiln-ps-value-9c1d it's\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("null: 0\n"), std::string::npos) << r.out;  // the env file was gone while it ran
    EXPECT_NE(r.out.find("null: seen in a script kiln-ps-value-9c1d it's\n"), std::string::npos) << r.out;
    EXPECT_TRUE(seen.empty()) << method << ": " << *seen.begin();
  }
}

TEST(SshReboot, ExpectDisconnectThenTheNextStepReconnects) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  Scratch s;
  json b = SshBuilder(w.key_port, "scp");
  b["ssh_private_key_file"] = w.Key();
  json tmpl = {{"builders", {b}},
               {"provisioners",
                {{{"type", "shell"}, {"inline", {"echo rebooting", kKillMyConnection}}, {"expect_disconnect", true}},
                 {{"type", "shell"}, {"inline", {"echo back after reboot"}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("null: rebooting"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("still-connected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("null: back after reboot"), std::string::npos) << r.out;
}

TEST(SshReboot, ADroppedConnectionWithoutExpectDisconnectFails) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  Scratch s;
  json b = SshBuilder(w.key_port, "scp");
  b["ssh_private_key_file"] = w.Key();
  json tmpl = {{"builders", {b}},
               {"provisioners", {{{"type", "shell"}, {"inline", {"echo rebooting", kKillMyConnection}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("the connection dropped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expect_disconnect"), std::string::npos) << r.err;
}

// A build expected to fail to connect: exit 1 after about `timeout_s`.
RunResult FailsAfterTimeout(json builder, int timeout_s) {
  Scratch s;
  builder["ssh_timeout"] = std::to_string(timeout_s) + "s";
  json tmpl = {{"builders", {builder}}, {"provisioners", {{{"type", "shell"}, {"inline", {"echo connected"}}}}}};
  auto start = std::chrono::steady_clock::now();
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_GE(secs, timeout_s - 0.5) << r.all();
  EXPECT_LT(secs, timeout_s + 8) << r.all();
  EXPECT_EQ(r.out.find("connected\n"), std::string::npos);
  EXPECT_NE(r.err.find("Timeout waiting for SSH after " + std::to_string(timeout_s) + "s"), std::string::npos) << r.err;
  return r;
}

TEST(SshLoginFailure, WrongKey) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  json b = SshBuilder(w.key_port, "scp");
  b["ssh_private_key_file"] = w.WrongKey();
  RunResult r = FailsAfterTimeout(b, 3);
  EXPECT_NE(r.err.find("kilntest@127.0.0.1:" + std::to_string(w.key_port) + ": authentication failed (publickey)"),
            std::string::npos)
      << r.err;
}

TEST(SshLoginFailure, WrongPasswordIsMasked) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartPasswordServer()) GTEST_SKIP() << *why;
  json b = SshBuilder(w.password_port, "scp");
  b["ssh_password"] = "not-the-password-42";
  RunResult r = FailsAfterTimeout(b, 3);
  EXPECT_NE(r.err.find("authentication failed (password, keyboard-interactive)"), std::string::npos) << r.err;
  EXPECT_EQ(r.all().find("not-the-password-42"), std::string::npos) << r.all();
}

TEST(SshLoginFailure, ClosedPort) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  int port = FreePort();
  ASSERT_NE(port, 0);
  json b = SshBuilder(port, "scp");
  b["ssh_private_key_file"] = w.Key();
  RunResult r = FailsAfterTimeout(b, 3);
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
}

TEST(SshSecrets, PasswordAndKeyNeverPrinted) {
  KILN_REQUIRE_SSH();
  SshWorld& w = SshWorld::Get();
  if (auto why = w.StartPasswordServer()) GTEST_SKIP() << *why;
  Scratch s;
  json b = SshBuilder(w.password_port, "scp");
  b["ssh_password"] = w.password;
  json tmpl = {{"builders", {b}}, {"provisioners", {{{"type", "shell"}, {"inline", {"echo pw=" + w.password}}}}}};
  RunResult r = RunKiln("build " + s.Write(tmpl), s.local.string(), "KILN_LOG=1");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("pw=<sensitive>"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(w.password), std::string::npos) << r.all();

  // A line of the private key, printed by the machine and by shell-local.
  std::string key = ReadAll(w.Key());
  std::string key_line = key.substr(key.find('\n') + 1, 70);
  b = SshBuilder(w.key_port, "scp");
  b["ssh_private_key_file"] = w.Key();
  tmpl = {{"builders", {b}},
          {"provisioners",
           {{{"type", "shell"}, {"inline", {"echo key=" + key_line}}},
            {{"type", "shell-local"}, {"inline", {"echo local-key=" + key_line}}}}}};
  r = RunKiln("build " + s.Write(tmpl), s.local.string(), "KILN_LOG=1");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("key=<sensitive>"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(key_line), std::string::npos) << r.all();
}

TEST(SshNoneCommunicator, LocalProvisionersRunRemoteOnesFailClearly) {
  Scratch s;
  json ok = {{"builders", {{{"type", "null"}, {"communicator", "none"}}}},
             {"provisioners", {{{"type", "shell-local"}, {"inline", {"echo local works"}}}}}};
  RunResult r = RunKiln("build " + s.Write(ok), s.local.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("local works"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Did not export anything"), std::string::npos) << r.out;

  json bad = ok;
  // The shell provisioner retries until start_retry_timeout (5m by default).
  bad["provisioners"].push_back({{"type", "shell"}, {"inline", {"echo remote"}}, {"start_retry_timeout", "1s"}});
  r = RunKiln("build " + s.Write(bad), s.local.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("communicator \"none\" has no machine to"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kiln::testing
