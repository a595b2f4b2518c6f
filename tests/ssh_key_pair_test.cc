// Temporary key pairs (for builders that inject a key) used through the
// communicator's public API: generate, authorize on the test sshd, Connect
// with the in-memory key, run a command. Nothing touches the disk but the
// authorized_keys line.
#include <gtest/gtest.h>

#include <fstream>

#include "communicators/ssh/communicator.h"
#include "communicators/ssh/key_pair.h"
#include "ssh_world.h"
#include "ui/output.h"

namespace kiln::testing {
namespace {

using communicators::ssh::KeyPair;

void LogInWith(const std::string& type, int bits) {
  SshWorld& w = SshWorld::Get();
  Result<KeyPair> pair = communicators::ssh::GenerateKeyPair(type, bits, "kiln_test");
  ASSERT_TRUE(pair) << pair.error().Message();
  EXPECT_TRUE(pair->authorized_key.starts_with(type == "rsa" ? "ssh-rsa " : "ssh-ed25519 ")) << pair->authorized_key;
  EXPECT_TRUE(pair->authorized_key.ends_with(" kiln_test"));
  std::ofstream(w.key_dir / "authorized_keys", std::ios::app) << pair->authorized_key << "\n";

  communicators::ssh::Config c;
  c.host = "127.0.0.1";
  c.port = w.key_port;
  c.timeout = std::chrono::seconds(10);
  c.credentials.username = "kilntest";
  c.credentials.private_key = pair->private_key;
  ui::Output out(stdout, stderr);
  ui::Ui ui(out, {});
  CancelToken cancel;
  auto comm = communicators::ssh::Connect(c, ui, cancel);
  ASSERT_TRUE(comm) << comm.error().Message();
  std::string got;
  Result<int> status = (*comm)->Run({.command = "echo via-temporary-key; exit 7",
                                     .on_stdout = [&](std::string_view l) { got += std::string(l) + "|"; }},
                                    cancel);
  ASSERT_TRUE(status) << status.error().Message();
  EXPECT_EQ(*status, 7);
  EXPECT_EQ(got, "via-temporary-key|");
}

TEST(SshKeyPair, Ed25519LogsIn) {
  KILN_REQUIRE_SSH();
  LogInWith("ed25519", 0);
}

TEST(SshKeyPair, RsaLogsIn) {
  KILN_REQUIRE_SSH();
  LogInWith("rsa", 2048);
}

TEST(SshKeyPair, UnknownTypeOrSmallRsaIsRefused) {
  EXPECT_FALSE(communicators::ssh::GenerateKeyPair("dsa", 0, ""));
  Result<KeyPair> small = communicators::ssh::GenerateKeyPair("rsa", 1024, "");
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().summary.find("too small"), std::string::npos);
}

}  // namespace
}  // namespace kiln::testing
