#include "clients/docker/credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "clients/docker/test_util.h"

namespace kiln::clients::docker {
namespace {

using testing::ScratchDir;
using testing::WriteFile;
namespace fs = std::filesystem;

TEST(RegistryOfTest, SplitsLikeTheDockerCli) {
  EXPECT_EQ(RegistryOf("127.0.0.1:5000/packer_test"), "127.0.0.1:5000");
  EXPECT_EQ(RegistryOf("registry.example.com/team/app"), "registry.example.com");
  EXPECT_EQ(RegistryOf("localhost/app"), "localhost");
  EXPECT_EQ(RegistryOf("debian"), kDockerHubServer);
  EXPECT_EQ(RegistryOf("team/app"), kDockerHubServer);
  EXPECT_EQ(RegistryOf("docker.io/library/debian"), kDockerHubServer);
}

class CredentialsTest : public ::testing::Test {
 protected:
  void Config(const nlohmann::json& j) { WriteFile(dir_.path() / "config.json", j.dump()); }
  // A fake docker-credential-NAME that answers `answer` for `server` and
  // "credentials not found" for any other.
  void Helper(const std::string& name, const std::string& server, const std::string& answer, int code = 0) {
    fs::path p = dir_.path() / "bin" / ("docker-credential-" + name);
    WriteFile(p, "#!/bin/sh\n[ \"$1\" = get ] || exit 9\nread server\nif [ \"$server\" != '" + server +
                     "' ]; then echo 'credentials not found in native keychain'; exit 1; fi\ncat <<'EOF'\n" + answer +
                     "\nEOF\nexit " + std::to_string(code) + "\n");
    fs::permissions(p, fs::perms::owner_all);
  }
  Result<std::optional<RegistryAuth>> Find(std::string_view registry) {
    return FindCredentials(registry, CredentialLookup{.config_dir = dir_.path(),
                                                      .helper_env = {"PATH=" + (dir_.path() / "bin").string() +
                                                                     ":/usr/bin:/bin"}});
  }
  ScratchDir dir_;
};

TEST_F(CredentialsTest, NoConfigMeansNoCredentials) {
  Result<std::optional<RegistryAuth>> r = Find("127.0.0.1:5000");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_FALSE(*r);
}

TEST_F(CredentialsTest, AuthsBase64UserPassword) {
  Config({{"auths", {{"127.0.0.1:5000", {{"auth", Base64Encode("kiln:p:w/+=")}}}}}});
  Result<std::optional<RegistryAuth>> r = Find("127.0.0.1:5000");
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->username, "kiln");
  EXPECT_EQ((*r)->password, "p:w/+=");  // split at the first colon only
  EXPECT_EQ((*r)->server, "127.0.0.1:5000");
  // Another registry has none.
  ASSERT_TRUE(Find("127.0.0.1:6000"));
  EXPECT_FALSE(*Find("127.0.0.1:6000"));
}

TEST_F(CredentialsTest, AuthsKeysMatchWithSchemeAndPath) {
  Config({{"auths",
           {{"https://registry.example.com/v2/", {{"username", "u"}, {"password", "p"}}},
            {std::string(kDockerHubServer), {{"auth", Base64Encode("hub:secret")}}}}}});
  Result<std::optional<RegistryAuth>> r = Find("registry.example.com");
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->username, "u");
  EXPECT_EQ((*r)->password, "p");
  Result<std::optional<RegistryAuth>> hub = Find(RegistryOf("debian"));
  ASSERT_TRUE(hub && *hub);
  EXPECT_EQ((*hub)->username, "hub");
}

TEST_F(CredentialsTest, BrokenConfigAndAuthAreErrorsWithoutSecrets) {
  WriteFile(dir_.path() / "config.json", "{not json");
  Result<std::optional<RegistryAuth>> r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find((dir_.path() / "config.json").string()), std::string::npos);

  Config({{"auths", {{"127.0.0.1:5000", {{"auth", Base64Encode("no-colon-secret")}}}}}});
  r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("not base64 of user:password"), std::string::npos) << r.error().Message();
  EXPECT_EQ(r.error().Message().find("no-colon-secret"), std::string::npos);

  Config({{"auths", {{"127.0.0.1:5000", {{"identitytoken", "tok"}}}}}});
  r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("identity token"), std::string::npos);
}

TEST_F(CredentialsTest, CredHelperAnswers) {
  Config({{"credHelpers", {{"127.0.0.1:5000", "fake"}}},
          {"auths", {{"127.0.0.1:5000", {{"auth", Base64Encode("from:auths")}}}}}});
  Helper("fake", "127.0.0.1:5000", R"({"ServerURL":"127.0.0.1:5000","Username":"helper-user","Secret":"s3cret"})");
  Result<std::optional<RegistryAuth>> r = Find("127.0.0.1:5000");
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->username, "helper-user");  // credHelpers beats auths
  EXPECT_EQ((*r)->password, "s3cret");
  // A registry without a credHelpers entry falls back to auths.
  Config({{"credHelpers", {{"other:1", "fake"}}}, {"auths", {{"127.0.0.1:5000", {{"auth", Base64Encode("a:b")}}}}}});
  r = Find("127.0.0.1:5000");
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->username, "a");
}

TEST_F(CredentialsTest, CredsStoreServesEveryRegistry) {
  Config({{"credsStore", "store"}});
  Helper("store", std::string(kDockerHubServer), R"({"Username":"hub-user","Secret":"hub-pass"})");
  Result<std::optional<RegistryAuth>> r = Find(kDockerHubServer);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->username, "hub-user");
  // The store holds nothing for this one: no credentials, not an error.
  r = Find("127.0.0.1:5000");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_FALSE(*r);
}

TEST_F(CredentialsTest, HelperFailuresNameTheHelper) {
  Config({{"credsStore", "missing"}});
  Result<std::optional<RegistryAuth>> r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("docker-credential-missing is not installed"), std::string::npos)
      << r.error().Message();

  Config({{"credsStore", "broken"}});
  Helper("broken", "127.0.0.1:5000", "keychain locked", 3);
  r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("docker-credential-broken get for 127.0.0.1:5000: exit 3"), std::string::npos)
      << r.error().Message();

  Config({{"credsStore", "token"}});
  Helper("token", "127.0.0.1:5000", R"({"Username":"<token>","Secret":"refresh-token"})");
  r = Find("127.0.0.1:5000");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message().find("refresh-token"), std::string::npos);
}

TEST_F(CredentialsTest, DockerConfigEnvironmentPicksTheDirectory) {
  Config({{"auths", {{"127.0.0.1:5000", {{"auth", Base64Encode("env:pw")}}}}}});
  const char* old = std::getenv("DOCKER_CONFIG");
  std::string saved = old ? old : "";
  ::setenv("DOCKER_CONFIG", dir_.path().c_str(), 1);
  Result<std::optional<RegistryAuth>> r = FindCredentials("127.0.0.1:5000");
  if (old) ::setenv("DOCKER_CONFIG", saved.c_str(), 1);
  else ::unsetenv("DOCKER_CONFIG");
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->username, "env");
}

}  // namespace
}  // namespace kiln::clients::docker
