#include <gtest/gtest.h>

#include "util/utf8.h"

namespace kiln {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* ok : {"", "plain", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"})
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
}

TEST(Utf8, RejectsWhatRfc3629Rejects) {
  // A lone 0xFF, a lone continuation byte, overlong '/', a UTF-8-encoded
  // surrogate, above U+10FFFF, a truncated sequence.
  for (const char* bad : {"\xFF", "a\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"})
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  EXPECT_EQ(FindInvalidUtf8("ab\xC3\xA9\xFF"), 4u);
}

TEST(Utf8, ReplacesEachBadByteAsGoDoes) {
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("ok"), "ok");
}

TEST(Utf8, AppendsCodePointsAndReplacesSurrogates) {
  std::string s;
  AppendUtf8(s, 'A');
  AppendUtf8(s, 0xE9);
  AppendUtf8(s, 0x1F600);
  AppendUtf8(s, 0xD800);
  EXPECT_EQ(s, "A\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
}

}  // namespace
}  // namespace kiln
