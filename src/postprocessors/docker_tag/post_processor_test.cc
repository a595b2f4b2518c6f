#include "postprocessors/docker_tag/post_processor.h"

#include <gtest/gtest.h>

#include "postprocessors/docker_common/testing.h"

namespace kiln::postprocessors::docker_tag {
namespace {

using docker_common::testing::FakeArtifact;
using docker_common::testing::Harness;
const std::string kImage = "sha256:" + std::string(64, 'a');

TEST(DockerTagTest, TagsEachAndKeepsItsInputWhatever) {
  Harness h;
  FakeArtifact committed(std::string(components::docker::kImportId), kImage);
  PostProcessor pp(Config{.repository = "reg:5000/app", .tags = {"0.1", "latest"}, .force = true}, h.factory());
  Result<engine::PostProcessResult> r = pp.PostProcess(h.ctx, committed);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(h.api->calls, (std::vector<std::string>{"tag " + kImage + " reg:5000/app 0.1 force",
                                                    "tag " + kImage + " reg:5000/app latest force"}));
  EXPECT_TRUE(r->keep_input);
  EXPECT_TRUE(r->force_keep);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.docker-tag");
  EXPECT_EQ(r->artifact->id(), "reg:5000/app:latest");  // the last name given, as Packer
  EXPECT_EQ(r->artifact->State("docker_tags"), nlohmann::json({"reg:5000/app:0.1", "reg:5000/app:latest"}));
  EXPECT_EQ(r->artifact->Describe(),
            "Imported Docker image: reg:5000/app:latest with tags reg:5000/app:0.1 reg:5000/app:latest");
  EXPECT_NE(h.out().find("docker: Repository: reg:5000/app:0.1"), std::string::npos);
}

TEST(DockerTagTest, WithoutTagsTheRepositoryAlone) {
  Harness h;
  FakeArtifact imported(std::string(components::docker::kImportId), "example/imported:0.1");
  PostProcessor pp(Config{.repository = "example/again"}, h.factory());
  Result<engine::PostProcessResult> r = pp.PostProcess(h.ctx, imported);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(h.api->calls, (std::vector<std::string>{"tag example/imported:0.1 example/again "}));
  EXPECT_EQ(r->artifact->id(), "example/again");
  EXPECT_EQ(r->artifact->State("docker_tags"), nlohmann::json::array());
  EXPECT_EQ(r->artifact->Describe(), "Imported Docker image: example/again");
}

TEST(DockerTagTest, DeprecatedTagComesAfterTagsWithAWarning) {
  Harness h;
  tmpl::DecodedConfig c;
  c.values = {{"repository", "r"}, {"tags", {"a"}}, {"tag", {"b", "c"}}, {"force", false}};
  Config config = Prepare(c);
  EXPECT_EQ(config.tags, (std::vector<std::string>{"a", "b", "c"}));
  FakeArtifact committed(std::string(components::docker::kImportId), kImage);
  ASSERT_TRUE(PostProcessor(config, h.factory()).PostProcess(h.ctx, committed));
  EXPECT_NE(h.out().find("Deprecation warning: \"tag\" has been replaced by \"tags\""), std::string::npos) << h.out();
}

TEST(DockerTagTest, RefusesATarAndAMissingRepository) {
  Harness h;
  FakeArtifact tar(std::string(components::docker::kBuilderId), "out.tar", {"out.tar"});
  Result<engine::PostProcessResult> r = PostProcessor(Config{.repository = "r"}, h.factory()).PostProcess(h.ctx, tar);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unknown artifact type: packer.docker");
  FakeArtifact committed(std::string(components::docker::kImportId), kImage);
  r = PostProcessor(Config{}, h.factory()).PostProcess(h.ctx, committed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "docker-tag: repository is not set");
  EXPECT_TRUE(h.api->calls.empty());
}

TEST(DockerTagTest, AnEngineErrorStopsIt) {
  Harness h;
  h.api->tag_error = MakeError("docker tag aaaa r:1", "404: No such image");
  FakeArtifact committed(std::string(components::docker::kImportId), kImage);
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.repository = "r", .tags = {"1", "2"}}, h.factory()).PostProcess(h.ctx, committed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "docker tag aaaa r:1: 404: No such image");
  EXPECT_EQ(h.api->calls.size(), 1u);
}

}  // namespace
}  // namespace kiln::postprocessors::docker_tag
