// Data-driven tests of the HCL language: every file in tests/fixtures/hcl/
// (NAME.hcl or NAME.json) is parsed and evaluated, and the result is checked
// against NAME.expect beside it:
//   * a JSON document: the file evaluated (hcl/dump.h: attributes in order,
//     blocks under "type label..."), compared exactly (numbers digit for digit);
//   * otherwise lines "line:col: summary": the error diagnostics, in order;
//   * or, when it starts with "#" or "args:", a run of `kiln validate ARGS
//     NAME` in this folder as a user makes it (for var-files, in vars/):
//       # what the case covers
//       args: -var-file=vars/NAME.pkrvars.hcl
//       error: vars/NAME.pkrvars.hcl 2:5: summary substring   (FILE LINE:COL)
//       absent: text that must appear nowhere in the output   (repeatable)
// Evaluation uses the standard functions with base_dir = the fixtures folder,
// a fixed clock (2024-01-02T03:04:05Z) and env("KILN_FIXTURE_ENV") = "from-env".
// KILN_HCL_FIXTURES_WRITE=1 writes missing .expect files (review them!).
//
// NAME.pkr.hcl / NAME.pkr.json are Packer templates instead: `kiln validate`
// runs on them (with -var-file=NAME.pkrvars.hcl or .json when one exists) and
// NAME.expect is "valid" or its errors, "line:col: summary" in the template
// and "FILE line:col: summary" in another file.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kiln_runner.h"
#include "hcl/dump.h"
#include "hcl/functions/functions.h"
#include "hcl/value_json.h"
#include "kiln_runner.h"

namespace kiln::hcl {
namespace {

namespace fs = std::filesystem;

fs::path FixturesDir() { return fs::path(KILN_FIXTURES_DIR) / "hcl"; }

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(FixturesDir())) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string(), name = e.path().filename().string();
    if (name.find(".pkrvars.") != std::string::npos) continue;  // a Packer fixture's var file
    if (ext == ".hcl" || ext == ".json") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Outcome {
  std::string errors;  // "line:col: summary" lines
  std::string json;    // compact JSON of the value, if no errors
};

bool IsPackerFixture(const std::string& name) { return name.ends_with(".pkr.hcl") || name.ends_with(".pkr.json"); }

// A Packer template through `kiln validate`: "valid", or its error lines.
std::string RunPackerFixture(const std::string& name) {
  std::string stem = name.substr(0, name.rfind(".pkr."));
  std::string args = "validate";
  for (const char* ext : {".pkrvars.hcl", ".pkrvars.json"})
    if (fs::exists(FixturesDir() / (stem + ext))) args += " -var-file=" + stem + ext;
  kiln::testing::RunResult r = kiln::testing::RunKiln(args + " " + name, FixturesDir().string());
  if (r.exit_code == 0) return "valid";
  std::string out;
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("Error: ")) continue;
    line = line.substr(7);  // FILE:LINE:COL: summary
    std::size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1), c3 = line.find(": ", c2 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos || c3 == std::string::npos) {
      out += "0:0: " + line + "\n";
      continue;
    }
    std::string file = line.substr(0, c1), position = line.substr(c1 + 1, c3 - c1 - 1);
    out += (file == name ? "" : file + " ") + position + ": " + line.substr(c3 + 2) + "\n";
  }
  return out.empty() ? "exit " + std::to_string(r.exit_code) + ": " + r.all() : out;
}

