#include "hcl/value.h"

#include <gtest/gtest.h>

#include "hcl/convert.h"
#include "hcl/value_json.h"

namespace kiln::hcl {
namespace {

TEST(HclValue, NumbersAreExact) {
  Value big = *Value::ParseNumber("9007199254740993");
  EXPECT_EQ(FormatNumber(big.AsNumber() + 1), "9007199254740994");
  Value a = *Value::ParseNumber("0.1"), b = *Value::ParseNumber("0.2");
  EXPECT_EQ(Value::Number(a.AsNumber() + b.AsNumber()), *Value::ParseNumber("0.3"));
  EXPECT_EQ(FormatNumber(Value::ParseNumber("1.50e2")->AsNumber()), "150");
  EXPECT_EQ(FormatNumber(Value::ParseNumber("-0.125")->AsNumber()), "-0.125");
  EXPECT_EQ(FormatNumber(mpq_class(1, 3)), "0.3333333333333333");
  EXPECT_FALSE(Value::ParseNumber("1e"));
  EXPECT_FALSE(Value::ParseNumber("abc"));
  EXPECT_FALSE(Value::ParseNumber("1e999999"));  // refused, not allocated
  EXPECT_EQ(Value::NumberFromDouble(0.1), *Value::ParseNumber("0.1"));
}

TEST(HclValue, SetsAreOrderedAndUnique) {
  Value s = Value::Set({Value::String("b"), Value::String("a"), Value::String("b")}, Type::String());
  ASSERT_EQ(s.Length(), 2u);
  EXPECT_EQ(s.Elements()[0].AsString(), "a");
  EXPECT_EQ(s.type(), Type::Set(Type::String()));
}

TEST(HclValue, SensitiveMarksTravelInsideCollections) {
  Value secret = Value::String("hunter2").Marked();
  Value obj = Value::Object({{"pw", secret}, {"user", Value::String("me")}});
  EXPECT_FALSE(obj.sensitive());
  EXPECT_TRUE(obj.HasSensitiveDeep());
  EXPECT_TRUE(obj.GetAttr("pw").sensitive());
  bool had = false;
  Value clean = obj.UnmarkedDeep(&had);
  EXPECT_TRUE(had);
  EXPECT_FALSE(clean.HasSensitiveDeep());
  EXPECT_EQ(secret.DebugString(), "(sensitive value)");
}

TEST(HclValue, JsonRoundTripKeepsDigits) {
  auto v = ParseJSONValue("{\"n\": 123456789012345678901234567890.5, \"s\": \"<&>\", \"l\": [null, true]}");
  ASSERT_TRUE(v);
  EXPECT_EQ(*ValueToJSON(*v),
            "{\"l\":[null,true],\"n\":123456789012345678901234567890.5,\"s\":\"\\u003c\\u0026\\u003e\"}");
  EXPECT_FALSE(ValueToJSON(Value::Unknown()));
}

TEST(HclConvert, PrimitivesAndCollections) {
  EXPECT_EQ(Convert(Value::Number(5), Type::String())->AsString(), "5");
  EXPECT_EQ(Convert(Value::String("2.5"), Type::Number())->AsNumber(), mpq_class(5, 2));
  EXPECT_TRUE(Convert(Value::String("true"), Type::Bool())->AsBool());
  auto bad = Convert(Value::String("x"), Type::Number());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().Describe(), "a number is required");
  auto list = Convert(Value::Tuple({Value::Number(1), Value::String("a")}), Type::List(Type::Dynamic()));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->type(), Type::List(Type::String()));
  EXPECT_EQ(Convert(Value::Null(), Type::String())->type(), Type::String());
  EXPECT_TRUE(Convert(Value::Unknown(), Type::Number())->type() == Type::Number());
}

TEST(HclConvert, ObjectErrorsNameThePath) {
  Type want = Type::Object({{"name", Type::String()},
                            {"ports", Type::List(Type::Number())},
                            {"tag", Type::String()}},
                           {"tag"});
  Value given = Value::Object({{"name", Value::String("web")},
                               {"ports", Value::Tuple({Value::Number(80), Value::String("http")})}});
  auto r = Convert(given, want);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Describe(), "attribute \"ports\": element 1: a number is required");
  Value ok = Value::Object({{"name", Value::String("web")}, {"ports", Value::Tuple({})}});
  auto c = Convert(ok, want);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->GetAttr("tag").is_null());  // optional attribute filled with null
  auto missing = Convert(Value::Object({}), want);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().Describe(), "attribute \"name\" is required");
}

TEST(HclConvert, Unification) {
  bool ok = true;
  EXPECT_EQ(UnifyTypes({Type::Number(), Type::String()}, &ok), Type::String());
  EXPECT_TRUE(ok);
  EXPECT_EQ(UnifyTypes({Type::List(Type::Number()), Type::List(Type::Bool())}, &ok),
            Type::List(Type::String()));
  UnifyTypes({Type::String(), Type::List(Type::String())}, &ok);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace kiln::hcl
