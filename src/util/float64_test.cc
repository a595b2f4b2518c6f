#include <gtest/gtest.h>

#include "util/float64.h"

namespace kiln {
namespace {

// Issue 13: std::stod threw on 1e400 (and on 1e-400) and aborted kiln.
TEST(Float64, OutOfRangeIsNulloptUnderflowIsZero) {
  EXPECT_EQ(ParseFloat64("1.5"), 1.5);
  EXPECT_EQ(ParseFloat64("-2e3"), -2000.0);
  EXPECT_FALSE(ParseFloat64("1e400").has_value());
  EXPECT_FALSE(ParseFloat64("-1e400").has_value());
  EXPECT_EQ(ParseFloat64("1e-400"), 0.0);
  EXPECT_FALSE(ParseFloat64("").has_value());
  EXPECT_FALSE(ParseFloat64("12abc").has_value());
}

}  // namespace
}  // namespace kiln
