// The credentials chain in the SDKs' order: template, environment, shared
// files (profile, AWS_PROFILE, shared_credentials_file), then IMDSv2 (a
// loopback stub stands in for the instance metadata service).
#include "clients/aws/credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "clients/aws/stub_server.h"

namespace kiln::clients::aws {
namespace {

using testing::StubReply;
using testing::StubRequest;
using testing::StubServer;

class CredentialsChain : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("kiln-creds-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / ".aws");
    for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                          "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT"})
      ::unsetenv(v);
    ::setenv("HOME", dir_.c_str(), 1);
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    std::ofstream(dir_ / ".aws/credentials") << "[default]\naws_access_key_id = AKIDDEFAULT\n"
                                                "aws_secret_access_key = secret-default\n\n[dev]\n"
                                                "aws_access_key_id=AKIDDEV\naws_secret_access_key=secret-dev\n"
                                                "aws_session_token = token-dev\n";
    std::ofstream(dir_ / ".aws/config") << "[profile ops]\naws_access_key_id = AKIDOPS\n"
                                           "aws_secret_access_key = secret-ops\nregion = eu-north-1\n";
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ::unsetenv("AWS_EC2_METADATA_DISABLED");
  }
  std::filesystem::path dir_;
  CancelToken cancel_;
};

TEST_F(CredentialsChain, TemplateKeysComeFirst) {
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
  Result<Credentials> c = ResolveCredentials({.access_key = "AKIDTPL", .secret_key = "secret-tpl", .token = "t"}, cancel_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKIDTPL");
  EXPECT_EQ(c->session_token, "t");
}

TEST_F(CredentialsChain, EnvironmentBeforeSharedFiles) {
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
  ::setenv("AWS_SESSION_TOKEN", "token-env", 1);
  Result<Credentials> c = ResolveCredentials({}, cancel_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->session_token, "token-env");
}

TEST_F(CredentialsChain, SharedFileProfiles) {
  EXPECT_EQ(ResolveCredentials({}, cancel_)->access_key_id, "AKIDDEFAULT");
  Result<Credentials> dev = ResolveCredentials({.profile = "dev"}, cancel_);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->secret_access_key, "secret-dev");
  EXPECT_EQ(dev->session_token, "token-dev");
  ::setenv("AWS_PROFILE", "dev", 1);
  EXPECT_EQ(ResolveCredentials({}, cancel_)->access_key_id, "AKIDDEV");
  // A profile only ~/.aws/config knows, and its region.
  Result<Credentials> ops = ResolveCredentials({.profile = "ops"}, cancel_);
  ASSERT_TRUE(ops);
  EXPECT_EQ(ops->access_key_id, "AKIDOPS");
  EXPECT_EQ(DefaultRegion("ops"), "eu-north-1");
  ::setenv("AWS_REGION", "ap-south-1", 1);
  EXPECT_EQ(DefaultRegion("ops"), "ap-south-1");
}

TEST_F(CredentialsChain, SharedCredentialsFileOption) {
  std::ofstream(dir_ / "other") << "[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = s\n";
  Result<Credentials> c = ResolveCredentials({.shared_credentials_file = (dir_ / "other").string()}, cancel_);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKIDOTHER");
}

TEST_F(CredentialsChain, NothingFoundListsWhereItLooked) {
  Result<Credentials> c = ResolveCredentials({.profile = "missing"}, cancel_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().summary, "no AWS credentials found");
  EXPECT_NE(c.error().detail.find("(profile \"missing\")"), std::string::npos) << c.error().detail;
}

TEST_F(CredentialsChain, InstanceRoleThroughImdsV2) {
  StubServer imds([](const StubRequest& r) {
    if (r.method == "PUT" && r.target == "/latest/api/token") return StubReply{200, "imds-token"};
    if (r.header("X-aws-ec2-metadata-token") != "imds-token") return StubReply{401, ""};
    if (r.target == "/latest/meta-data/iam/security-credentials/") return StubReply{200, "builder-role\n"};
    if (r.target == "/latest/meta-data/iam/security-credentials/builder-role")
      return StubReply{200, R"({"Code": "Success", "AccessKeyId": "ASIAROLE", "SecretAccessKey": "secret-role",
                                "Token": "token-role", "Expiration": "2030-01-01T00:00:00Z"})"};
    return StubReply{404, ""};
  });
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url().c_str(), 1);
  Result<Credentials> c = ResolveCredentials({.profile = "missing"}, cancel_);
  ASSERT_TRUE(c) << c.error().Message();
  EXPECT_EQ(c->access_key_id, "ASIAROLE");
  EXPECT_EQ(c->session_token, "token-role");
  EXPECT_EQ(c->source, "instance role builder-role");
  // skip_metadata_api_check: not asked.
  size_t asked = imds.requests().size();
  EXPECT_FALSE(ResolveCredentials({.profile = "missing", .skip_metadata_api_check = true}, cancel_));
  EXPECT_EQ(imds.requests().size(), asked);
}

}  // namespace
}  // namespace kiln::clients::aws
