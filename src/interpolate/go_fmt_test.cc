#include "interpolate/go_fmt.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::interpolate {
namespace {

using V = std::vector<Value>;

TEST(GoFmtTest, FormatValue) {
  EXPECT_EQ(FormatValue(true), "true");
  EXPECT_EQ(FormatValue(int64_t{-42}), "-42");
  EXPECT_EQ(FormatValue(1.5), "1.5");
  EXPECT_EQ(FormatValue(1000.0), "1000");
  EXPECT_EQ(FormatValue(1e6), "1e+06");
  EXPECT_EQ(FormatValue(0.00001), "1e-05");
  EXPECT_EQ(FormatValue(Value()), "<nil>");
  DataMap m = {{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(FormatValue(&m), "map[a:1 b:2]");
}

TEST(GoFmtTest, Quote) {
  EXPECT_EQ(Quote("a\"b\\c\n\t\x01é"), R"("a\"b\\c\n\t\x01é")");
}

// Expected strings are packer 1.6.6's output for the same printf calls.
TEST(GoFmtTest, Sprintf) {
  EXPECT_EQ(Sprintf("%q|%d|%v|%s|%%|%5d|%-4s|%x|%t",
                    V{"a\"b", int64_t{42}, true, "s", int64_t{7}, "ab",
                      int64_t{255}, false}),
            R"("a\"b"|42|true|s|%|    7|ab  |ff|false)");
  EXPECT_EQ(Sprintf("%d %s", V{"x"}), "%!d(string=x) %!s(MISSING)");
  EXPECT_EQ(Sprintf("%d", V{int64_t{1}, int64_t{2}, "z"}),
            "1%!(EXTRA int=2, string=z)");
  EXPECT_EQ(Sprintf("%05d|%+d|%X|%q|%.2f|%.2s|%v",
                    V{int64_t{-42}, int64_t{3}, "hi", int64_t{'a'}, 3.14159,
                      "abc", 2.5}),
            "-0042|+3|6869|'a'|3.14|ab|2.5");
  EXPECT_EQ(Sprintf("%s %z", V{int64_t{5}, true}), "%!s(int=5) %!z(bool=true)");
  EXPECT_EQ(Sprintf("50%", V{}), "50%!(NOVERB)");
}

// Go's caps (fmt treats more than 1e6 as no number): the expected strings
// are packer 1.6.6's. Before the caps, "%999999999d" built a 1 GB string
// and longer digit runs overflowed an int.
TEST(GoFmtTest, SprintfCapsWidthAndPrecisionAsGo) {
  EXPECT_EQ(Sprintf("%999999999d", V{int64_t{1}}), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Sprintf("%2147483648d", V{int64_t{1}}), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Sprintf("%99999999999999999999999d", V{int64_t{1}}),
            "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Sprintf("%10000010dabc", V{int64_t{1}}), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Sprintf("%.10000010fabc", V{1.5}), "%!(NOVERB)%!(EXTRA float64=1.5)");
  EXPECT_EQ(Sprintf("%.2147483648d", V{int64_t{1}}), "%!(NOVERB)%!(EXTRA int=1)");
  // Up to 1e6 before the last digit is still a width, as in Go.
  EXPECT_EQ(Sprintf("%1000001d", V{int64_t{1}}).size(), 1000001u);
  EXPECT_EQ(Sprintf("%10000009d|", V{int64_t{1}}).size(), 10000010u);
  EXPECT_EQ(Sprintf("%.3f|%5.f|", V{3.14159, 1.5}), "3.142|    2|");
  EXPECT_EQ(Sprintf("%.", V{1.5}), "%!.(float64=1.5)");
}

TEST(GoFmtTest, SprintfStarWidthAndPrecision) {
  EXPECT_EQ(Sprintf("%*d|%-*d|%0*d|", V{int64_t{3}, int64_t{1}, int64_t{-3}, int64_t{2},
                                      int64_t{-4}, int64_t{7}}),
            "  1|2  |7   |");
  EXPECT_EQ(Sprintf("%.*f|", V{int64_t{2}, 3.14159}), "3.14|");
  EXPECT_EQ(Sprintf("%*d|", V{int64_t{1000000}, int64_t{1}}).size(), 1000001u);
  EXPECT_EQ(Sprintf("%*d|", V{int64_t{1000001}, int64_t{1}}), "%!(BADWIDTH)1|");
  EXPECT_EQ(Sprintf("%*d|", V{int64_t{-10000009}, int64_t{1}}), "%!(BADWIDTH)1|");
  EXPECT_EQ(Sprintf("%*d|", V{"x", int64_t{1}}), "%!(BADWIDTH)1|");
  EXPECT_EQ(Sprintf("%*d", V{1.5, int64_t{2}}), "%!(BADWIDTH)2");
  EXPECT_EQ(Sprintf("%*d", V{}), "%!(BADWIDTH)%!d(MISSING)");
  EXPECT_EQ(Sprintf("%.*d", V{int64_t{10000010}, int64_t{1}}), "%!(BADPREC)1");
  EXPECT_EQ(Sprintf("%.*d", V{int64_t{-1}, int64_t{1}}), "%!(BADPREC)1");
}

TEST(GoFmtTest, SprintfStopsPastTheStringLimit) {
  std::string format;
  for (int i = 0; i < 20; ++i) format += "%10000000d";
  V args(20, Value(int64_t{1}));
  std::string s = Sprintf(format, args);
  EXPECT_GT(s.size(), kMaxStringBytes);
  EXPECT_LT(s.size(), kMaxStringBytes + 10000001);  // stopped after the verb that crossed it
}

TEST(GoFmtTest, SprintSpacesOnlyBetweenNonStrings) {
  EXPECT_EQ(Sprint(V{"a", "b", int64_t{1}, int64_t{2}, "c", true, false}),
            "ab1 2ctrue false");
  EXPECT_EQ(Sprintln(V{"a", int64_t{1}, true}), "a 1 true\n");
}

}  // namespace
}  // namespace kiln::interpolate
