#include "interpolate/parser.h"

#include <gtest/gtest.h>

#include "interpolate/engine.h"

namespace kiln::interpolate {
namespace {

// The syntax error for `text` as printed: ":line:col: summary[: detail]".
std::string SyntaxError(std::string_view text) {
  auto nodes = Parse(text);
  EXPECT_FALSE(nodes) << text;
  return nodes ? "<no error>" : nodes.error().Message();
}

TEST(ParserTest, Tree) {
  auto nodes = Parse(
      "a {{- if eq 1 2}}x{{else if true}}y{{else}}z{{end -}} b {{/* c "
      "*/}}{{\"s\" | printf (upper `x`)}}");
  ASSERT_TRUE(nodes) << nodes.error().Message();
  ASSERT_EQ(nodes->size(), 5);
  const NodeList& n = *nodes;
  EXPECT_EQ(n[0].kind, Node::Kind::kText);
  EXPECT_TRUE(n[0].trim_right);
  EXPECT_EQ(n[1].kind, Node::Kind::kIf);
  EXPECT_EQ(n[1].begin, 2);
  EXPECT_EQ(n[1].end, 53);  // through "{{end -}}"
  ASSERT_EQ(n[1].else_body.size(), 1);
  EXPECT_EQ(n[1].else_body[0].kind, Node::Kind::kIf);  // "else if" nests
  EXPECT_EQ(n[1].else_body[0].else_body[0].text, "z");
  EXPECT_TRUE(n[2].trim_left);
  EXPECT_EQ(n[3].kind, Node::Kind::kComment);
  const Pipeline& p = n[4].pipeline;
  ASSERT_EQ(p.commands.size(), 2);
  EXPECT_EQ(p.commands[1].args[0].text, "printf");
  EXPECT_EQ(p.commands[1].args[1].kind, Operand::Kind::kPipeline);
}

TEST(ParserTest, ErrorsPointIntoTheText) {
  EXPECT_EQ(SyntaxError("abc {{foo}}"), ":1:7: function \"foo\" not defined");
  EXPECT_EQ(SyntaxError("line one\n  {{ upper (bogus `x`) }}"),
            ":2:13: function \"bogus\" not defined");
  EXPECT_EQ(SyntaxError("abc {{ upper \"x\""),
            ":1:5: unclosed action: missing \"}}\"");
  EXPECT_EQ(SyntaxError("{{end}}"),
            ":1:3: unexpected {{end}}: it has no matching {{if}} or {{with}}");
  EXPECT_EQ(SyntaxError("x{{else}}"),
            ":1:4: unexpected {{else}}: it has no matching {{if}} or {{with}}");
  EXPECT_EQ(SyntaxError("{{if true}}x"),
            ":1:1: unexpected EOF: {{if}} has no matching {{end}}");
  EXPECT_EQ(SyntaxError("{{with 1}}{{else}}{{else}}{{end}}"),
            ":1:21: expected {{end}}; found {{else}}");
  EXPECT_EQ(SyntaxError("{{/* x }}"), ":1:1: unclosed comment");
  EXPECT_EQ(SyntaxError("{{ \"a }}"), ":1:4: unterminated quoted string");
  EXPECT_EQ(SyntaxError("{{ `a }}"), ":1:4: unterminated raw quoted string");
  EXPECT_EQ(SyntaxError("{{ \"\\q\" }}"),
            ":1:5: invalid escape \\q in quoted string");
  EXPECT_EQ(SyntaxError("{{ ( \"a\" }}"), ":1:4: unclosed left paren");
  EXPECT_EQ(SyntaxError("{{ ) }}"), ":1:4: unexpected \")\" in command");
  EXPECT_EQ(SyntaxError("{{ }}"), ":1:4: missing value for command");
  EXPECT_EQ(SyntaxError("{{if}}{{end}}"), ":1:5: missing value for if");
  EXPECT_EQ(SyntaxError("{{ \"a\" | \"b\" }}"),
            ":1:14: non executable command in pipeline stage 2");
  EXPECT_EQ(SyntaxError("{{range .}}{{end}}"),
            ":1:3: {{range}} is not supported: Packer templates support if, "
            "else and with");
  EXPECT_EQ(SyntaxError("{{$x := 1}}"),
            ":1:3: template variables ($x) are not supported");
  EXPECT_EQ(SyntaxError("{{ # }}"),
            ":1:4: unrecognized character in action: U+0023 '#'");
  EXPECT_EQ(SyntaxError("{{ 1x }}"), ":1:4: bad number syntax: \"1x\"");
}

// 10,000 nested parentheses overflowed the stack (SIGSEGV): the parser, the
// evaluator and the checks recurse once per level.
TEST(ParserTest, NestingIsLimited) {
  auto nested = [](int n) {
    return "{{ " + std::string(n, '(') + "1" + std::string(n, ')') + " }}";
  };
  EXPECT_TRUE(Parse(nested(kMaxNesting)));
  EXPECT_EQ(Render(nested(kMaxNesting), {}).value_or("<error>"), "1");
  // The error points at the first "(" beyond the limit.
  EXPECT_EQ(SyntaxError(nested(kMaxNesting + 1)),
            ":1:204: template nested too deeply: parenthesized pipelines may be nested at "
            "most 200 levels deep");
  EXPECT_EQ(SyntaxError(nested(10000)),
            ":1:204: template nested too deeply: parenthesized pipelines may be nested at "
            "most 200 levels deep");
  auto e = Check(nested(10000));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where->start.column, 204);
  EXPECT_EQ(Render(nested(10000), {}).error().where->start.column, 204);

