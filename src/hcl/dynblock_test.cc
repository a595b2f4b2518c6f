#include "hcl/dynblock.h"

#include <gtest/gtest.h>

#include "hcl/parser.h"

namespace kiln::hcl {
namespace {

const BodySchema kBuild{{{"name", false}}, {{"provisioner", {"type"}}}};

TEST(HclDynamic, ExpandsWithIteratorAndLabels) {
  Diagnostics diags;
  File f = ParseConfig(R"(
name = "b"
provisioner "shell" {
  inline = ["first"]
}
dynamic "provisioner" {
  for_each = var.scripts
  iterator = s
  labels   = [s.value.kind]
  content {
    inline = ["${s.key}:${s.value.cmd}"]
  }
}
)",
                       "b.pkr.hcl", diags);
  ASSERT_TRUE(diags.empty());
  EvalContext ctx;
  ctx.variables["var"] = Value::Object(
      {{"scripts", Value::Tuple({Value::Object({{"kind", Value::String("shell")}, {"cmd", Value::String("a")}}),
                                 Value::Object({{"kind", Value::String("file")}, {"cmd", Value::String("b")}})})}});
  BodyPtr body = ExpandDynamicBlocks(f.body, &ctx);
  BodyContent c = body->Content(kBuild, diags);
  ASSERT_TRUE(diags.empty()) << diags[0].Message();
  ASSERT_EQ(c.blocks.size(), 3u);
  EXPECT_EQ(c.blocks[1].labels[0], "shell");
  EXPECT_EQ(c.blocks[2].labels[0], "file");
  Attributes a = c.blocks[2].body->JustAttributes(diags);
  // Evaluated later with the caller's context: the iterator is still bound.
  Value v = a.at("inline").expr->Evaluate(&ctx, diags);
  ASSERT_TRUE(diags.empty()) << diags[0].Message();
  EXPECT_EQ(v.Elements()[0].AsString(), "1:b");
  // The iterator is not reported as a free variable.
  for (const Traversal& t : a.at("inline").expr->Variables()) EXPECT_NE(TraversalRootName(t), "s");
}

TEST(HclDynamic, ErrorsPointAtTheDynamicBlock) {
  Diagnostics diags;
  File f = ParseConfig("dynamic \"provisioner\" {\n  for_each = 5\n  content {}\n}\ndynamic \"nope\" {\n  for_each = []\n  content {}\n}\n",
                       "b.pkr.hcl", diags);
  EvalContext ctx;
  ExpandDynamicBlocks(f.body, &ctx)->Content(kBuild, diags);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].summary, "Invalid dynamic for_each value");
  EXPECT_EQ(diags[0].where->start.line, 2);
  EXPECT_EQ(diags[1].summary, "Unsupported block type");
  EXPECT_EQ(diags[1].where->start.line, 5);
}

}  // namespace
}  // namespace kiln::hcl
