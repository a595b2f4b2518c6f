#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "json/value.h"

namespace kiln::json {
namespace {

Error ParseError(std::string_view text) {
  Result<Value> v = Parse(text, "t.json");
  EXPECT_FALSE(v.has_value()) << text;
  return v ? Error{} : v.error();
}

TEST(JsonParser, KeepsPositionsOfKeysAndValues) {
  Result<Value> v = Parse("{\n  \"a\": [1, true],\n  \"bb\":\t\"x\"\n}", "t.json");
  ASSERT_TRUE(v.has_value());
  const Member* a = v->FindMember("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->key_range.start.line, 2);
  EXPECT_EQ(a->key_range.start.column, 3);
  EXPECT_EQ(a->value.items[1].range.start.column, 12);
  const Member* bb = v->FindMember("bb");
  EXPECT_EQ(bb->value.range.start.line, 3);
  EXPECT_EQ(bb->value.range.start.column, 9);
  EXPECT_EQ(bb->value.text, "x");
}

TEST(JsonParser, DecodesEscapesAndMapsOffsetsBack) {
  Result<Value> v = Parse(R"({"k": "a\"b\u00e9{{x}}"})", "t.json");
  ASSERT_TRUE(v.has_value());
  const Value& s = *v->Find("k");
  EXPECT_EQ(s.text, "a\"b\xC3\xA9{{x}}");
  // The value's quote is at column 7; a, \", b and \u00e9 take 10 columns.
  std::size_t brace = s.text.find("{{");
  EXPECT_EQ(s.PosOfChar(brace).column, 7 + 1 + 10);
  EXPECT_EQ(s.PosOfChar(0).column, 8);
}

TEST(JsonParser, NumbersKeepTheirSourceText) {
  Result<Value> v = Parse("[12345678901234567890, -1.5e3, 0]", "t.json");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->items[0].text, "12345678901234567890");
  EXPECT_EQ(v->items[1].text, "-1.5e3");
  EXPECT_EQ(v->ToJson()[2], 0);
}

// Found by fuzz/json_fuzz.cc: nlohmann threw out_of_range (uncaught) on a
// number beyond double.
TEST(JsonParser, NumbersBeyondDoubleConvertWithoutThrowing) {
  Result<Value> v = Parse("[1e400, -8.3E09542, 1e-400]", "t.json");
  ASSERT_TRUE(v.has_value());
  nlohmann::json j = v->ToJson();
  EXPECT_EQ(j[0].get<double>(), HUGE_VAL);
  EXPECT_EQ(j[1].get<double>(), -HUGE_VAL);
  EXPECT_EQ(j[2].get<double>(), 0.0);
}

TEST(JsonParser, ReportsSyntaxErrorsAtTheOffendingCharacter) {
  Error e = ParseError("{\n \"builders\": [\n {\"type\": \"docker\",, }]}");
  ASSERT_TRUE(e.where);
  EXPECT_EQ(e.where->start.line, 3);
  EXPECT_EQ(e.where->start.column, 20);
  EXPECT_EQ(e.summary, "JSON syntax error");
  EXPECT_NE(e.detail.find("character ','"), std::string::npos) << e.detail;
}

TEST(JsonParser, RejectsTrailingCommasDuplicatesAndGarbage) {
  EXPECT_NE(ParseError("[1, 2,]").detail.find("trailing comma"), std::string::npos);
  EXPECT_NE(ParseError("{\"a\": 1,}").detail.find("trailing comma"), std::string::npos);
  Error dup = ParseError("{\"a\": 1,\n \"a\": 2}");
  EXPECT_EQ(dup.detail, "duplicate key 'a'");
  EXPECT_EQ(dup.where->start.line, 2);
  EXPECT_EQ(dup.where->start.column, 2);
  EXPECT_NE(ParseError("{} x").detail.find("after the end"), std::string::npos);
  EXPECT_NE(ParseError("").detail.find("empty"), std::string::npos);
  EXPECT_NE(ParseError("{\"a\" 1}").detail.find("':'"), std::string::npos);
  EXPECT_NE(ParseError("[01]").detail.find("','"), std::string::npos);
  EXPECT_NE(ParseError("[\"\\q\"]").detail.find("invalid escape"), std::string::npos);
}

// Found by fuzz/json_fuzz.cc: a backslash before a newline was reported at
// column -1 of the next line.
TEST(JsonParser, InvalidEscapePointsAtTheBackslash) {
  Error e = ParseError("{\n  \"a\": \"x\\\n\"}");
  ASSERT_TRUE(e.where);
  EXPECT_EQ(e.where->start.line, 2);
  EXPECT_EQ(e.where->start.column, 10);
  EXPECT_EQ(e.where->start.byte, 11);
  EXPECT_EQ(e.detail, "invalid escape: '\\' before end of line");
  e = ParseError("[\"ab\\q\"]");
  EXPECT_EQ(e.where->start.column, 5);
  EXPECT_EQ(e.detail, "invalid escape '\\q' in a string");
}

TEST(JsonParser, UnterminatedStringPointsAtItsQuote) {
  Error e = ParseError("{\"a\": \"abc\n}");
  EXPECT_EQ(e.where->start.column, 7);
  EXPECT_NE(e.detail.find("unterminated"), std::string::npos);
}

TEST(JsonParser, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  Error e = ParseError(deep);
  EXPECT_NE(e.detail.find("too deep"), std::string::npos);
}


// Issue 13: bytes that are not UTF-8 and lone surrogates reached nlohmann's
// dump() and aborted kiln. They become U+FFFD as Go's decoder makes them, and
// positions after them still point at the file's bytes.
TEST(JsonParser, ReplacesInvalidUtf8AsGoDoes) {
  Result<Value> v = Parse("{\"k\": \"a\xff\xfe" "b{{x}}\"}", "t.json");
  ASSERT_TRUE(v.has_value());
  const Value* k = v->Find("k");
  EXPECT_EQ(k->text, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b{{x}}");
  // "{{" is decoded byte 8; in the file it is at column 12.
  EXPECT_EQ(k->PosOfChar(k->text.find("{{")).column, 12);
  v = Parse("{\"k\": \"caf\xc3\xa9 ok\"}", "t.json");  // well-formed UTF-8 is kept
  EXPECT_EQ(v->Find("k")->text, "caf\xc3\xa9 ok");
}

TEST(JsonParser, EveryByteOfAReplacementMapsToTheByteItReplaces) {
  // Found by the json fuzz target: "\xff" decodes to 3 bytes, so offsets
  // inside the U+FFFD ran past the closing quote.
  Result<Value> v = Parse("[\"it\", \"\xff\"]", "t.json");
  ASSERT_TRUE(v.has_value());
  const Value& s = v->items.at(1);
  ASSERT_EQ(s.text, "\xEF\xBF\xBD");
  for (std::size_t i = 0; i < s.text.size(); ++i) EXPECT_EQ(s.PosOfChar(i).byte, s.range.start.byte + 1) << i;
  EXPECT_EQ(s.PosOfChar(3).byte, s.range.start.byte + 2);  // the closing quote
}

TEST(JsonParser, LoneSurrogatesBecomeReplacementCharacters) {
  Result<Value> v = Parse(R"({"a": "\ud800", "b": "\udc00x", "c": "\ud800\u0041", "d": "\ud83d\ude00{{x}}"})", "t.json");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->Find("a")->text, "\xEF\xBF\xBD");
  EXPECT_EQ(v->Find("b")->text, "\xEF\xBF\xBDx");
  EXPECT_EQ(v->Find("c")->text, "\xEF\xBF\xBD" "A");  // the escape after a lone high surrogate survives
  const Value* d = v->Find("d");
  EXPECT_EQ(d->text, "\xF0\x9F\x98\x80{{x}}");
  EXPECT_EQ(d->PosOfChar(4).column, d->range.start.column + 13);
  EXPECT_NO_THROW((void)nlohmann::json(v->ToJson()).dump());
}

TEST(JsonParser, NumbersBeyondFloat64AreAPositionedErrorWhenAsked) {
  Result<Value> v = Parse("{\n  \"pull\": 1e400\n}", "t.json", {.float64_numbers = true});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().summary, "number out of range");
  EXPECT_EQ(v.error().where->start.line, 2);
  EXPECT_EQ(v.error().where->start.column, 11);
  EXPECT_FALSE(Parse("[-1e309]", "t.json", {.float64_numbers = true}).has_value());
  EXPECT_TRUE(Parse("[1e-400, 1.7e308]", "t.json", {.float64_numbers = true}).has_value());  // underflow: 0, as Go
  // Without the option (HCL's exact numbers) it parses.
  EXPECT_TRUE(Parse("[1e400]", "t.json").has_value());
}

