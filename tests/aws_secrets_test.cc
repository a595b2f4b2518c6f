// aws_secretsmanager and aws_secretsmanager_raw as a user runs them: kiln
// builds HCL2 and JSON templates whose variables read secrets from
// moto_server (SigV4 enforced), and the secrets reach the build but never
// the output. Then the failures, each as the user sees it: a missing secret,
// a missing key, an endpoint that is down, no credentials, a bad signature.
// One moto serves the suite; the secrets are made once through boto3.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "aws_world.h"
#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

const std::string kDbSecret = R"({"user":"admin-7c1d","password":"pw-3f9a-secret","port":5432})";
const std::string kToken = "tok-77aa-plain";
const std::string kSingle = R"({"only":"single-5b1c"})";

// A port nothing listens on: bound, then released.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class AwsSecretsMoto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = std::make_unique<MotoWorld>();
    if (moto_->unavailable()) return;
    moto_->PutSecret("kiln/db", kDbSecret);
    moto_->PutSecret("kiln/token", kToken);
    moto_->PutSecret("kiln/single", kSingle);
    moto_->PutSecret("kiln/binary", "\x01\x02", /*binary=*/true);
  }
  static void TearDownTestSuite() { moto_.reset(); }

  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kiln-aws-secrets-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return name;
  }
  // The IAM user's keys, us-east-1, and moto as the Secrets Manager endpoint.
  std::string Env() {
    return moto_->ClientEnv() + " AWS_REGION=us-east-1 AWS_ENDPOINT_URL=" + moto_->endpoint();
  }
  RunResult Kiln(const std::string& args, const std::string& env) {
    return RunKiln(args, dir_.string(), env);
  }
  std::string Read(const std::string& name) { return ReadAll((dir_ / name).string()); }

  static inline std::unique_ptr<MotoWorld> moto_;
  fs::path dir_;
};

// The provisioner writes what it was given to files; the output must only
// ever show <sensitive> where the secrets were.
void ExpectNoSecretIn(const std::string& output) {
  for (const char* s : {"pw-3f9a-secret", "tok-77aa-plain", "single-5b1c", "admin-7c1d"})
    EXPECT_EQ(output.find(s), std::string::npos) << s << " leaked:\n" << output;
}

TEST_F(AwsSecretsMoto, HclVariableDefaultAndLocalsReadSecrets) {
  KILN_REQUIRE_MOTO(*moto_);
  Write("t.pkr.hcl", R"(
variable "pw" {
  default = aws_secretsmanager("kiln/db", "password")
}
locals {
  token  = aws_secretsmanager("kiln/token", null)
  single = aws_secretsmanager("kiln/single", "")
  port   = aws_secretsmanager("kiln/db", "port")
  raw    = aws_secretsmanager_raw("kiln/db")
  user   = jsondecode(aws_secretsmanager_raw("kiln/db")).user
}
source "null" "s" {
  communicator = "none"
}
build {
  sources = ["source.null.s"]
  provisioner "shell-local" {
    inline = [
      "printf '%s|%s|%s|%s|%s' '${var.pw}' '${local.token}' '${local.single}' '${local.port}' '${local.user}' > values.txt",
      "printf '%s' '${local.raw}' > raw.txt",
      "echo pw=${var.pw} token=${local.token} user=${local.user}",
    ]
  }
}
)");
  RunResult build = Kiln("build -color=false t.pkr.hcl", Env());
  ASSERT_EQ(build.exit_code, 0) << build.all();
  EXPECT_EQ(Read("values.txt"), "pw-3f9a-secret|tok-77aa-plain|single-5b1c|5432|admin-7c1d");
  EXPECT_EQ(Read("raw.txt"), kDbSecret);
  EXPECT_NE(build.out.find("pw=<sensitive> token=<sensitive> user=<sensitive>"), std::string::npos) << build.out;
  ExpectNoSecretIn(build.all());

  RunResult inspect = Kiln("inspect t.pkr.hcl", Env());
  ASSERT_EQ(inspect.exit_code, 0) << inspect.all();
  EXPECT_NE(inspect.out.find("pw  = <sensitive>"), std::string::npos) << inspect.out;
  ExpectNoSecretIn(inspect.all());

  // The debug log names the call, never the value.
  RunResult logged = Kiln("validate t.pkr.hcl", Env() + " KILN_LOG=1");
  ASSERT_EQ(logged.exit_code, 0) << logged.all();
  EXPECT_NE(logged.err.find("secretsmanager GetSecretValue " + moto_->endpoint() + "/"), std::string::npos)
      << logged.err;
  ExpectNoSecretIn(logged.all());
}

