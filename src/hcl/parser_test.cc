#include "hcl/parser.h"

#include <gtest/gtest.h>

#include "hcl/eval.h"

namespace kiln::hcl {
namespace {

TEST(HclParser, BodyAttributesBlocksAndRanges) {
  Diagnostics diags;
  File f = ParseConfig("a = 1\nsource \"docker\" \"base\" {\n  image = \"debian\"\n}\n", "t.hcl", diags);
  ASSERT_TRUE(diags.empty());
  ASSERT_TRUE(f.native);
  ASSERT_EQ(f.native->attributes.size(), 1u);
  EXPECT_EQ(f.native->attributes[0].name, "a");
  EXPECT_EQ(f.native->attributes[0].name_range.start.column, 1);
  EXPECT_EQ(f.native->attributes[0].expr->range().start.column, 5);
  ASSERT_EQ(f.native->blocks.size(), 1u);
  const NativeBlock& b = f.native->blocks[0];
  EXPECT_EQ(b.type, "source");
  EXPECT_EQ(b.labels, (std::vector<std::string>{"docker", "base"}));
  EXPECT_EQ(b.label_ranges[1].start.column, 17);
  EXPECT_EQ(b.close_brace_range.start.line, 4);
  ASSERT_EQ(b.body->attributes.size(), 1u);
  EXPECT_EQ(b.body->attributes[0].range.start.line, 3);
}

TEST(HclParser, KeepsGoingAfterErrors) {
  Diagnostics diags;
  File f = ParseConfig("a = \nb = [1 2]\nc = 3\nblock {\n  x = }\ne = 5\nd = (4\n", "t.hcl", diags);
  ASSERT_EQ(diags.size(), 4u);
  EXPECT_EQ(diags[0].where->start.line, 1);
  EXPECT_EQ(diags[1].where->start.line, 2);
  // The good attributes are still there.
  EXPECT_TRUE(f.native->FindAttribute("c"));
  EXPECT_TRUE(f.native->FindAttribute("e"));
}

TEST(HclParser, ExpressionAtAnOffset) {
  Diagnostics diags;
  ExprPtr e = ParseExpression("1 + )", "cli", diags, Pos{3, 10, 40});
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags[0].where->start.line, 3);
  EXPECT_EQ(diags[0].where->start.column, 14);
}

TEST(HclParser, TraversalsForStaticReferences) {
  Diagnostics diags;
  auto t = ParseTraversalAbs("source.docker.base[0]", "t", diags);
  ASSERT_TRUE(t);
  EXPECT_EQ(TraversalString(*t), "source.docker.base[0]");
  EXPECT_EQ(TraversalRootName(*t), "source");
  EXPECT_FALSE(ParseTraversalAbs("f(x)", "t", diags));
}

TEST(HclParser, VariablesOfAnExpression) {
  Diagnostics diags;
  ExprPtr e = ParseExpression("[for x in var.list : x + local.n] + { k = path.root }", "t", diags);
  std::vector<std::string> names;
  for (const Traversal& t : e->Variables()) names.push_back(TraversalString(t));
  EXPECT_EQ(names, (std::vector<std::string>{"var.list", "local.n", "path.root"}));
}

TEST(HclParser, StaticListAndMapHelpers) {
  Diagnostics diags;
  ExprPtr list = ParseExpression("[source.a, source.b]", "t", diags);
  auto items = ExprList(list, diags);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(TraversalString(*AbsTraversalForExpr(items[1], diags)), "source.b");
  ExprPtr map = ParseExpression("{ a = 1, b = 2 }", "t", diags);
  auto kv = ExprMap(map, diags);
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(ExprAsKeyword(kv[0].key), "a");
  EXPECT_TRUE(diags.empty());
}

TEST(HclParser, BareTemplates) {
  Diagnostics diags;
  ExprPtr t = ParseTemplate("Hi ${name}!\n%{ for x in xs }<${x}>%{ endfor }", "tpl", diags);
  ASSERT_TRUE(diags.empty());
  EvalContext ctx;
  ctx.variables["name"] = Value::String("kiln");
  ctx.variables["xs"] = Value::Tuple({Value::Number(1), Value::Number(2)});
  Value v = t->Evaluate(&ctx, diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(v.AsString(), "Hi kiln!\n<1><2>");
}

TEST(HclParser, JsonSourceByExtension) {
  Diagnostics diags;
  File f = ParseSource("{\"a\": \"${1+1}\"}", "x.pkr.json", diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_FALSE(f.native);
  Attributes attrs = f.body->JustAttributes(diags);
  EvalContext ctx;
  EXPECT_EQ(attrs.at("a").expr->Evaluate(&ctx, diags).AsNumber(), 2);
}

}  // namespace
}  // namespace kiln::hcl
