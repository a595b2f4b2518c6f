#include "postprocessors/shell_local/post_processor.h"

#include <gtest/gtest.h>

#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/test_support.h"
#include "postprocessors/shell_local/options.h"

namespace kiln::postprocessors::shell_local {
namespace {

using testing::PostProcessorTest;
using ShellLocalPpTest = PostProcessorTest;

TEST_F(ShellLocalPpTest, RunsWithTheBuildAndTheArtifactInItsEnvironmentAndPassesTheArtifactOn) {
  std::string a = Write("a.txt", "1");
  std::string b = Write("b.txt", "2");
  FilesArtifact input("packer.file", {a, b});
  std::string dump = Path("env.txt");
  Result<std::unique_ptr<engine::PostProcessor>> pp = MakeShellLocal(DecodeOk(
      R"({"inline": ["echo \"$PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE/$KILN_ARTIFACT_BUILDER_ID\" > )" + dump +
          R"(", "for f in $KILN_ARTIFACT_FILES; do basename $f; done >> )" + dump + R"("]})",
      Options()));
  ASSERT_TRUE(pp) << pp.error().Message();
  Result<engine::PostProcessResult> r = (*pp)->PostProcess(ctx_, input);
  ASSERT_TRUE(r) << r.error().Message() << captured_.err();
  EXPECT_EQ(Read(dump), "web/file/packer.file\na.txt\nb.txt\n");
  EXPECT_TRUE(r->keep_input);
  EXPECT_TRUE(r->force_keep);
  EXPECT_EQ(r->artifact->files(), input.files());
  EXPECT_EQ(r->artifact->builder_id(), "packer.file");
}

TEST_F(ShellLocalPpTest, TemplateVariablesOverrideTheArtifactOnes) {
  FilesArtifact input("packer.file", {});
  std::string dump = Path("env.txt");
  Result<std::unique_ptr<engine::PostProcessor>> pp =
      MakeShellLocal(DecodeOk(R"({"environment_vars": ["KILN_ARTIFACT_ID=mine", "Q=it's"],
                                  "command": "echo \"$KILN_ARTIFACT_ID $Q\" > )" +
                                  dump + R"("})",
                              Options()));
  ASSERT_TRUE(pp);
  ASSERT_TRUE((*pp)->PostProcess(ctx_, input));
  EXPECT_EQ(Read(dump), "mine it's\n");
}

TEST_F(ShellLocalPpTest, AOneElementExecuteCommandRunsThroughShAsInOldTemplates) {
  Result<provisioners::shell_local::Config> c =
      Prepare(DecodeOk(R"({"inline": ["true"], "execute_command": ["{{.Vars}} /bin/sh {{.Script}}"]})", Options()));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->execute_command, (std::vector<std::string>{"sh", "-c", "{{.Vars}} /bin/sh {{.Script}}"}));
  FilesArtifact input("packer.file", {});
  ShellLocalPostProcessor pp(*c);
  EXPECT_TRUE(pp.PostProcess(ctx_, input));
  Result<provisioners::shell_local::Config> d = Prepare(DecodeOk(R"({"inline": ["true"]})", Options()));
  EXPECT_EQ(d->execute_command.size(), 3u);
  EXPECT_EQ(d->execute_command[0], "/bin/sh");
}

TEST_F(ShellLocalPpTest, AFailingScriptFailsThePostProcessor) {
  FilesArtifact input("packer.file", {});
  Result<std::unique_ptr<engine::PostProcessor>> pp = MakeShellLocal(DecodeOk(R"({"inline": ["exit 3"]})", Options()));
  Result<engine::PostProcessResult> r = (*pp)->PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("exited with status 3 (allowed: 0)"), std::string::npos) << r.error().Message();
}

TEST_F(ShellLocalPpTest, BadOptionsArePositionedErrors) {
  Diagnostics diags;
  Decode("{\n  \"inline\": [\"a\"],\n  \"script\": \"x.sh\",\n  \"only_on\": [\"plan9\"]\n}", Options(), diags);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("exactly one of command, inline, script or scripts must be set"), std::string::npos) << m;
  EXPECT_NE(m.find("template.json:4:15: unknown operating system 'plan9' in only_on"), std::string::npos) << m;
}

}  // namespace
}  // namespace kiln::postprocessors::shell_local
