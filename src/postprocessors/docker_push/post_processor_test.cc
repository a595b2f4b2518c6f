#include "postprocessors/docker_push/post_processor.h"

#include <gtest/gtest.h>

#include "clients/docker/test_util.h"
#include "json/value.h"
#include "postprocessors/docker_common/testing.h"
#include "postprocessors/docker_push/options.h"
#include "template/decode.h"

namespace kiln::postprocessors::docker_push {
namespace {

using docker_common::testing::FakeArtifact;
using docker_common::testing::Harness;
namespace api = clients::docker;

FakeArtifact Tagged() {
  return FakeArtifact(std::string(components::docker::kTagId), "reg:5000/app:0.2", {},
                      nlohmann::json{"reg:5000/app:0.1", "reg:5000/app:0.2"});
}

TEST(DockerPushTest, LogsInThenPushesEachNameOnce) {
  Harness h;
  h.api->push_progress = {{.status = "The push refers to repository [reg:5000/app]"},
                          {.id = "0123456789ab", .status = "Preparing"},
                          {.id = "0123456789ab", .status = "Pushing", .progress = "[=>  ] 1MB/9MB"},
                          {.id = "0123456789ab", .status = "Pushing", .progress = "[==> ] 2MB/9MB"},
                          {.id = "0123456789ab", .status = "Pushed"},
                          {.status = ""}};
  FakeArtifact tagged = Tagged();
  PostProcessor pp(Config{.login = true, .login_server = "reg:5000", .login_username = "u", .login_password = "pw"},
                   h.factory());
  Result<engine::PostProcessResult> r = pp.PostProcess(h.ctx, tagged);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(h.api->calls,
            (std::vector<std::string>{"login reg:5000 u", "push reg:5000/app:0.2", "push reg:5000/app:0.1"}));
  ASSERT_TRUE(h.api->last_push_auth);
  EXPECT_EQ(h.api->last_push_auth->password, "pw");
  EXPECT_TRUE(r->keep_input);
  EXPECT_FALSE(r->force_keep);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.docker-import");
  EXPECT_EQ(r->artifact->id(), "reg:5000/app:0.2");
  EXPECT_EQ(r->artifact->State("digest"), h.api->push_digest);
  EXPECT_NE(r->artifact->Describe().find("(pushed, digest " + h.api->push_digest + ")"), std::string::npos);
  // One line per layer status, not per progress tick.
  std::string out = h.out();
  EXPECT_NE(out.find("docker: 0123456789ab: Preparing\n"), std::string::npos) << out;
  std::size_t pushing = 0;
  for (std::size_t at = 0; (at = out.find("0123456789ab: Pushing\n", at)) != std::string::npos; ++at) ++pushing;
  EXPECT_EQ(pushing, 2u) << out;  // once for each of the two names
  EXPECT_EQ(out.find("1MB/9MB"), std::string::npos) << out;
}

TEST(DockerPushTest, ARefusedLoginNamesTheRegistryAndPushesNothing) {
  Harness h;
  h.api->login_error = MakeError("docker login reg:5000", "401: login attempt failed with status: 401 Unauthorized");
  FakeArtifact tagged = Tagged();
  PostProcessor pp(
      Config{.login = true, .login_server = "reg:5000", .login_username = "u", .login_password = "hunter2"},
      h.factory());
  Result<engine::PostProcessResult> r = pp.PostProcess(h.ctx, tagged);
  ASSERT_FALSE(r);
  std::string message = r.error().Message();
  EXPECT_NE(message.find("authentication to registry reg:5000 failed for user 'u'"), std::string::npos) << message;
  EXPECT_NE(message.find("check login_username and login_password"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos);
  EXPECT_EQ(h.api->calls, (std::vector<std::string>{"login reg:5000 u"}));
}

TEST(DockerPushTest, WithoutLoginTheDockerConfigCredentials) {
  Harness h;
  clients::docker::testing::ScratchDir dir;
  clients::docker::testing::WriteFile(dir.path() / "config.json",
                                      nlohmann::json{{"auths", {{"reg:5000", {{"auth", api::Base64Encode("c:p")}}}}}}.dump());
  FakeArtifact tagged(std::string(components::docker::kImportId), "reg:5000/app:0.1");
  PostProcessor pp(Config{}, h.factory(), api::CredentialLookup{.config_dir = dir.path()});
  ASSERT_TRUE(pp.PostProcess(h.ctx, tagged));
  ASSERT_TRUE(h.api->last_push_auth);
  EXPECT_EQ(h.api->last_push_auth->username, "c");
  EXPECT_EQ(h.api->last_push_auth->server, "reg:5000");

  // None there: pushed without, and a refusal says how to log in.
  Harness h2;
  h2.api->push_error = MakeError("docker push reg:5000/app:0.1", "unauthorized: authentication required");
  clients::docker::testing::ScratchDir empty;
  PostProcessor anonymous(Config{}, h2.factory(), api::CredentialLookup{.config_dir = empty.path()});
  Result<engine::PostProcessResult> r = anonymous.PostProcess(h2.ctx, tagged);
  ASSERT_FALSE(r);
  EXPECT_FALSE(h2.api->last_push_auth);
  EXPECT_NE(r.error().Message().find("authentication to registry reg:5000 failed"), std::string::npos);
  EXPECT_NE(r.error().Message().find("docker login reg:5000"), std::string::npos) << r.error().Message();
}

TEST(DockerPushTest, RefusesWhatItCannotPush) {
  Harness h;
  FakeArtifact tar(std::string(components::docker::kBuilderId), "out.tar", {"out.tar"});
  Result<engine::PostProcessResult> r = PostProcessor(Config{}, h.factory()).PostProcess(h.ctx, tar);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unknown artifact type: packer.docker");
  FakeArtifact committed(std::string(components::docker::kImportId), "sha256:" + std::string(64, 'a'));
  r = PostProcessor(Config{}, h.factory()).PostProcess(h.ctx, committed);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("has no repository name"), std::string::npos);
  FakeArtifact tagged = Tagged();
  r = PostProcessor(Config{.login_server = "x", .ecr_login = true}, h.factory()).PostProcess(h.ctx, tagged);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("Amazon ECR"), std::string::npos);
  EXPECT_TRUE(h.api->calls.empty());
}

TEST(DockerPushTest, LoginAcceptsTheStringTrue) {
  Result<json::Value> v = json::Parse(
      R"({"login": "true", "login_server": "s", "login_username": "u", "login_password": "p"})",
      "t.json");
  ASSERT_TRUE(v);
  Diagnostics diags;
  tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), interpolate::Context{}, "post-processor docker-push", diags);
  EXPECT_FALSE(HasErrors(diags));
  Config config = Prepare(c);
  EXPECT_TRUE(config.login);
  EXPECT_EQ(config.login_password, "p");
}

}  // namespace
}  // namespace kiln::postprocessors::docker_push
