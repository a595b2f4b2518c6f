// amazon-ebs against moto_server with SigV4 enforced: the two-template chain
// (a base image from an Ubuntu filter, then an app image from the newest
// base image), side by side with Packer 1.6.6, and the failure paths. Each
// test starts its own moto and checks that nothing temporary is left.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "aws_world.h"
#include "util/subprocess.h"

namespace kiln::testing {
namespace {

const std::string kFixtures = KILN_FIXTURES_DIR "/aws/";

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += "  " + s + "\n";
  return out;
}

// "us-east-1: ami-..." lines of the artifact summary.
std::map<std::string, std::string> ArtifactAmis(const std::string& output) {
  std::map<std::string, std::string> amis;
  std::regex line(R"(((?:us|eu)-[a-z]+-\d): (ami-[0-9a-f]+))");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), line); it != std::sregex_iterator(); ++it)
    amis[(*it)[1]] = (*it)[2];
  return amis;
}

std::set<std::string> ActionNames(const std::vector<std::string>& actions) {
  std::set<std::string> names;
  for (const std::string& a : actions) names.insert(a.substr(a.find(' ') + 1));
  return names;
}

bool Has(const std::vector<std::string>& actions, std::string_view name) {
  return std::ranges::any_of(actions, [&](const std::string& a) { return a.ends_with(" " + std::string(name)); });
}

// A suffix for ami_name no other build of this test run has: two builds in
// the same second ({{timestamp}}) must not want the same AMI name.
std::string UniqueAmiSuffix() {
  static std::atomic<int> n = 0;
  return "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

RunResult Build(MotoWorld& moto, const std::string& tmpl, const std::string& extra = "",
                const std::string& secret = "") {
  return RunKiln("build -color=false -var endpoint=" + moto.endpoint() + " -var ami_suffix=" + UniqueAmiSuffix() +
                     " " + extra + " " + kFixtures + tmpl,
                 ".", moto.ClientEnv(secret));
}

TEST(AmazonEbsMoto, ChainBaseThenAppLeavesNothingTemporary) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);

  RunResult base = Build(moto, "base.json");
  std::vector<std::string> base_actions = moto.TakeActions();
  std::printf("kiln base.json EC2 actions:\n%s", Join(base_actions).c_str());
  ASSERT_EQ(base.exit_code, 0) << base.all();
  std::map<std::string, std::string> base_amis = ArtifactAmis(base.out);
  ASSERT_EQ(base_amis.size(), 2u) << base.out;
  EXPECT_NE(base.out.find("Found Image ID: ami-785db401"), std::string::npos)
      << "the newest Ubuntu xenial image of 099720109477 is the source\n" << base.out;

  nlohmann::json after_base = moto.Resources();
  moto.ExpectNothingTemporary(after_base);
  for (const auto& [region, ami] : base_amis) {
    const nlohmann::json& images = after_base[region]["images"];
    ASSERT_EQ(images.size(), 1u) << region << ": " << images.dump();
    EXPECT_EQ(images[0]["id"], ami);
    EXPECT_TRUE(images[0]["name"].get<std::string>().starts_with("base-image-example-"));
    EXPECT_EQ(images[0]["state"], "available");
    EXPECT_EQ(images[0]["tags"]["Name"], "base-image-example") << images.dump();
    EXPECT_EQ(images[0]["tags"]["Base_AMI_Name"],
              "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-20170721");
    // (moto 5.2.1 ignores ModifyImageAttribute's Description, so the description is not checked here.)
  }

  RunResult app = Build(moto, "app.json");
  std::vector<std::string> app_actions = moto.TakeActions();
  std::printf("kiln app.json EC2 actions:\n%s", Join(app_actions).c_str());
  ASSERT_EQ(app.exit_code, 0) << app.all();
  EXPECT_NE(app.out.find("Found Image ID: " + base_amis["us-east-1"]), std::string::npos)
      << "the app image starts from the base image\n" << app.out;
  std::map<std::string, std::string> app_amis = ArtifactAmis(app.out);
  ASSERT_EQ(app_amis.size(), 2u) << app.out;

  nlohmann::json after_app = moto.Resources();
  moto.ExpectNothingTemporary(after_app);
  for (const auto& [region, ami] : app_amis) {
    const nlohmann::json& images = after_app[region]["images"];
    auto it = std::ranges::find_if(images, [&](const nlohmann::json& i) { return i["id"] == ami; });
    ASSERT_NE(it, images.end()) << region << ": " << images.dump();
    EXPECT_EQ((*it)["tags"]["Name"], "app-image-example");
    EXPECT_EQ((*it)["tags"]["Base_AMI"], base_amis["us-east-1"]);
  }
}

