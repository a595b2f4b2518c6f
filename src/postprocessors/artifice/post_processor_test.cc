#include "postprocessors/artifice/post_processor.h"

#include <gtest/gtest.h>

#include "postprocessors/artifice/options.h"
#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/test_support.h"

namespace kiln::postprocessors::artifice {
namespace {

using testing::PostProcessorTest;
using ArtificeTest = PostProcessorTest;

TEST_F(ArtificeTest, ReplacesTheArtifactWithTheFilesInOrderGlobsExpanded) {
  std::string one = Write("dl/one.bin", "1");
  std::string two = Write("dl/two.bin", "22");
  std::string log = Write("build.log", "log");
  FilesArtifact input("packer.file", {Write("old.txt", "old")});
  ArtificePostProcessor pp(
      DecodeOk(R"({"files": [")" + log + R"(", ")" + Path("dl/*.bin") + R"("]})", Options()).Strings("files"));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->keep_input);
  EXPECT_FALSE(r->force_keep);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.artifice");
  EXPECT_EQ(r->artifact->id(), "");
  EXPECT_EQ(r->artifact->files(), (std::vector<std::string>{log, one, two}));
  EXPECT_EQ(r->artifact->Describe(), "Created artifact from files: " + log + ", " + one + ", " + two);
  std::string out = captured_.out();
  EXPECT_NE(out.find("==> web: Discarding files from artifact: " + Path("old.txt")), std::string::npos) << out;
  EXPECT_NE(out.find("==> web: Using these artifact files: " + log + ", " + one + ", " + two), std::string::npos);
  ASSERT_TRUE(r->artifact->Destroy());
  EXPECT_FALSE(std::filesystem::exists(one));
  EXPECT_TRUE(std::filesystem::exists(Path("old.txt")));
}

TEST_F(ArtificeTest, AFileThatIsNotThereIsAnError) {
  FilesArtifact input("packer.file", {});
  ArtificePostProcessor pp({Path("nothing-*.iso")});
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "artifice: no file matches '" + Path("nothing-*.iso") + "'");
}

TEST_F(ArtificeTest, FilesAreRequired) {
  Diagnostics diags;
  Decode("{\n  \"files\": []\n}", Options(), diags);
  EXPECT_NE(Messages(diags).find("template.json:2:12: files must list at least one file"), std::string::npos)
      << Messages(diags);
  diags.clear();
  Decode("{\"files\": [{\"a\": 1}]}", Options(), diags);
  EXPECT_TRUE(HasErrors(diags));
}

}  // namespace
}  // namespace kiln::postprocessors::artifice