TEST(JsonParser, DumpNeverThrowsOnBadUtf8) {
  nlohmann::json j = {{"v", std::string("a\xff")}};
  EXPECT_EQ(Dump(j), "{\"v\":\"a\xEF\xBF\xBD\"}");
}

// Issue 13: 200,000 variables took minutes, each key being checked against
// every earlier one. Counted, not timed: n keys cost O(n) comparisons.
TEST(JsonParser, ObjectsParseInLinearKeyComparisons) {
  auto comparisons = [](int n, bool duplicates) {
    std::string text = "{";
    for (int i = 0; i < n; ++i) text += fmt::format("{}\"key{}\": \"v\"", i ? ", " : "", duplicates ? i % 100 : i);
    text += "}";
    std::uint64_t before = KeyComparisons();
    Result<Value> v = Parse(text, "t.json", {.allow_duplicate_keys = duplicates});
    EXPECT_TRUE(v.has_value());
    return KeyComparisons() - before;
  };
  for (bool duplicates : {false, true}) {
    std::uint64_t small = comparisons(2'000, duplicates), large = comparisons(20'000, duplicates);
    EXPECT_LE(small, 2 * 2'000u);
    EXPECT_LE(large, 2 * 20'000u) << "quadratic: " << small << " -> " << large;
  }
  // A repeated key in a var file: the last value wins.
  Result<Value> v = Parse(R"({"a": "1", "b": "2", "a": "3"})", "t.json", {.allow_duplicate_keys = true});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->members.size(), 2u);
  EXPECT_EQ(v->Find("a")->text, "3");
}

}  // namespace
}  // namespace kiln::json