TEST_F(AwsSecretsMoto, JsonVariableDefaultsReadSecrets) {
  KILN_REQUIRE_MOTO(*moto_);
  Write("t.json", R"({
  "variables": {
    "pw": "{{ aws_secretsmanager `kiln/db` `password` }}",
    "single": "{{ aws_secretsmanager `kiln/single` }}",
    "token": "{{ aws_secretsmanager_raw `kiln/token` }}",
    "raw": "{{ aws_secretsmanager_raw `kiln/db` }}"
  },
  "builders": [{"type": "null", "communicator": "none"}],
  "provisioners": [{
    "type": "shell-local",
    "inline": [
      "printf '%s|%s|%s' '{{user `pw`}}' '{{user `single`}}' '{{user `token`}}' > values.txt",
      "printf '%s' '{{user `raw`}}' > raw.txt",
      "echo pw={{user `pw`}} token={{user `token`}}"
    ]
  }]
})");
  RunResult build = Kiln("build -color=false t.json", Env());
  ASSERT_EQ(build.exit_code, 0) << build.all();
  EXPECT_EQ(Read("values.txt"), "pw-3f9a-secret|single-5b1c|tok-77aa-plain");
  EXPECT_EQ(Read("raw.txt"), kDbSecret);
  EXPECT_NE(build.out.find("pw=<sensitive> token=<sensitive>"), std::string::npos) << build.out;
  ExpectNoSecretIn(build.all());
}

TEST_F(AwsSecretsMoto, HclErrorsNameTheSecretAndKey) {
  KILN_REQUIRE_MOTO(*moto_);
  Write("t.pkr.hcl", R"(variable "a" {
  default = aws_secretsmanager("kiln/nope", "k")
}
variable "b" {
  default = aws_secretsmanager("kiln/db", "pass")
}
variable "c" {
  default = aws_secretsmanager("kiln/db", null)
}
variable "d" {
  default = aws_secretsmanager_raw("kiln/binary")
}
variable "e" {
  default = aws_secretsmanager("kiln/token", "k")
}
source "null" "s" {
  communicator = "none"
}
build {
  sources = ["source.null.s"]
}
)");
  RunResult r = Kiln("validate t.pkr.hcl", Env());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("Error: t.pkr.hcl:2:13: Error in function call\n"
                       "  Call to function \"aws_secretsmanager\" failed: secret \"kiln/nope\" not found in AWS "
                       "Secrets Manager at " + moto_->endpoint() + "/ (region us-east-1): "
                       "ResourceNotFoundException: Secrets Manager can't find the specified secret.\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Error: t.pkr.hcl:5:13: Error in function call\n"
                       "  Call to function \"aws_secretsmanager\" failed: secret \"kiln/db\" has no key \"pass\" "
                       "(its keys: \"password\", \"port\", \"user\").\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Error: t.pkr.hcl:8:13: Error in function call\n"
                       "  Call to function \"aws_secretsmanager\" failed: secret \"kiln/db\" has 3 keys "
                       "(\"password\", \"port\", \"user\") and no key was given: name the one to read.\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Error: t.pkr.hcl:11:13: Error in function call\n"
                       "  Call to function \"aws_secretsmanager_raw\" failed: secret \"kiln/binary\" holds binary "
                       "data (SecretBinary): only string secrets can be read.\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Error: t.pkr.hcl:14:13: Error in function call\n"
                       "  Call to function \"aws_secretsmanager\" failed: secret \"kiln/token\" is not a JSON "
                       "object, so it has no key \"k\": give an empty or null key to read the whole value.\n"),
            std::string::npos)
      << r.err;
  ExpectNoSecretIn(r.all());
}

