#include <gtest/gtest.h>

#include "cli/flags.h"

namespace kiln::cli {
namespace {

TEST(FlagSet, ParsesGoStyleFlags) {
  bool force = false, color = true;
  int parallel = 0;
  std::string on_error;
  std::vector<std::string> only;
  FlagSet flags("build");
  flags.Bool("force", &force, "");
  flags.Bool("color", &color, "");
  flags.Int("parallel-builds", &parallel, "");
  flags.String("on-error", &on_error, "");
  flags.List("only", &only, "");
  std::vector<std::string> args = {"--force", "-color=false", "-parallel-builds", "2", "--on-error=abort",
                                   "-only=a,b", "-only", "c", "t.json", "-x"};
  auto rest = flags.Parse(args);
  ASSERT_TRUE(rest.has_value()) << rest.error().summary;
  EXPECT_TRUE(force);
  EXPECT_FALSE(color);
  EXPECT_EQ(parallel, 2);
  EXPECT_EQ(on_error, "abort");
  EXPECT_EQ(only, (std::vector<std::string>{"a", "b", "c"}));
  // Parsing stops at the first positional argument, as Go's flag package does.
  EXPECT_EQ(*rest, (std::vector<std::string>{"t.json", "-x"}));
}

TEST(FlagSet, ReportsUnknownFlagsAndMissingValues) {
  int n = 0;
  FlagSet flags("build");
  flags.Int("parallel-builds", &n, "");
  std::vector<std::string> unknown = {"-nope"};
  EXPECT_EQ(flags.Parse(unknown).error().summary, "flag provided but not defined: -nope");
  std::vector<std::string> missing = {"-parallel-builds"};
  EXPECT_EQ(flags.Parse(missing).error().summary, "flag needs an argument: -parallel-builds");
  std::vector<std::string> bad = {"-parallel-builds=x"};
  EXPECT_NE(flags.Parse(bad).error().summary.find("invalid value"), std::string::npos);
  std::vector<std::string> help = {"-h"};
  EXPECT_EQ(flags.Parse(help).error().summary, "help");
  std::vector<std::string> dashdash = {"--", "-parallel-builds"};
  EXPECT_EQ(*flags.Parse(dashdash), (std::vector<std::string>{"-parallel-builds"}));
}

}  // namespace
}  // namespace kiln::cli
