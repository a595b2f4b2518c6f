#include "postprocessors/docker_save/post_processor.h"

#include <gtest/gtest.h>

#include "clients/docker/test_util.h"
#include "postprocessors/docker_common/testing.h"

namespace kiln::postprocessors::docker_save {
namespace {

using docker_common::testing::FakeArtifact;
using docker_common::testing::Harness;
namespace ct = clients::docker::testing;
namespace fs = std::filesystem;

TEST(DockerSaveTest, WritesTheTarAndPassesTheImageOn) {
  Harness h;
  ct::ScratchDir dir;
  FakeArtifact tagged(std::string(components::docker::kTagId), "reg/app:0.1", {}, nlohmann::json{"reg/app:0.1"});
  fs::path path = dir.path() / "sub" / "saved.tar";
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.path = path.string()}, h.factory()).PostProcess(h.ctx, tagged);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ct::ReadAll(path), "tar bytes");
  EXPECT_EQ(h.api->calls, (std::vector<std::string>{"save reg/app:0.1"}));
  EXPECT_TRUE(r->keep_input);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.docker-tag");
  EXPECT_EQ(r->artifact->id(), "reg/app:0.1");
  EXPECT_EQ(r->artifact->State("docker_tags"), nlohmann::json({"reg/app:0.1"}));
  EXPECT_NE(h.out().find("docker: Saved to: " + path.string()), std::string::npos);
}

TEST(DockerSaveTest, AFailedSaveLeavesNoFile) {
  Harness h;
  ct::ScratchDir dir;
  h.api->save_error = MakeError("docker save reg/app:0.1", "cancelled");
  FakeArtifact tagged(std::string(components::docker::kTagId), "reg/app:0.1");
  fs::path path = dir.path() / "saved.tar";
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.path = path.string()}, h.factory()).PostProcess(h.ctx, tagged);
  ASSERT_FALSE(r);
  EXPECT_FALSE(fs::exists(path));
}

TEST(DockerSaveTest, RefusesATarAndAMissingPath) {
  Harness h;
  FakeArtifact tar(std::string(components::docker::kBuilderId), "out.tar", {"out.tar"});
  Result<engine::PostProcessResult> r = PostProcessor(Config{.path = "x.tar"}, h.factory()).PostProcess(h.ctx, tar);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unknown artifact type: packer.docker");
  FakeArtifact tagged(std::string(components::docker::kTagId), "reg/app:0.1");
  r = PostProcessor(Config{}, h.factory()).PostProcess(h.ctx, tagged);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "docker-save: path is not set");
  EXPECT_TRUE(h.api->calls.empty());
}

}  // namespace
}  // namespace kiln::postprocessors::docker_save
