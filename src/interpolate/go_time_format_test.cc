#include "interpolate/go_time_format.h"

#include <gtest/gtest.h>

namespace kiln::interpolate {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// Go's reference time, Mon Jan 2 15:04:05 MST 2006 (UTC-7).
const system_clock::time_point kRef{seconds(1136239445)};
constexpr int kMst = -7 * 3600;

std::string Mst(std::string_view layout, nanoseconds extra = {}) {
  return FormatGoTime(layout, kRef + extra, kMst, "MST");
}

TEST(GoTimeFormatTest, ReferenceLayoutsFormatTheReferenceTimeToThemselves) {
  for (std::string_view layout :
       {"Mon Jan 2 15:04:05 MST 2006", "02 Jan 06 15:04 -0700",
        "Monday, 02-Jan-06 15:04:05 MST", "Mon, 02 Jan 2006 15:04:05 -0700",
        "2006-01-02T15:04:05-07:00", "3:04PM", "Jan 2 15:04:05",
        "January 2, 2006 3:04:05 pm", "-07 -07:00 -0700 -070000 -07:00:00",
        "2006-002"})
    EXPECT_EQ(Mst(layout), layout);
}

TEST(GoTimeFormatTest, PaddedAndUnpaddedElements) {
  EXPECT_EQ(Mst("Mon Jan _2 15:04:05 2006"),
            "Mon Jan  2 15:04:05 2006");  // time.ANSIC
  EXPECT_EQ(Mst("__2|002|_2|02|2"), "  2|002| 2|02|2");
  EXPECT_EQ(Mst("1 01 3 03 4 04 5 05 06 2006 15"),
            "1 01 3 03 4 04 5 05 06 2006 15");
  EXPECT_EQ(Mst("PM pm Monday Mon January Jan MST"),
            "PM pm Monday Mon January Jan MST");
}

TEST(GoTimeFormatTest, ZoneElements) {
  EXPECT_EQ(Mst("Z07:00|Z0700|Z07|Z070000|Z07:00:00"),
            "-07:00|-0700|-07|-070000|-07:00:00");
  // The Z forms print "Z" for UTC; the numeric forms never do.
  EXPECT_EQ(FormatGoTime("Z07:00 Z0700 Z07 -0700 -07:00 MST", kRef),
            "Z Z Z +0000 +00:00 UTC");
  EXPECT_EQ(
      FormatGoTime("-07:00:00 Z07:00", kRef, 5 * 3600 + 30 * 60 + 15, "X"),
      "+05:30:15 +05:30");
  EXPECT_EQ(FormatGoTime("MST", kRef, 3600, ""),
            "+0100");  // no abbreviation known
}

TEST(GoTimeFormatTest, FractionalSeconds) {
  nanoseconds frac(123456789);
  EXPECT_EQ(Mst(".000|.000000|.000000000|,000", frac),
            ".123|.123456|.123456789|,123");
  EXPECT_EQ(Mst(".9|.999|.999999999", nanoseconds(120000000)), ".1|.12|.12");
  EXPECT_EQ(Mst("05.999|05.000"),
            "05|05.000");            // .999 drops an all-zero fraction
  EXPECT_EQ(Mst(".0001"), ".0001");  // digits after the run: literal text
}

TEST(GoTimeFormatTest, LiteralLookalikes) {
  EXPECT_EQ(Mst("Janet Monk"), "Janet Monk");  // a lowercase letter follows
  EXPECT_EQ(Mst("_2006"), "_2006");            // "_" then the year
  EXPECT_EQ(Mst("T:x"), "T:x");
}

TEST(GoTimeFormatTest, UtcAfternoonAndMidnight) {
  EXPECT_EQ(FormatGoTime(kRfc3339, kRef), "2006-01-02T22:04:05Z");
  EXPECT_EQ(FormatGoTime("3 03 PM pm", kRef), "10 10 PM pm");
  system_clock::time_point midnight{
      seconds(1136160000)};  // 2006-01-02 00:00 UTC
  EXPECT_EQ(FormatGoTime("3 03 15 PM Monday", midnight), "12 12 00 AM Monday");
  system_clock::time_point leap_day{
      seconds(1709208000)};  // 2024-02-29 12:00 UTC
  EXPECT_EQ(FormatGoTime("2006-01-02 002 Mon", leap_day), "2024-02-29 060 Thu");
}

// Outputs of packer 1.6.6's {{strftime}}: only its directives are replaced.
TEST(GoTimeFormatTest, Strftime) {
  auto t = kRef + nanoseconds(110000000);  // 22:04:05.110 UTC
  EXPECT_EQ(FormatStrftime("%Y-%m-%d %H:%M:%S", t), "2006-01-02 22:04:05");
  EXPECT_EQ(FormatStrftime("%A|%a|%B|%b|%I|%p|%y|%z|%Z|%L", t),
            "Monday|Mon|January|Jan|10|PM|06|+0000|UTC|.110");
  EXPECT_EQ(FormatStrftime("%j %c %f %%", t), "%j %c %f %");
  EXPECT_EQ(FormatStrftime("a% 2006 Jan%", t), "a% 2006 Jan%");
}

}  // namespace
}  // namespace kiln::interpolate