Outcome RunFixture(const std::string& name) {
  fs::path path = FixturesDir() / name;
  Diagnostics diags;
  File file = ParseFile(path.string(), diags);
  FunctionOptions opts;
  opts.base_dir = FixturesDir().string();
  opts.now = [] { return std::chrono::system_clock::from_time_t(1704164645); };  // 2024-01-02T03:04:05Z
  opts.env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "KILN_FIXTURE_ENV") return "from-env";
    return std::nullopt;
  };
  EvalContext ctx;
  ctx.functions = StandardFunctions(opts);
  Value v;
  if (!HasErrors(diags)) v = EvaluateFileForDump(file, ctx, diags);
  Outcome out;
  for (const Diagnostic& d : diags) {
    if (d.warning) continue;
    if (d.where) out.errors += fmt::format("{}:{}: {}\n", d.where->start.line, d.where->start.column, d.summary);
    else out.errors += fmt::format("0:0: {}\n", d.summary);
  }
  if (out.errors.empty()) {
    auto j = ValueToJSON(v);
    out.json = j ? *j : "<" + j.error().summary + ">";
  }
  return out;
}

// The "args:" form: kiln validate's exit status, error position and
// message, and text that must not be printed.
void CheckCliRun(const std::string& name, const std::string& expect) {
  std::string args, error;
  std::vector<std::string> absent;
  std::istringstream in(expect);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("args:")) args = line.substr(5);
    else if (line.starts_with("error:")) error = line.substr(line.find_first_not_of(' ', 6));
    else if (line.starts_with("absent:")) absent.push_back(line.substr(line.find_first_not_of(' ', 7)));
  }
  ASSERT_FALSE(error.empty()) << name << ": needs an error: line";
  kiln::testing::RunResult r = kiln::testing::RunKiln("validate " + args + " " + name, FixturesDir().string());
  EXPECT_EQ(r.exit_code, 1) << r.all();
  std::string file = error.substr(0, error.find(' ')), rest = error.substr(file.size() + 1);
  std::size_t colon = rest.find(": ");
  std::string located = fmt::format("Error: {}:{}: ", file, rest.substr(0, colon));
  EXPECT_NE(r.err.find(located), std::string::npos) << "want " << located << " in:\n" << r.all();
  EXPECT_NE(r.err.find(rest.substr(colon + 2)), std::string::npos) << "want " << rest << " in:\n" << r.all();
  for (const std::string& text : absent) EXPECT_EQ(r.all().find(text), std::string::npos) << text << " in:\n" << r.all();
}

class HclFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(HclFixture, MatchesExpectation) {
  const std::string name = GetParam();
  if (IsPackerFixture(name)) {
    fs::path expect_path = FixturesDir() / (name.substr(0, name.rfind(".pkr.")) + ".expect");
    ASSERT_TRUE(fs::exists(expect_path)) << expect_path;
    EXPECT_EQ(Trim(ReadText(expect_path)), Trim(RunPackerFixture(name))) << name;
    return;
  }
  fs::path expect_path = FixturesDir() / (fs::path(name).stem().string() + ".expect");
  if (fs::exists(expect_path)) {
    std::string expect = ReadText(expect_path);
    if (expect.starts_with("#") || expect.starts_with("args:")) return CheckCliRun(name, expect);
  }
  Outcome got = RunFixture(name);
  if (!fs::exists(expect_path)) {
    if (std::getenv("KILN_HCL_FIXTURES_WRITE")) {
      std::string text = got.errors.empty() ? *ValueToJSON(*ParseJSONValue(got.json), true) + "\n"
                                            : got.errors;
      std::ofstream(expect_path) << text;
    }
    FAIL() << "missing " << expect_path << "\nerrors:\n" << got.errors << "json: " << got.json;
  }
  std::string expect = ReadText(expect_path);
  if (!expect.empty() && std::isdigit(static_cast<unsigned char>(expect[0]))) {
    EXPECT_EQ(Trim(expect), Trim(got.errors)) << name;
    return;
  }
  ASSERT_EQ("", got.errors) << name;
  auto want = ParseJSONValue(expect, expect_path.string());
  ASSERT_TRUE(want) << want.error().Message();
  EXPECT_EQ(*ValueToJSON(*want), got.json) << name;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HclFixture, ::testing::ValuesIn(FixtureNames()), TestName);

TEST(HclFixtures, AtLeastEightyFixtures) { EXPECT_GE(FixtureNames().size(), 80u); }

}  // namespace
}  // namespace kiln::hcl
