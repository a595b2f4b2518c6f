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

TEST(GoFmtTest, SprintSpacesOnlyBetweenNonStrings) {
  EXPECT_EQ(Sprint(V{"a", "b", int64_t{1}, int64_t{2}, "c", true, false}),
            "ab1 2ctrue false");
  EXPECT_EQ(Sprintln(V{"a", int64_t{1}, true}), "a 1 true\n");
}

}  // namespace
}  // namespace kiln::interpolate
