#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "json/value.h"
#include "template/json_loader.h"
#include "template/variables.h"

namespace kiln::tmpl {
namespace {

// A template of n variables (a fifth of them sensitive, every tenth one
// referring to the next), and a var file setting all of them.
struct ManyVariables {
  std::string text, var_file;
};
ManyVariables Generate(int n, const std::string& var_file) {
  ManyVariables m;
  m.var_file = var_file;
  std::string vars, sensitive, file;
  for (int i = 0; i < n; ++i) {
    std::string value = i % 10 == 0 && i + 1 < n ? fmt::format("{{{{user `v{}`}}}}", i + 1) : fmt::format("x{}", i);
    vars += fmt::format("{}\n    \"v{}\": \"{}\"", i ? "," : "", i, value);
    if (i % 5 == 0) sensitive += fmt::format("{}\"v{}\"", sensitive.empty() ? "" : ", ", i);
    if (i % 10 != 0) file += fmt::format("{}\"v{}\": \"y{}\"", file.empty() ? "" : ", ", i, i);
  }
  m.text = fmt::format(R"({{
  "variables": {{{}
  }},
  "sensitive-variables": [{}],
  "builders": [{{"type": "null", "communicator": "none"}}]
}})",
                       vars, sensitive);
  std::ofstream(var_file) << "{" << file << "}";
  return m;
}

// Loads and resolves; returns the member-key comparisons it took.
std::uint64_t LoadAndResolve(const ManyVariables& m, int n) {
  std::uint64_t before = json::KeyComparisons();
  Diagnostics diags;
  Template t = ParseJsonTemplate(m.text, "many.json", diags);
  EXPECT_TRUE(diags.empty()) << diags.front().summary;
  EXPECT_EQ(t.variables.size(), static_cast<std::size_t>(n));
  VariableValues values = ResolveVariables(t, {.var_files = {m.var_file}}, interpolate::Context{}, diags);
  EXPECT_TRUE(diags.empty()) << diags.front().summary;
  EXPECT_EQ(values.values.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(values.values["v1"], "y1");
  EXPECT_EQ(values.values["v0"], "y1");  // {{user `v1`}}, from the var file
  EXPECT_EQ(values.secrets.size(), static_cast<std::size_t>(n / 5));
  return json::KeyComparisons() - before;
}

// Issue 13: 200,000 variables took over a minute (40,000: 2.3 s), every key
// being compared with every earlier one. Counted, never timed: ten times
// the variables must cost about ten times the comparisons, not a hundred.
TEST(Variables, TwoHundredThousandVariablesLoadInLinearWork) {
  std::string dir = ::testing::TempDir();
  ManyVariables small = Generate(20'000, dir + "/kiln-vars-small.json");
  ManyVariables large = Generate(200'000, dir + "/kiln-vars-large.json");
  std::uint64_t small_cost = LoadAndResolve(small, 20'000);
  std::uint64_t large_cost = LoadAndResolve(large, 200'000);
  EXPECT_LE(small_cost, 10u * 20'000) << small_cost;
  EXPECT_LE(large_cost, 12 * small_cost) << small_cost << " -> " << large_cost;
  std::filesystem::remove(small.var_file);
  std::filesystem::remove(large.var_file);
}

// A chain of {{user}} references thousands deep overflowed the stack
// (SIGSEGV); it is now one positioned error.
TEST(Variables, ADeepChainIsAnErrorNotACrash) {
  std::string vars;
  const int n = 5'000;
  for (int i = 0; i < n; ++i)
    vars += fmt::format("{}\"v{}\": \"{}\"", i ? ", " : "", i, i + 1 < n ? fmt::format("{{{{user `v{}`}}}}", i + 1) : "end");
  Diagnostics diags;
  Template t = ParseJsonTemplate(fmt::format(R"({{"variables": {{{}}}, "builders": [{{"type": "null"}}]}})", vars),
                                 "deep.json", diags);
  ASSERT_TRUE(diags.empty());
  (void)ResolveVariables(t, {}, interpolate::Context{}, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].summary.find("more than 1000 levels deep"), std::string::npos) << diags[0].summary;
  ASSERT_TRUE(diags[0].where.has_value());
  EXPECT_EQ(diags[0].where->start.line, 1);
}

}  // namespace
}  // namespace kiln::tmpl
