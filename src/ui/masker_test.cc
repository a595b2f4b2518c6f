#include <fmt/format.h>
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

// A command prints a multi-line secret one line per write: each line is
// masked on its own, except lines too short to be told from ordinary text.
TEST(Masker, HidesEachLineOfAMultiLineSecret) {
  Masker m;
  m.Add("-----BEGIN KEY-----\r\n  MIIEvQIBADANBgkq  \nab\n\n}\nlast-line\n");
  EXPECT_EQ(m.Apply("-----BEGIN KEY-----"), "<sensitive>");
  EXPECT_EQ(m.Apply("    docker: MIIEvQIBADANBgkq"), "    docker: <sensitive>");
  EXPECT_EQ(m.Apply("last-line,x"), "<sensitive>,x");
  EXPECT_EQ(m.Apply("1,ui,message,last-line"), "1,ui,message,<sensitive>");
  EXPECT_EQ(m.Apply("ab } {}"), "ab } {}");  // short lines stay: they would mask everything
  EXPECT_EQ(m.Apply("x\n\n}"), "x\n\n}");
}

// The debug log shows commands as kiln quoted them for /bin/sh.
TEST(Masker, HidesTheShellQuotedForm) {
  Masker m;
  m.Add("it's a secret");
  EXPECT_EQ(m.Apply("docker exec 3f2a: K='it'\"'\"'s a secret' /tmp/s.sh"), "docker exec 3f2a: K='<sensitive>' /tmp/s.sh");
}

TEST(Masker, SafeCutNeverFallsInsideASecret) {
  Masker m;
  m.Add("hunter2");
  EXPECT_EQ(m.SafeCut("abcdefhunter2xyz", 8), 6u);   // inside: back to its start
  EXPECT_EQ(m.SafeCut("abcdefhunter2xyz", 6), 6u);   // at its start already
  EXPECT_EQ(m.SafeCut("abcdefhunter2xyz", 13), 13u);  // right after it
  EXPECT_EQ(m.SafeCut("hunter2", 3), 3u);            // nothing before it to cut at
}

TEST(Encodings, MatchKnownValues) {
  EXPECT_EQ(Base64("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64("hi!"), "aGkh");
  EXPECT_EQ(UrlEncode("a b&c", false), "a%20b%26c");
  EXPECT_EQ(UrlEncode("a b", true), "a+b");
  EXPECT_EQ(JsonEscape("a\"b\\\n"), "a\\\"b\\\\\\n");
  EXPECT_EQ(MachineEscape("a,b\nc"), "a%!(PACKER_COMMA)b\\nc");
}

TEST(Masker, ManySecretsOfManyLengthsAllMaskAndTheLongestWins) {
  // Forms live in per-length sets: a text with secrets of every length, one
  // a prefix of another, still masks each whole.
  Masker m;
  for (int n = 0; n < 20000; ++n) m.Add(fmt::format("tok{}-value", n));
  m.Add("tok7-value-and-more");
  EXPECT_EQ(m.Apply("a tok19999-value b tok7-value-and-more c tok7-value d tok20000-value"),
            "a <sensitive> b <sensitive> c <sensitive> d tok20000-value");
  EXPECT_EQ(m.longest(), Base64("tok7-value-and-more").size());
}

}  // namespace
}  // namespace kiln::ui
