#include "builders/docker/config.h"

#include <gtest/gtest.h>

namespace kiln::builders::docker {
namespace {

TEST(DockerRunCommand, PackersDefaultMeansTtyStdinAndAShellEntrypoint) {
  auto spec = ParseRunCommand({"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "debian:bookworm"}, "debian:bookworm");
  ASSERT_TRUE(spec) << spec.error().Message();
  EXPECT_TRUE(spec->tty);
  EXPECT_TRUE(spec->interactive);
  EXPECT_EQ(spec->entrypoint, "/bin/sh");
  EXPECT_TRUE(spec->command.empty());
}

TEST(DockerRunCommand, CommonFlagsAndACommand) {
  auto spec = ParseRunCommand({"-dit", "-e", "A=1", "--env=B=2", "-v", "/h:/c", "-u", "root", "--privileged",
                               "--label", "k=v", "img", "sleep", "60"},
                              "img");
  ASSERT_TRUE(spec) << spec.error().Message();
  EXPECT_EQ(spec->env, (std::vector<std::string>{"A=1", "B=2"}));
  EXPECT_EQ(spec->binds, (std::vector<std::string>{"/h:/c"}));
  EXPECT_EQ(spec->user, "root");
  EXPECT_TRUE(spec->privileged);
  EXPECT_EQ(spec->labels.at("k"), "v");
  EXPECT_EQ(spec->command, (std::vector<std::string>{"sleep", "60"}));
}

TEST(DockerRunCommand, RejectsWhatItCannotHonour) {
  EXPECT_NE(ParseRunCommand({"--gpus", "all", "img"}, "img").error().summary.find("unsupported flag '--gpus'"),
            std::string::npos);
  EXPECT_NE(ParseRunCommand({"-d"}, "img").error().summary.find("image is missing"), std::string::npos);
  EXPECT_NE(ParseRunCommand({"other"}, "img").error().summary.find("expected the image 'img'"), std::string::npos);
}

TEST(DockerChanges, OnlyPackersInstructions) {
  EXPECT_TRUE(IsAllowedChange("EXPOSE 8080"));
  EXPECT_TRUE(IsAllowedChange("label a=b"));
  EXPECT_FALSE(IsAllowedChange("RUN rm -rf /"));
  EXPECT_FALSE(IsAllowedChange("COPY a b"));
}

}  // namespace
}  // namespace kiln::builders::docker