TEST(AmazonEbsMoto, WrongSecretIsAuthFailureAndCreatesNothing) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  RunResult r = Build(moto, "base.json", "", "wJalrXUtnFEMI-not-the-right-secret");
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions with a wrong secret:\n%s", Join(actions).c_str());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("AuthFailure"), std::string::npos) << r.all();
  EXPECT_EQ(r.all().find("wJalrXUtnFEMI-not-the-right-secret"), std::string::npos) << "the secret is never shown";
  for (const std::string& a : actions)
    EXPECT_TRUE(a.find("Describe") != std::string::npos) << "only reads were tried: " << a;
  nlohmann::json res = moto.Resources();
  moto.ExpectNothingTemporary(res);
  EXPECT_EQ(res["us-east-1"]["images"].size(), 0u);
}

TEST(AmazonEbsMoto, FilterWithNoMatchFailsBeforeCreatingAnything) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  // No base image exists yet, so app.json's filter finds nothing.
  RunResult r = Build(moto, "app.json");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("no AMI was found matching filters [name=base-image-example-*], owners [self]"),
            std::string::npos)
      << r.all();
  std::vector<std::string> actions = moto.TakeActions();
  EXPECT_FALSE(Has(actions, "CreateKeyPair")) << Join(actions);
  moto.ExpectNothingTemporary(moto.Resources());
}

TEST(AmazonEbsMoto, InstanceFailingToStartIsCleanedUp) {
  MotoWorld moto("MOTO_FAIL_INSTANCE_TYPE=c5.large");
  KILN_REQUIRE_MOTO(moto);
  RunResult r = Build(moto, "base.json", "-var instance_type=c5.large");
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions when the instance fails to start:\n%s", Join(actions).c_str());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("went to state 'terminated' while waiting for 'running': Server.InternalError"),
            std::string::npos)
      << r.all();
  EXPECT_TRUE(Has(actions, "DeleteSecurityGroup")) << Join(actions);
  EXPECT_TRUE(Has(actions, "DeleteKeyPair")) << Join(actions);
  EXPECT_FALSE(Has(actions, "CreateImage")) << Join(actions);
  nlohmann::json res = moto.Resources();
  moto.ExpectNothingTemporary(res);
  EXPECT_EQ(res["us-east-1"]["images"].size(), 0u);
}

