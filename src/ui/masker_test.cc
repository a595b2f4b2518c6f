#include <gtest/gtest.h>

#include "ui/masker.h"

namespace kiln::ui {
namespace {

TEST(Masker, HidesThePlainValueEverywhere) {
  Masker m;
  m.Add("hunter2");
  EXPECT_EQ(m.Apply("pw=hunter2, again hunter2"), "pw=<sensitive>, again <sensitive>");
}

TEST(Masker, HidesEncodedForms) {
  Masker m;
  std::string secret = "p@ss,w\"rd 1/2";
  m.Add(secret);
  for (const std::string& form : {JsonEscape(secret), UrlEncode(secret, false), UrlEncode(secret, true),
                                  Base64(secret), MachineEscape(secret)}) {
    std::string masked = m.Apply("before " + form + " after");
    EXPECT_EQ(masked, "before <sensitive> after") << form;
  }
}

TEST(Masker, HidesTheSecretInsideLongerBase64AtAnyAlignment) {
  Masker m;
  std::string secret = "correct horse battery staple";
  m.Add(secret);
  for (std::string lead : {"", "x", "xy", "xyz"}) {
    std::string encoded = Base64("user:" + lead + secret + ":tail");
    EXPECT_NE(m.Apply(encoded), encoded) << lead;
    // Whatever is left shows no whole group that decodes to secret bytes.
    EXPECT_EQ(m.Apply(encoded).find(Base64(secret).substr(4, 8)), std::string::npos);
  }
}

TEST(Masker, EmptySecretsAreIgnored) {
  Masker m;
  m.Add("");
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.Apply("text"), "text");
}

TEST(Masker, LongerSecretsWinOverTheirPrefixes) {
  Masker m;
  m.Add("abc");
  m.Add("abcdef");
  EXPECT_EQ(m.Apply("xabcdefx abc"), "x<sensitive>x <sensitive>");
}

TEST(Encodings, MatchKnownValues) {
  EXPECT_EQ(Base64("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64("hi!"), "aGkh");
  EXPECT_EQ(UrlEncode("a b&c", false), "a%20b%26c");
  EXPECT_EQ(UrlEncode("a b", true), "a+b");
  EXPECT_EQ(JsonEscape("a\"b\\\n"), "a\\\"b\\\\\\n");
  EXPECT_EQ(MachineEscape("a,b\nc"), "a%!(PACKER_COMMA)b\\nc");
}

}  // namespace
}  // namespace kiln::ui
