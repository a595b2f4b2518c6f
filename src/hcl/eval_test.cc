#include "hcl/eval.h"

#include <gtest/gtest.h>

#include "hcl/functions/functions.h"
#include "hcl/parser.h"

namespace kiln::hcl {
namespace {

Value Eval(const std::string& src, const EvalContext& ctx, Diagnostics& diags) {
  ExprPtr e = ParseExpression(src, "expr.hcl", diags);
  return e->Evaluate(&ctx, diags);
}

TEST(HclEval, VariablesAndFunctions) {
  EvalContext ctx;
  ctx.functions = StandardFunctions();
  ctx.variables["var"] = Value::Object({{"region", Value::String("eu")}, {"n", Value::Number(2)}});
  Diagnostics diags;
  Value v = Eval("upper(var.region) == \"EU\" && var.n * 2 == 4", ctx, diags);
  ASSERT_TRUE(diags.empty()) << diags[0].Message();
  EXPECT_TRUE(v.AsBool());
}

TEST(HclEval, SensitiveValuesStaySensitive) {
  EvalContext ctx;
  ctx.functions = StandardFunctions();
  ctx.variables["pw"] = Value::String("hunter2").Marked();
  Diagnostics diags;
  EXPECT_TRUE(Eval("\"pass=${pw}\"", ctx, diags).sensitive());
  EXPECT_TRUE(Eval("upper(pw)", ctx, diags).sensitive());
  EXPECT_TRUE(Eval("[pw][0]", ctx, diags).sensitive());
  EXPECT_TRUE(Eval("pw == \"x\"", ctx, diags).sensitive());
  EXPECT_TRUE(Eval("{ for k in [1] : k => pw }", ctx, diags).HasSensitiveDeep());
  EXPECT_FALSE(Eval("length(\"abc\")", ctx, diags).sensitive());
  EXPECT_TRUE(diags.empty());
}

TEST(HclEval, UnknownsPropagate) {
  EvalContext ctx;
  ctx.functions = StandardFunctions();
  ctx.variables["u"] = Value::Unknown(Type::String());
  Diagnostics diags;
  Value v = Eval("\"id-${upper(u)}\"", ctx, diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_FALSE(v.is_known());
  EXPECT_EQ(v.type(), Type::String());
  EXPECT_FALSE(Eval("u == \"x\" ? 1 : 2", ctx, diags).is_known());
}

TEST(HclEval, NoContextMeansNoVariablesOrFunctions) {
  Diagnostics diags;
  ExprPtr e = ParseExpression("foo(bar)", "x", diags);
  e->Evaluate(nullptr, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].summary, "Function calls not allowed");
  Diagnostics d2;
  ParseExpression("bar", "x", d2)->Evaluate(nullptr, d2);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2[0].summary, "Variables not allowed");
}

TEST(HclEval, EvaluateAsNamesTheAttribute) {
  Diagnostics diags;
  ExprPtr e = ParseExpression("{ name = \"x\", ports = [80, \"http\"] }", "vars.pkrvars.hcl", diags);
  Type want = Type::Object({{"name", Type::String()}, {"ports", Type::List(Type::Number())}});
  EvaluateAs(*e, nullptr, want, "service", diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].summary, "Incorrect attribute value type");
  EXPECT_EQ(diags[0].detail,
            "Inappropriate value for attribute \"service\": attribute \"ports\": element 1: a "
            "number is required.");
  EXPECT_EQ(diags[0].where->file, "vars.pkrvars.hcl");
  EXPECT_EQ(diags[0].where->start.column, 1);
}

TEST(HclEval, TypeConstraints) {
  auto parse = [](const std::string& s, Diagnostics& d) {
    return TypeConstraint(*ParseExpression(s, "t", d), d);
  };
  Diagnostics diags;
  EXPECT_EQ(parse("string", diags), Type::String());
  EXPECT_EQ(parse("list(number)", diags), Type::List(Type::Number()));
  EXPECT_EQ(parse("map(set(bool))", diags), Type::Map(Type::Set(Type::Bool())));
  EXPECT_EQ(parse("any", diags), Type::Dynamic());
  EXPECT_EQ(parse("tuple([string, number])", diags), Type::Tuple({Type::String(), Type::Number()}));
  Type obj = parse("object({ a = string, b = optional(number) })", diags);
  EXPECT_TRUE(obj.is_object());
  EXPECT_TRUE(obj.optional_attributes().contains("b"));
  EXPECT_EQ(obj.ConstraintString(), "object({a=string, b=optional(number)})");
  ASSERT_TRUE(diags.empty());
  parse("list", diags);
  parse("strin", diags);
  parse("optional(string)", diags);
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[1].detail, "The keyword \"strin\" is not a valid type specification.");
}

TEST(HclEval, FirstErrorAsResult) {
  Diagnostics diags;
  ExprPtr e = ParseExpression("1 + true", "x", diags);
  auto r = EvaluateExpr(*e, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Invalid operand");
  auto ok = EvaluateExpr(*ParseExpression("2 * 21", "x", diags), nullptr);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->AsNumber(), 42);
}

}  // namespace
}  // namespace kiln::hcl