TEST(AmazonEbsMoto, InterruptWhileWaitingForTheAmiRemovesEverything) {
  MotoWorld moto("MOTO_IMAGE_PENDING_SECONDS=120");
  KILN_REQUIRE_MOTO(moto);
  std::vector<std::string> env;
  std::istringstream envs(moto.ClientEnv());
  for (std::string kv; envs >> kv;) env.push_back(kv);
  Result<Subprocess> kiln = Subprocess::Start(
      {.argv = {KILN_BINARY, "build", "-color=false", "-var", "endpoint=" + moto.endpoint(), kFixtures + "base.json"},
       .env = env});
  ASSERT_TRUE(kiln) << kiln.error().Message();
  // Interrupt once the AMI is being waited for (CreateImage made, then polled).
  std::atomic<bool> interrupted = false;
  pid_t pid = kiln->pid();
  std::thread watcher([&] {
    for (int i = 0; i < 600 && !interrupted; ++i) {
      std::string log = ReadAll(moto.actions_log().string());
      size_t create = log.find(" CreateImage ");
      if (create != std::string::npos && log.find(" DescribeImages ", create) != std::string::npos) {
        ::kill(pid, SIGINT);
        interrupted = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::string out;
  Result<int> status = kiln->Wait(
      nullptr, [&](std::string_view l) { out += std::string(l) + "\n"; },
      [&](std::string_view l) { out += std::string(l) + "\n"; });
  interrupted = true;
  watcher.join();
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions when interrupted while waiting for the AMI:\n%s", Join(actions).c_str());
  ASSERT_TRUE(status) << status.error().Message();
  EXPECT_EQ(*status, 1) << out;
  EXPECT_TRUE(Has(actions, "DeregisterImage")) << Join(actions);
  nlohmann::json res = moto.Resources();
  moto.ExpectNothingTemporary(res);
  EXPECT_EQ(res["us-east-1"]["images"].size(), 0u) << "the half-made AMI is deregistered: " << res.dump();
  EXPECT_EQ(res["us-west-2"]["images"].size(), 0u);
}

// Packer 1.6.6 and kiln build both templates against one moto: the same set
// of EC2 actions, both sequences in the log, nothing temporary left.
TEST(AmazonEbsMoto, SameEc2ActionsAsPacker166SideBySide) {
  if (Sh("packer version").output.find("Packer v1.6.6") == std::string::npos)
    GTEST_SKIP() << "Packer 1.6.6 is not installed (scripts/install-deps.sh installs it)";
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  for (const std::string tmpl : {"base.json", "app.json"}) {
    RunResult kiln = Build(moto, tmpl);
    std::vector<std::string> kiln_actions = moto.TakeActions();
    ASSERT_EQ(kiln.exit_code, 0) << kiln.all();
    moto.ExpectNothingTemporary(moto.Resources());

    ShellResult packer = Sh("env " + moto.ClientEnv() + " CHECKPOINT_DISABLE=1 packer build -color=false -var endpoint=" +
                            moto.endpoint() + " -var ami_suffix=" + UniqueAmiSuffix() + " " + kFixtures + tmpl);
    std::vector<std::string> packer_actions = moto.TakeActions();
    ASSERT_EQ(packer.status, 0) << packer.output;
    moto.ExpectNothingTemporary(moto.Resources());

    std::printf("%s: kiln's EC2 actions (%zu):\n%s%s: Packer 1.6.6's EC2 actions (%zu):\n%s", tmpl.c_str(),
                kiln_actions.size(), Join(kiln_actions).c_str(), tmpl.c_str(), packer_actions.size(),
                Join(packer_actions).c_str());
    std::set<std::string> kiln_set = ActionNames(kiln_actions), packer_set = ActionNames(packer_actions);
    EXPECT_EQ(kiln_set, packer_set) << tmpl;
  }
}

// Provisioning over SSH: moto's instances are not machines, so ssh_host
// points at a real sshd on 127.0.0.1 that accepts ssh_private_key_file
// (the key of the existing key pair ssh_keypair_name).
TEST(AmazonEbsMoto, ProvisionsOverSshThroughSshHost) {
  if (!std::filesystem::exists("/usr/sbin/sshd")) GTEST_SKIP() << "sshd is not installed (openssh-server)";
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  std::string dir = ::testing::TempDir() + "kiln-aws-sshd-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ASSERT_EQ(Sh("ssh-keygen -q -t ed25519 -N '' -f " + dir + "/host_key && ssh-keygen -q -t ed25519 -N '' -f " + dir +
               "/user_key && cp " + dir + "/user_key.pub " + dir + "/authorized_keys && mkdir -p /run/sshd")
                .status,
            0);
  std::string port = Sh(moto.python() + " -c 'import socket; s=socket.socket(); "
                        "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'").output;
  port.erase(port.find_last_not_of("\n") + 1);
  std::ofstream(dir + "/sshd_config") << "Port " << port << "\nListenAddress 127.0.0.1\nHostKey " << dir
                                      << "/host_key\nAuthorizedKeysFile " << dir << "/authorized_keys\nPidFile " << dir
                                      << "/sshd.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                                         "PermitRootLogin prohibit-password\n";
  Result<Subprocess> sshd = Subprocess::Start({.argv = {"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"}});
  ASSERT_TRUE(sshd) << sshd.error().Message();
  std::string marker = dir + "/provisioned";
  RunResult r = Build(moto, "ssh.json",
                      "-var ssh_port=" + port + " -var key_file=" + dir + "/user_key -var marker=" + marker);
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions of the SSH-provisioned build:\n%s", Join(actions).c_str());
  sshd->Kill();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(ReadAll(marker), "provisioned by kiln on Linux\n") << r.all();
  EXPECT_NE(r.out.find("Connected to SSH!"), std::string::npos) << r.out;
  EXPECT_FALSE(Has(actions, "CreateKeyPair")) << "ssh_keypair_name is used, not a temporary key pair";
  EXPECT_EQ(r.all().find("PRIVATE KEY"), std::string::npos) << "the key never shows";
  moto.ExpectNothingTemporary(moto.Resources());
  std::filesystem::remove_all(dir);
}

TEST(AmazonEbsMoto, UnsupportedOptionsAreClearErrors) {
  RunResult r = RunKiln("build -color=false " + kFixtures + "spot.json", ".", "AWS_EC2_METADATA_DISABLED=true");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("spot.json:8:21: amazon-ebs: spot_price is not supported"), std::string::npos) << r.all();
}

}  // namespace
}  // namespace kiln::testing