TEST_F(AwsSecretsMoto, JsonMissingSecretNamesIt) {
  KILN_REQUIRE_MOTO(*moto_);
  Write("t.json", R"({
  "variables": {"pw": "{{ aws_secretsmanager `kiln/nope` `password` }}"},
  "builders": [{"type": "null", "communicator": "none"}]
})");
  RunResult r = Kiln("build -color=false t.json", Env());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("Error: t.json:2:24: variable pw: error calling aws_secretsmanager: secret \"kiln/nope\" "
                       "not found in AWS Secrets Manager at " + moto_->endpoint() + "/ (region us-east-1): "
                       "ResourceNotFoundException: Secrets Manager can't find the specified secret\n"),
            std::string::npos)
      << r.err;
}

TEST_F(AwsSecretsMoto, WrongSecretKeyIsRejectedBySignatureCheck) {
  KILN_REQUIRE_MOTO(*moto_);
  Write("t.pkr.hcl", R"(locals {
  pw = aws_secretsmanager("kiln/db", "password")
}
source "null" "s" {
  communicator = "none"
}
build {
  sources = ["source.null.s"]
}
)");
  RunResult r = Kiln("validate t.pkr.hcl", Env() + " AWS_SECRET_ACCESS_KEY=not-the-key");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("failed: AWS Secrets Manager at " + moto_->endpoint() +
                       "/ (region us-east-1) could not read secret \"kiln/db\": SignatureDoesNotMatch: "),
            std::string::npos)
      << r.err;
}

// No moto needed: nothing answers.
TEST_F(AwsSecretsMoto, EndpointDownIsAClearError) {
  std::string endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort());
  std::string env = "AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-EXAMPLE AWS_REGION=us-east-1 "
                    "AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_SECRETS_MANAGER=" + endpoint;
  Write("t.pkr.hcl", R"(variable "pw" {
  default = aws_secretsmanager("kiln/db", "password")
}
source "null" "s" {
  communicator = "none"
}
build {
  sources = ["source.null.s"]
}
)");
  RunResult hcl = Kiln("build -color=false t.pkr.hcl", env);
  EXPECT_EQ(hcl.exit_code, 1) << hcl.all();
  std::string want = "could not reach AWS Secrets Manager at " + endpoint +
                     "/ (region us-east-1) to read secret \"kiln/db\": Failed to connect to 127.0.0.1 port ";
  EXPECT_NE(hcl.err.find("Error: t.pkr.hcl:2:13: Error in function call\n"
                         "  Call to function \"aws_secretsmanager\" failed: " + want),
            std::string::npos)
      << hcl.err;

  Write("t.json", R"({
  "variables": {"pw": "{{ aws_secretsmanager `kiln/db` `password` }}"},
  "builders": [{"type": "null", "communicator": "none"}]
})");
  RunResult json = Kiln("build -color=false t.json", env);
  EXPECT_EQ(json.exit_code, 1) << json.all();
  EXPECT_NE(json.err.find("Error: t.json:2:24: variable pw: error calling aws_secretsmanager: " + want),
            std::string::npos)
      << json.err;
}

TEST_F(AwsSecretsMoto, NoCredentialsSaysWhereItLooked) {
  Write("t.pkr.hcl", R"(variable "pw" {
  default = aws_secretsmanager("kiln/db", "password")
}
source "null" "s" {
  communicator = "none"
}
build {
  sources = ["source.null.s"]
}
)");
  RunResult r = Kiln("validate t.pkr.hcl", "AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_PROFILE= "
                                           "AWS_SHARED_CREDENTIALS_FILE= AWS_CONFIG_FILE= AWS_REGION=us-east-1 "
                                           "AWS_EC2_METADATA_DISABLED=true HOME=" + dir_.string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("failed: no AWS credentials to read secret \"kiln/db\" with: looked in the environment "
                       "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), " + dir_.string() + "/.aws/credentials and " +
                       dir_.string() + "/.aws/config (profile \"default\")."),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace kiln::testing
