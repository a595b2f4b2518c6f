#include "hcl/json_body.h"

#include <gtest/gtest.h>

#include "hcl/eval.h"

namespace kiln::hcl {
namespace {

const BodySchema kSchema{
    {{"description", false}, {"required_thing", false}},
    {{"source", {"type", "name"}}, {"build", {}}},
};

TEST(HclJsonBody, BlocksFromNestedObjectsAndArrays) {
  Diagnostics diags;
  File f = ParseJSON(R"({
    "description": "d",
    "source": {"docker": {"a": {"image": "x"}, "b": [{"image": "y"}, {"image": "z"}]}},
    "build": [{"name": "one"}, {"name": "two"}]
  })",
                     "t.pkr.json", diags);
  ASSERT_TRUE(diags.empty());
  BodyContent c = f.body->Content(kSchema, diags);
  ASSERT_TRUE(diags.empty()) << diags[0].Message();
  ASSERT_EQ(c.blocks.size(), 5u);
  EXPECT_EQ(c.blocks[0].labels, (std::vector<std::string>{"docker", "a"}));
  EXPECT_EQ(c.blocks[2].labels, (std::vector<std::string>{"docker", "b"}));
  EXPECT_EQ(c.blocks[3].type, "build");
  Attributes attrs = c.blocks[2].body->JustAttributes(diags);
  EXPECT_EQ(attrs.at("image").expr->Evaluate(nullptr, diags).AsString(), "z");
  EXPECT_EQ(c.attributes.at("description").name_range.start.line, 2);
}

TEST(HclJsonBody, UnknownPropertiesAndMissingLabels) {
  Diagnostics diags;
  File f = ParseJSON(R"({"bogus": 1, "source": {"docker": {}}})", "t.pkr.json", diags);
  f.body->Content(kSchema, diags);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].summary, "Extraneous JSON object property");
  EXPECT_EQ(diags[0].where->start.column, 2);
  EXPECT_EQ(diags[1].summary, "Missing name for source");
}

TEST(HclJsonBody, PartialContentLeavesTheRest) {
  Diagnostics diags;
  File f = ParseJSON(R"({"description": "d", "other": 2})", "t.pkr.json", diags);
  BodyPtr rest;
  BodyContent c = f.body->PartialContent(kSchema, &rest, diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(c.attributes.size(), 1u);
  Attributes more = rest->JustAttributes(diags);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_TRUE(more.contains("other"));
}

TEST(HclJsonBody, TypeConstraintFromString) {
  Diagnostics diags;
  File f = ParseJSON(R"j({"type": "list(string)"})j", "t.pkr.json", diags);
  Attributes attrs = f.body->JustAttributes(diags);
  EXPECT_EQ(TypeConstraint(*attrs.at("type").expr, diags), Type::List(Type::String()));
  EXPECT_TRUE(diags.empty());
}

TEST(HclNativeBody, SchemaErrorsLikeHashiCorps) {
  Diagnostics diags;
  File f = ParseConfig("descripton = \"x\"\nsource \"docker\" {\n}\nbuild \"x\" {\n}\nvariable {\n}\n",
                       "t.pkr.hcl", diags);
  ASSERT_TRUE(diags.empty());
  BodySchema schema = kSchema;
  schema.attributes.push_back({"must", true});
  f.body->Content(schema, diags);
  ASSERT_EQ(diags.size(), 5u);
  EXPECT_EQ(diags[0].summary, "Unsupported argument");
  EXPECT_EQ(diags[0].detail, "An argument named \"descripton\" is not expected here. Did you mean \"description\"?");
  EXPECT_EQ(diags[1].summary, "Missing required argument");
  EXPECT_EQ(diags[2].summary, "Missing name for source");
  EXPECT_EQ(diags[2].detail, "All source blocks must have 2 labels (type, name).");
  EXPECT_EQ(diags[3].summary, "Extraneous label for build");
  EXPECT_EQ(diags[4].summary, "Unsupported block type");
  EXPECT_EQ(diags[4].where->start.line, 6);
}

TEST(HclNativeBody, MergedBodiesFindDuplicatesAcrossFiles) {
  Diagnostics diags;
  File a = ParseConfig("description = \"a\"\n", "a.pkr.hcl", diags);
  File b = ParseConfig("description = \"b\"\nbuild {\n}\n", "b.pkr.hcl", diags);
  BodyPtr merged = MergeBodies({a.body, b.body});
  BodyContent c = merged->Content(kSchema, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].summary, "Duplicate argument");
  EXPECT_EQ(diags[0].where->file, "b.pkr.hcl");
  EXPECT_EQ(c.blocks.size(), 1u);
}

}  // namespace
}  // namespace kiln::hcl
