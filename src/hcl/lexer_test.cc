#include "hcl/lexer.h"

#include <gtest/gtest.h>

namespace kiln::hcl {
namespace {

std::vector<TokenType> Types(const Tokens& toks) {
  std::vector<TokenType> out;
  for (const Token& t : toks) out.push_back(t.type);
  return out;
}

// Joining tokens (with their leading spaces) gives the source back: the
// stream is complete enough to write a formatter on.
std::string Rebuild(const Tokens& toks) {
  std::string out;
  for (const Token& t : toks) out += std::string(static_cast<std::size_t>(t.spaces_before), ' ') + t.bytes;
  return out;
}

TEST(HclLexer, KeepsCommentsAndNewlinesWithRanges) {
  Diagnostics diags;
  std::string src = "# top\na = 1 // tail\n/* block */ b = \"x\"\n";
  Tokens toks = LexConfig(src, "t.hcl", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(Rebuild(toks), src);
  ASSERT_EQ(toks[0].type, TokenType::kComment);
  EXPECT_EQ(toks[0].bytes, "# top\n");
  // "a" is on line 2, column 1; "1" at column 5.
  EXPECT_EQ(toks[1].type, TokenType::kIdent);
  EXPECT_EQ(toks[1].range.start.line, 2);
  EXPECT_EQ(toks[1].range.start.column, 1);
  EXPECT_EQ(toks[3].bytes, "1");
  EXPECT_EQ(toks[3].range.start.column, 5);
  EXPECT_EQ(toks[3].range.start.byte, 10);
  EXPECT_EQ(toks[4].type, TokenType::kComment);
  EXPECT_EQ(toks[4].bytes, "// tail\n");
  EXPECT_EQ(toks[5].type, TokenType::kComment);
  EXPECT_EQ(toks[5].bytes, "/* block */");
}

TEST(HclLexer, TemplateSequencesKeepStripMarkers) {
  Diagnostics diags;
  Tokens toks = LexConfig("a = \"x ${~ y ~} %{ if z }w%{ endif }\"\n", "t.hcl", diags);
  EXPECT_TRUE(diags.empty());
  std::vector<std::string> seq;
  for (const Token& t : toks)
    if (t.type == TokenType::kTemplateInterp || t.type == TokenType::kTemplateControl ||
        t.type == TokenType::kTemplateSeqEnd)
      seq.push_back(t.bytes);
  EXPECT_EQ(seq, (std::vector<std::string>{"${~", "~}", "%{", "}", "%{", "}"}));
}

TEST(HclLexer, HeredocsOneTokenPerLine) {
  Diagnostics diags;
  std::string src = "a = <<-EOT\n  one\n  two ${x}\n  EOT\n";
  Tokens toks = LexConfig(src, "t.hcl", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(Rebuild(toks), src);
  EXPECT_EQ(Types(toks), (std::vector<TokenType>{
                             TokenType::kIdent, TokenType::kEqual, TokenType::kOHeredoc,
                             TokenType::kStringLit, TokenType::kStringLit, TokenType::kTemplateInterp,
                             TokenType::kIdent, TokenType::kTemplateSeqEnd, TokenType::kStringLit,
                             TokenType::kCHeredoc, TokenType::kNewline, TokenType::kEOF}));
  EXPECT_EQ(toks[2].bytes, "<<-EOT\n");
  EXPECT_EQ(toks[9].bytes, "  EOT");
}

TEST(HclLexer, OperatorsAndNumbers) {
  Diagnostics diags;
  Tokens toks = LexConfig("a == b != c <= d >= e && f || !g ... => 1.5e3 ? : %", "t.hcl", diags);
  EXPECT_TRUE(diags.empty());
  std::vector<std::string> bytes;
  for (const Token& t : toks)
    if (t.type != TokenType::kIdent && t.type != TokenType::kEOF) bytes.push_back(t.bytes);
  EXPECT_EQ(bytes, (std::vector<std::string>{"==", "!=", "<=", ">=", "&&", "||", "!", "...", "=>",
                                             "1.5e3", "?", ":", "%"}));
}

TEST(HclLexer, BadInputIsDiagnosedAndStillCovered) {
  Diagnostics diags;
  std::string src = "a = 'x' @ \"open\n/* never";
  Tokens toks = LexConfig(src, "t.hcl", diags);
  ASSERT_GE(diags.size(), 4u);
  EXPECT_EQ(diags[0].summary, "Invalid character");
  EXPECT_EQ(diags[0].where->start.column, 5);
  EXPECT_EQ(toks.back().type, TokenType::kEOF);
  EXPECT_EQ(toks.back().range.start.byte, static_cast<int>(src.size()));
}

TEST(HclLexer, UnicodeIdentifiersAndBadUtf8) {
  Diagnostics diags;
  Tokens toks = LexConfig("café = 1\n", "t.hcl", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(toks[0].bytes, "café");
  Diagnostics bad;
  LexConfig(std::string("a = \xff\n"), "t.hcl", bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].summary, "Invalid character encoding");
}

}  // namespace
}  // namespace kiln::hcl