  // Blocks recurse the same way; "(" and blocks count together.
  auto ifs = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "{{if 1}}";
    s += "x";
    for (int i = 0; i < n; ++i) s += "{{end}}";
    return s;
  };
  EXPECT_EQ(Render(ifs(kMaxNesting), {}).value_or("<error>"), "x");
  EXPECT_EQ(SyntaxError(ifs(10000)),
            ":1:1601: template nested too deeply: {{if}} and {{with}} blocks may be nested "
            "at most 200 levels deep");
  EXPECT_EQ(SyntaxError(ifs(kMaxNesting) .insert(8 * kMaxNesting, "{{ (1) }}")),
            ":1:1604: template nested too deeply: parenthesized pipelines may be nested at "
            "most 200 levels deep");
  std::string with_else;
  for (int i = 0; i < 10000; ++i) with_else += "{{with 1}}{{else if 1}}";
  // Each {{with}} and {{else if}} is a level: the 101st {{with}} is the 201st.
  EXPECT_EQ(SyntaxError(with_else).substr(0, 32), ":1:2301: template nested too dee");
}

// Go: integer literals must fit in 64 bits ("integer overflow", as packer
// 1.6.6 says). The 100-digit number was converted from double to int64,
// which is undefined (UBSan: "is outside the range of representable values").
TEST(ParserTest, IntegerOverflow) {
  std::string big = "1" + std::string(99, '0');
  EXPECT_EQ(SyntaxError("ab {{ " + big + " }}"),
            ":1:7: integer overflow: \"" + big + "\": integer constants must fit in 64 bits");
  EXPECT_EQ(SyntaxError("{{ printf \"%d\" -" + big + " }}"),
            ":1:16: integer overflow: \"-" + big + "\": integer constants must fit in 64 bits");
  EXPECT_EQ(SyntaxError("{{ 9223372036854775808 }}"),
            ":1:4: integer overflow: \"9223372036854775808\": integer constants must fit in "
            "64 bits");
  EXPECT_EQ(SyntaxError("{{ 0xFFFFFFFFFFFFFFFFFFFF }}"),
            ":1:4: bad number syntax: \"0xFFFFFFFFFFFFFFFFFFFF\"");
  auto nodes = Parse("{{ -9223372036854775808 }}{{ 1e100 }}{{ 9.3e18 }}{{ -9.2e18 }}{{ 0x1p4 }}");
  ASSERT_TRUE(nodes) << nodes.error().Message();
  const Operand& min = (*nodes)[0].pipeline.commands[0].args[0];
  EXPECT_TRUE(min.is_int);
  EXPECT_EQ(min.int_value, INT64_MIN);
  const Operand& huge = (*nodes)[1].pipeline.commands[0].args[0];
  EXPECT_TRUE(huge.is_float);
  EXPECT_FALSE(huge.is_int);  // integral, but beyond int64
  EXPECT_FALSE((*nodes)[2].pipeline.commands[0].args[0].is_int);
  EXPECT_TRUE((*nodes)[3].pipeline.commands[0].args[0].is_int);
  EXPECT_EQ((*nodes)[3].pipeline.commands[0].args[0].int_value, -9200000000000000000);
  EXPECT_EQ((*nodes)[4].pipeline.commands[0].args[0].int_value, 16);
}

TEST(ParserTest, ErrorRangeHasByteOffsets) {
  auto nodes = Parse("ab\ncd {{ nope }}");
  ASSERT_FALSE(nodes);
  const SourceRange& r = *nodes.error().where;
  EXPECT_EQ(r.file, "");
  EXPECT_EQ(r.start.byte, 9);
  EXPECT_EQ(r.start.line, 2);
  EXPECT_EQ(r.start.column, 7);
  EXPECT_EQ(r.end.byte, 13);
}

TEST(CheckTest, FunctionNamesAndArityWithoutEvaluating) {
  EXPECT_EQ(
      Check(
          "{{env `HOME`}} {{build `ID`}} {{.Anything}} {{split `a,b` `,` 9}}"),
      std::nullopt);
  EXPECT_EQ(Check("{{ `a,b` | split `,` 0 }} {{isotime}} {{isotime `2006`}} "
                  "{{printf `%s` 1 2}}"),
            std::nullopt);
  EXPECT_EQ(Check("no actions"), std::nullopt);
  auto e = Check("{{if false}}{{split \"a\" \",\"}}{{end}}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->Message(),
            ":1:15: wrong number of args for split: want 3 got 2");
  e = Check("{{ (upper) }}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->Message(), ":1:5: wrong number of args for upper: want 1 got 0");
  e = Check("{{ lower timestamp `x` }}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->Message(), ":1:4: wrong number of args for lower: want 1 got 2");
  e = Check("{{ foo }}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->summary, "function \"foo\" not defined");
}

}  // namespace
}  // namespace kiln::interpolate
