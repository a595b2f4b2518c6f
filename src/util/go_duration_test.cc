#include <gtest/gtest.h>

#include "util/go_duration.h"

namespace kiln {
namespace {

using std::chrono::nanoseconds;

TEST(GoDuration, ParsesGoSyntax) {
  EXPECT_EQ(ParseGoDuration("0"), nanoseconds(0));
  EXPECT_EQ(ParseGoDuration("300ms"), std::chrono::milliseconds(300));
  EXPECT_EQ(ParseGoDuration("1h30m"), std::chrono::minutes(90));
  EXPECT_EQ(ParseGoDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(ParseGoDuration("-2m"), -std::chrono::minutes(2));
  EXPECT_EQ(ParseGoDuration("10us"), std::chrono::microseconds(10));
}

TEST(GoDuration, RejectsWhatGoRejects) {
  for (const char* bad : {"", "abc", "10", "1x", "m", "1.s5", "--1s"})
    EXPECT_FALSE(ParseGoDuration(bad).has_value()) << bad;
}

}  // namespace
}  // namespace kiln
