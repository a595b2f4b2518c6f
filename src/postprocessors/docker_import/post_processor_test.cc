#include "postprocessors/docker_import/post_processor.h"

#include <gtest/gtest.h>

#include "clients/docker/test_util.h"
#include "postprocessors/artifice/post_processor.h"
#include "postprocessors/docker_common/testing.h"

namespace kiln::postprocessors::docker_import {
namespace {

using docker_common::testing::FakeArtifact;
using docker_common::testing::Harness;
namespace ct = clients::docker::testing;

TEST(DockerImportTest, StreamsTheExportedTarWithNameAndChanges) {
  Harness h;
  ct::ScratchDir dir;
  std::string bytes = ct::Pattern(100'000);
  ct::WriteFile(dir.path() / "rootfs.tar", bytes);
  FakeArtifact exported(std::string(components::docker::kBuilderId), (dir.path() / "rootfs.tar").string(),
                        {(dir.path() / "rootfs.tar").string()});
  PostProcessor pp(Config{.repository = "example/app", .tag = "0.1", .changes = {"EXPOSE 8080", "ENV A=b"}},
                   h.factory());
  Result<engine::PostProcessResult> r = pp.PostProcess(h.ctx, exported);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(h.api->calls, (std::vector<std::string>{"import example/app 0.1 [EXPOSE 8080] [ENV A=b]"}));
  EXPECT_EQ(h.api->imported_tar, bytes);
  EXPECT_FALSE(r->keep_input);  // the tar goes unless keep_input_artifact
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.docker-import");
  EXPECT_EQ(r->artifact->id(), "example/app:0.1");
  EXPECT_NE(h.out().find("docker: Imported ID: sha256:iii"), std::string::npos) << h.out();
  // Destroying the artifact removes the image by name.
  ASSERT_TRUE(r->artifact->Destroy());
  EXPECT_EQ(h.api->calls.back(), "rmi example/app:0.1");
}

TEST(DockerImportTest, ArtificeFilesToo) {
  Harness h;
  ct::ScratchDir dir;
  ct::WriteFile(dir.path() / "a.tar", "x");
  FakeArtifact artifice(std::string(artifice::kBuilderId), "a.tar", {(dir.path() / "a.tar").string()});
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.repository = "example/app"}, h.factory()).PostProcess(h.ctx, artifice);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->artifact->id(), "example/app");
}

TEST(DockerImportTest, ACommittedImageIsNotATar) {
  Harness h;
  FakeArtifact committed(std::string(components::docker::kImportId), "sha256:" + std::string(64, 'a'));
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.repository = "example/app"}, h.factory()).PostProcess(h.ctx, committed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unknown artifact type: packer.post-processor.docker-import");
  EXPECT_NE(r.error().detail.find("commit: true"), std::string::npos);
  EXPECT_TRUE(h.api->calls.empty());
}

TEST(DockerImportTest, AMissingTarNamesIt) {
  Harness h;
  FakeArtifact exported(std::string(components::docker::kBuilderId), "/nonexistent/rootfs.tar",
                        {"/nonexistent/rootfs.tar"});
  Result<engine::PostProcessResult> r =
      PostProcessor(Config{.repository = "example/app"}, h.factory()).PostProcess(h.ctx, exported);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().Message().find("cannot open /nonexistent/rootfs.tar"), std::string::npos);
}

}  // namespace
}  // namespace kiln::postprocessors::docker_import
