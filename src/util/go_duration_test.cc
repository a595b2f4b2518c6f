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

// Issue 13: durations beyond an int64 of nanoseconds were accepted (or
// rounded through a double); Go rejects them.
TEST(GoDuration, RejectsOutOfRangeDurations) {
  for (const char* bad : {"9999999999h", "2562048h", "9223372036854775808ns", "2562047h47m16.854775808s",
                          "99999999999999999999999999999999999999999ns", "1e999s", "1e999"})
    EXPECT_FALSE(ParseGoDuration(bad).has_value()) << bad;
}

TEST(GoDuration, AcceptsTheWholeInt64Range) {
  EXPECT_EQ(ParseGoDuration("9223372036854775807ns"), nanoseconds(INT64_MAX));
  EXPECT_EQ(ParseGoDuration("2562047h47m16.854775807s"), nanoseconds(INT64_MAX));
  EXPECT_EQ(ParseGoDuration("-9223372036854775808ns"), nanoseconds(INT64_MIN));
  EXPECT_EQ(ParseGoDuration("2562047h"), std::chrono::hours(2562047));
  EXPECT_EQ(ParseGoDuration("1.000000001s"), nanoseconds(1'000'000'001));
  EXPECT_EQ(ParseGoDuration(".5m"), std::chrono::seconds(30));
}

}  // namespace
}  // namespace kiln
